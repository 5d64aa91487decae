"""Mapping directives behave exactly like Segment's mapping-kit.

Every spec line below is checked three ways: mapping-kit itself (tests/oracles/mapping.mjs,
run once for the whole module) must give the stated answer, our `transform` must give it
too, and `validate` must accept or refuse the mapping just as mapping-kit's validation does.
The few places where we differ on purpose say so and why. Random mappings then compare
the two engines wholesale, and the spec lines run again on MicroPython.
"""
import json

import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from _mapping_oracle import oracle
from _micropython import run_micropython
from oneflow_web.mapping import MappingError, prepare, transform, validate

EVENT = {
    "type": "track",
    "event": "Order Completed",
    "userId": "u-1",
    "anonymousId": "anon-1",
    "properties": {
        "plan": "pro", "total": 12.5, "count": 3, "zero": 0, "empty": "", "none": None,
        "yes": True, "no": False, "tags": ["a", "b"], "first name": "Ada",
        "items": [{"sku": "s1", "price": 1.0}, {"sku": "s2", "price": 2.5}],
        "nested": {"deep": {"value": "here"}}, "unicode": "Zoë 😀", "big": 1e21, "tiny": 1e-7,
    },
    "traits": {"email": "ada@example.com", "name": "Ada"},
    "context": {"traits": {"email": "ctx@example.com", "plan": "free"}},
}


class Refused:
    """The mapping is refused: mapping-kit throws, and our MappingError names the field and directives."""

    def __init__(self, field, *directives):
        self.field = field
        self.directives = directives

    def check(self, message):
        assert (f'Mapping field "{self.field}"' if self.field else "Mapping:") in message, message
        for directive in self.directives:
            assert directive in message, message


CASES = []  # {"mapping", "data"} of every spec line, in the order the oracle answers them
MICROPYTHON = []  # (index, expected) of the cases MicroPython must match as well


def spec(mapping, want, data=None, mapping_kit=None, micropython=True):
    """One behaviour: transform(mapping, data or EVENT) gives `want` (a value or a Refused).

    `mapping_kit` states what mapping-kit gives instead where we differ on purpose;
    `micropython` is False where the lite runtime cannot match (the reason is noted).
    """
    index = len(CASES)
    data = EVENT if data is None else data
    CASES.append({"mapping": mapping, "data": data})
    if micropython:
        MICROPYTHON.append((index, want))

    def test(mapping_kit_answers):
        answer = mapping_kit_answers[index]
        expect_answer(answer, want if mapping_kit is None else mapping_kit)
        expect_ours(mapping, data, want)
        if mapping_kit is None:  # our validation is mapping-kit's, except where we differ
            assert validate_accepts(mapping) == answer["valid"]
    return test


def expect_answer(answer, want):
    if isinstance(want, Refused):
        assert not answer["ok"], f"mapping-kit accepted it: {answer}"
    else:
        assert answer["ok"], f"mapping-kit refused it: {answer['error']}"
        assert plain(answer["output"]) == plain(want), answer["output"]


def expect_ours(mapping, data, want):
    """transform, and the prepared per-event form the destination uses, both give `want`."""
    if isinstance(want, Refused):
        with pytest.raises(MappingError) as refused:
            transform(mapping, data)
        want.check(str(refused.value))
        with pytest.raises(MappingError):
            prepare(mapping)(data)
    else:
        got = transform(mapping, data)
        assert plain(got) == plain(want), got
        assert plain(prepare(mapping)(data)) == plain(want)


def validate_accepts(mapping):
    try:
        validate(mapping)
    except MappingError:
        return False
    return True


def plain(value):
    """A form that compares JSON values the JavaScript way: 1 == 1.0, but true != 1."""
    if value is True or value is False:
        return ("boolean", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    if isinstance(value, list):
        return ("array", [plain(item) for item in value])
    if isinstance(value, dict):
        return ("object", sorted((key, plain(item)) for key, item in value.items()))
    return value


@pytest.fixture(scope="module")
def mapping_kit_answers():
    return oracle(CASES)


# ---- @path ----

test_path_reads_a_nested_field = spec({"plan": {"@path": "$.properties.plan"}}, {"plan": "pro"})
test_path_works_without_the_dollar_prefix = spec({"plan": {"@path": "properties.plan"}}, {"plan": "pro"})
test_path_to_nothing_drops_the_field = spec(
    {"plan": {"@path": "$.properties.missing"}, "event": {"@path": "$.event"}}, {"event": "Order Completed"})
test_path_to_null_keeps_null = spec({"none": {"@path": "$.properties.none"}}, {"none": None})
test_path_keeps_falsy_values = spec(
    {"z": {"@path": "$.properties.zero"}, "e": {"@path": "$.properties.empty"}, "n": {"@path": "$.properties.no"}},
    {"z": 0, "e": "", "n": False})
test_path_indexes_lists_with_brackets_or_dots = spec(
    {"tag": {"@path": "$.properties.tags[1]"}, "sku": {"@path": "$.properties.items.0.sku"},
     "price": {"@path": "$.properties.items[1].price"}},
    {"tag": "b", "sku": "s1", "price": 2.5})
test_path_reads_keys_with_spaces_in_quoted_brackets = spec(
    {"a": {"@path": '$.properties["first name"]'}, "b": {"@path": "$.properties['first name']"}},
    {"a": "Ada", "b": "Ada"})
# mapping-kit splits on every dot, even inside quotes.
test_path_splits_on_dots_even_inside_brackets = spec(
    {"deep": {"@path": '$.properties["nested.deep"]'}}, {"deep": {"value": "here"}})
test_path_reads_length_of_lists_and_strings_in_utf16_units = spec(
    {"tags": {"@path": "$.properties.tags.length"}, "text": {"@path": "$.properties.unicode.length"}},
    {"tags": 2, "text": 6})
test_path_reads_characters_of_strings = spec({"initial": {"@path": "$.traits.name.0"}}, {"initial": "A"})
test_path_through_a_falsy_value_gives_that_value = spec(
    {"z": {"@path": "$.properties.zero.x"}, "e": {"@path": "$.properties.empty.x"},
     "n": {"@path": "$.properties.none.x"}, "f": {"@path": "$.properties.no.x"}},
    {"z": 0, "e": "", "n": None, "f": False})
test_path_through_a_truthy_scalar_gives_nothing = spec({"x": {"@path": "$.properties.count.x"}}, {})
test_path_ignores_indexes_js_would_not_read = spec(
    {"a": {"@path": "$.properties.tags[5]"}, "b": {"@path": "$.properties.tags.01"},
     "c": {"@path": "$.properties.tags.-1"}}, {})
test_path_removes_the_first_dollar_dot_wherever_it_is = spec(
    {"plan": {"@path": "properties.$.plan"}}, {"plan": "pro"})
test_path_of_dollar_dot_alone_is_the_whole_event = spec(
    {"all": {"@path": "$."}}, {"all": {"a": 1}}, data={"a": 1})
test_path_can_come_from_another_directive = spec(
    {"x": {"@path": {"@template": "$.properties.{{which}}"}}}, {"x": "pro"},
    data={"which": "plan", "properties": {"plan": "pro"}})
test_path_must_be_a_string = spec({"plan": {"@path": 5}}, Refused("plan", "@path"))
test_path_from_a_directive_must_give_a_string = spec(
    {"plan": {"@path": {"@path": "$.properties.count"}}}, Refused("plan", "@path"))


# ---- @template ----

test_template_substitutes_paths = spec(
    {"line": {"@template": "{{traits.name}} bought {{properties.count}} for {{properties.total}}"}},
    {"line": "Ada bought 3 for 12.5"})
test_template_prints_missing_and_null_as_nothing = spec(
    {"line": {"@template": "[{{properties.missing}}|{{properties.none}}]"}}, {"line": "[|]"})
test_template_prints_values_as_javascript_does = spec(
    {"line": {"@template": "{{properties.yes}} {{properties.no}} {{properties.big}} {{properties.tiny}} "
                           "{{properties.items.0.price}} {{properties.zero}}"}},
    {"line": "true false 1e+21 1e-7 1 0"})
test_template_prints_lists_joined_and_objects_as_object_object = spec(
    {"line": {"@template": "{{properties.tags}} / {{traits}}"}}, {"line": "a,b / [object Object]"})
test_template_trims_spaces_inside_the_braces = spec({"name": {"@template": "{{  traits.name }}"}}, {"name": "Ada"})
# Unlike @path, templates do not drop "$.": "$" is read as a key.
test_template_does_not_strip_the_dollar_prefix = spec({"name": {"@template": "{{$.traits.name}}"}}, {"name": ""})
test_template_accepts_triple_braces = spec({"name": {"@template": "{{{traits.name}}}"}}, {"name": "Ada"})
test_template_fills_braces_that_a_triple_brace_value_brought_in = spec(
    {"x": {"@template": "{{{a}}}"}}, {"x": "filled"}, data={"a": "{{b}}", "b": "filled"})
test_template_leaves_empty_and_unclosed_braces = spec(
    {"x": {"@template": "{{}} {{ traits.name"}}, {"x": "{{}} {{ traits.name"})
test_template_of_blank_braces_prints_the_whole_event = spec({"x": {"@template": "{{ }}"}}, {"x": "[object Object]"})
test_template_keeps_unicode = spec({"x": {"@template": "{{properties.unicode}}!"}}, {"x": "Zoë 😀!"})
test_template_must_be_a_string = spec({"greeting": {"@template": ["hi"]}}, Refused("greeting", "@template"))


# ---- @literal and plain values ----

test_literal_gives_its_value = spec(
    {"s": {"@literal": "x"}, "z": {"@literal": 0}, "n": {"@literal": None}, "l": {"@literal": [1, {"k": True}]}},
    {"s": "x", "z": 0, "n": None, "l": [1, {"k": True}]})
# The name promises otherwise, but mapping-kit resolves directives inside @literal.
test_literal_still_runs_directives_inside_it = spec(
    {"x": {"@literal": {"plan": {"@path": "$.properties.plan"}, "gone": {"@path": "$.missing"}}}},
    {"x": {"plan": "pro"}})
test_plain_values_pass_through = spec(
    {"s": "text", "n": 1.5, "t": True, "z": None, "l": [1, "two"], "o": {"k": "v"}},
    {"s": "text", "n": 1.5, "t": True, "z": None, "l": [1, "two"], "o": {"k": "v"}})
test_nested_objects_resolve_each_field = spec(
    {"user": {"id": {"@path": "$.userId"}, "email": {"@path": "$.traits.email"}, "gone": {"@path": "$.x"}}},
    {"user": {"id": "u-1", "email": "ada@example.com"}})
test_lists_resolve_each_item = spec(
    {"ids": [{"@path": "$.userId"}, {"@path": "$.anonymousId"}, "fixed"]}, {"ids": ["u-1", "anon-1", "fixed"]})
test_missing_items_in_lists_become_null = spec({"ids": [{"@path": "$.missing"}, 1]}, {"ids": [None, 1]})
test_empty_mapping_gives_an_empty_payload = spec({}, {})
test_metadata_next_to_a_directive_is_ignored = spec(
    {"plan": {"@path": "$.properties.plan", "_metadata": {"label": "Plan"}}}, {"plan": "pro"})
test_mapping_that_is_one_directive_gives_its_value = spec({"@path": "$.traits"}, EVENT["traits"])
test_unicode_and_empty_keys_are_fields_like_any_other = spec(
    {"prénom": {"@path": "$.traits.name"}, "": "empty"}, {"prénom": "Ada", "": "empty"})
test_unknown_directive_is_refused = spec({"plan": {"@pth": "$.x"}}, Refused("plan", "@pth"))
test_directive_with_other_keys_is_refused = spec({"plan": {"@path": "$.x", "label": "y"}}, Refused("plan", "@path"))
test_two_directives_in_one_object_are_refused = spec(
    {"plan": {"@path": "$.x", "@template": "y"}}, Refused("plan", "@path", "@template"))
test_errors_name_the_nested_field = spec({"traits": {"plan": {"@path": 5}}}, Refused("traits.plan", "@path"))
test_errors_name_the_directives_they_are_inside = spec(
    {"x": {"@if": {"exists": {"@path": 5}}}}, Refused("x", "@if.exists.@path"))
# mapping-kit's validation does not look inside lists, so these only fail when run.
test_mistakes_inside_lists_are_refused_when_run = spec({"ids": [{"@pth": "x"}]}, Refused("ids.0", "@pth"))
test_directive_like_objects_inside_lists_stay_plain_objects = spec(
    {"ids": [{"@path": "$.userId", "label": {"@path": "$.anonymousId"}}]},
    {"ids": [{"@path": "$.userId", "label": "anon-1"}]})


# ---- @if ----

EMAIL = {"@path": "$.traits.email"}
test_if_exists_takes_then = spec({"x": {"@if": {"exists": EMAIL, "then": "yes", "else": "no"}}}, {"x": "yes"})
test_if_missing_takes_else = spec(
    {"x": {"@if": {"exists": {"@path": "$.missing"}, "then": "yes", "else": "no"}}}, {"x": "no"})
test_if_null_counts_as_missing = spec(
    {"x": {"@if": {"exists": {"@path": "$.properties.none"}, "then": "yes", "else": "no"}}}, {"x": "no"})
test_if_falsy_values_exist = spec(
    {"x": {"@if": {"exists": {"@path": "$.properties.zero"}, "then": "yes", "else": "no"}}}, {"x": "yes"})
test_if_branches_resolve_directives = spec(
    {"x": {"@if": {"exists": {"@path": "$.missing"}, "then": EMAIL, "else": {"@path": "$.context.traits.email"}}}},
    {"x": "ctx@example.com"})
test_if_without_else_drops_the_field = spec({"x": {"@if": {"exists": {"@path": "$.missing"}, "then": 1}}}, {})
test_if_then_may_be_false_or_null = spec(
    {"f": {"@if": {"exists": EMAIL, "then": False}}, "n": {"@if": {"exists": EMAIL, "then": None}}},
    {"f": False, "n": None})
# An "else" that is false, 0 or "" is ignored (mapping-kit tests it for truthiness).
test_if_falsy_else_drops_the_field = spec(
    {k: {"@if": {"exists": {"@path": "$.missing"}, "then": 1, "else": v}}
     for k, v in [("f", False), ("z", 0), ("e", "")]},
    {})
test_if_blank_takes_else_for_empty_values = spec(
    {k: {"@if": {"blank": v, "then": "filled", "else": "blank"}} for k, v in [
        ("empty", {"@path": "$.properties.empty"}), ("zero", {"@path": "$.properties.zero"}),
        ("false", {"@path": "$.properties.no"}), ("null", {"@path": "$.properties.none"}),
        ("missing", {"@path": "$.missing"}), ("list", {"@literal": []}), ("nulls", {"@literal": [None]})]},
    {k: "blank" for k in ["empty", "zero", "false", "null", "missing", "list", "nulls"]})
test_if_blank_takes_then_for_other_values = spec(
    {k: {"@if": {"blank": v, "then": "filled", "else": "blank"}} for k, v in [
        ("text", EMAIL), ("space", " "), ("zero text", "0"), ("object", {"@path": "$.traits"}), ("true", True)]},
    {k: "filled" for k in ["text", "space", "zero text", "object", "true"]})
# "exists" takes a value, not a path: a plain string always exists.
test_if_exists_with_a_plain_string_is_always_true = spec(
    {"x": {"@if": {"exists": "$.missing", "then": "yes", "else": "no"}}}, {"x": "yes"})
test_if_falsy_exists_still_decides_once_blank_is_set = spec(
    {"x": {"@if": {"exists": False, "blank": "ignored", "then": "yes", "else": "no"}}}, {"x": "yes"})
test_if_needs_exists_or_blank = spec({"x": {"@if": {"then": 1}}}, Refused("x", "@if"))
test_if_refuses_a_falsy_exists_alone = spec({"x": {"@if": {"exists": 0, "then": 1}}}, Refused("x", "@if"))
test_if_options_must_be_an_object = spec({"x": {"@if": "yes"}}, Refused("x", "@if"))


# ---- @case ----

test_case_lowers = spec({"x": {"@case": {"operator": "lower", "value": "MiXeD"}}}, {"x": "mixed"})
test_case_uppers_a_path = spec({"x": {"@case": {"operator": "upper", "value": EMAIL}}}, {"x": "ADA@EXAMPLE.COM"})
# MicroPython's str.upper() only knows ASCII.
test_case_uppers_unicode = spec(
    {"x": {"@case": {"operator": "upper", "value": "straße zoë"}}}, {"x": "STRASSE ZOË"}, micropython=False)
test_case_leaves_non_strings_alone = spec(
    {"x": {"@case": {"operator": "upper", "value": {"@path": "$.properties.count"}}}}, {"x": 3})
test_case_of_nothing_drops_the_field = spec(
    {"m": {"@case": {"operator": "upper", "value": {"@path": "$.missing"}}},
     "e": {"@case": {"operator": "upper", "value": ""}}}, {})
test_case_needs_an_operator = spec({"x": {"@case": {"value": "x"}}}, Refused("x", "@case"))
test_case_refuses_other_operators_for_strings = spec(
    {"x": {"@case": {"operator": "title", "value": "x"}}}, Refused("x", "@case"))
test_case_ignores_other_operators_for_non_strings = spec(
    {"x": {"@case": {"operator": "title", "value": {"@path": "$.properties.count"}}}}, {"x": 3})


# ---- @replace ----

def replace(**options):
    return {"x": {"@replace": options}}


test_replace_replaces_every_occurrence = spec(replace(pattern="-", replacement="_", value="a-b-c"), {"x": "a_b_c"})
test_replace_replaces_the_first_when_not_global = spec(
    replace(pattern="-", replacement="_", value="a-b-c", **{"global": False}), {"x": "a_b-c"})
test_replace_matches_the_pattern_literally = spec(
    replace(pattern=".*(a)", replacement="!", value="x.*(a)y"), {"x": "x!y"})
test_replace_without_replacement_deletes = spec(replace(pattern="-", value="a-b"), {"x": "ab"})
test_replace_can_ignore_case = spec(replace(pattern="AB", replacement="x", value="ab Ab aB", ignorecase=True),
                                    {"x": "x x x"})
# MicroPython's str.upper() only knows ASCII, so it cannot fold "Ë" onto "ë".
test_replace_ignores_case_beyond_ascii = spec(
    replace(pattern="Ë", replacement="e", value="Zoë", ignorecase=True), {"x": "Zoe"}, micropython=False)
test_replace_expands_dollar_patterns = spec(
    {"x": {"@replace": {"pattern": "b", "replacement": "[$&$$$`$']", "value": "abc"}},
     "group": {"@replace": {"pattern": "b", "replacement": "$1$", "value": "abc"}}},
    {"x": "a[b$ac]c", "group": "a$1$c"})
test_replace_applies_a_second_pattern_after_the_first = spec(
    replace(pattern="a", replacement="b", pattern2="b", replacement2="c", value="ab"), {"x": "cc"})
test_replace_prints_numbers_and_booleans_first = spec(
    {"n": {"@replace": {"pattern": ".", "replacement": ",", "value": {"@path": "$.properties.total"}}},
     "b": {"@replace": {"pattern": "t", "value": {"@path": "$.properties.yes"}}}},
    {"n": "12,5", "b": "rue"})
test_replace_works_on_unicode = spec(
    replace(pattern="ë", replacement="e", value={"@path": "$.properties.unicode"}), {"x": "Zoe 😀"})
# Odd but mapping-kit's: a value that is missing or not text gives "".
test_replace_of_a_missing_or_object_value_gives_an_empty_string = spec(
    {"m": {"@replace": {"pattern": "a", "value": {"@path": "$.missing"}}},
     "o": {"@replace": {"pattern": "a", "value": {"@path": "$.traits"}}}},
    {"m": "", "o": ""})
test_replace_of_an_empty_value_drops_the_field = spec(replace(pattern="a", value=""), {})
test_replace_refuses_patterns_over_10_characters = spec(
    replace(pattern="abcdefghijk", value="x"), Refused("x", "@replace.pattern"))
test_replace_refuses_second_patterns_over_10_characters_when_run = spec(
    replace(pattern="a", pattern2="abcdefghijk", value="x"), Refused("x", "@replace.pattern2"))
test_replace_needs_a_pattern = spec(replace(value="x"), Refused("x", "@replace"))


# ---- @arrayPath ----

ITEM = {"id": {"@path": "$.sku"}, "cost": {"@path": "$.price"}}
test_array_path_maps_each_item = spec(
    {"products": {"@arrayPath": ["$.properties.items", ITEM]}},
    {"products": [{"id": "s1", "cost": 1}, {"id": "s2", "cost": 2.5}]})
test_array_path_without_an_item_mapping_gives_the_list = spec(
    {"items": {"@arrayPath": ["$.properties.items"]}}, {"items": EVENT["properties"]["items"]})
test_array_path_with_an_empty_item_mapping_gives_the_list = spec(
    {"tags": {"@arrayPath": ["$.properties.tags", {}]}}, {"tags": ["a", "b"]})
test_array_path_wraps_an_object_in_a_list = spec(
    {"x": {"@arrayPath": ["$.traits", {"e": {"@path": "$.email"}}]}}, {"x": [{"e": "ada@example.com"}]})
test_array_path_of_nothing_drops_the_field = spec({"x": {"@arrayPath": ["$.missing", ITEM]}}, {})
test_array_path_of_a_string_gives_it_unchanged = spec({"x": {"@arrayPath": ["$.traits.name", ITEM]}}, {"x": "Ada"})
test_array_path_items_may_be_scalars = spec(
    {"x": {"@arrayPath": ["$.properties.tags", {"tag": {"@path": "$."}, "t": {"@template": "<{{ }}>"}}]}},
    {"x": [{"tag": "a", "t": "<a>"}, {"tag": "b", "t": "<b>"}]})
test_array_path_root_may_be_a_directive = spec(
    {"x": {"@arrayPath": [{"@path": "$.properties.items"}, {"id": {"@path": "$.sku"}}]}},
    {"x": [{"id": "s1"}, {"id": "s2"}]})
test_array_path_must_be_a_list = spec({"x": {"@arrayPath": "$.properties.items"}}, Refused("x", "@arrayPath"))


# ---- @json ----

test_json_encodes_like_json_stringify = spec(
    {"x": {"@json": {"mode": "encode", "value": {"@literal": {"list": [1, 1.5, True, None, 'é\n"q"', 1e21]}}}}},
    {"x": '{"list":[1,1.5,true,null,"é\\n\\"q\\"",1e+21]}'})
test_json_encodes_index_keys_first_as_javascript_orders_them = spec(
    {"x": {"@json": {"mode": "encode", "value": {"@literal": {"b": 1, "10": 2, "2": 3}}}}},
    {"x": '{"2":3,"10":2,"b":1}'})
test_json_encodes_a_string = spec({"x": {"@json": {"mode": "encode", "value": EMAIL}}}, {"x": '"ada@example.com"'})
test_json_encode_of_nothing_drops_the_field = spec(
    {"x": {"@json": {"mode": "encode", "value": {"@path": "$.missing"}}}}, {})
test_json_decodes = spec({"x": {"@json": {"mode": "decode", "value": '{"a": [1, 2.5]}'}}}, {"x": {"a": [1, 2.5]}})
test_json_decode_of_invalid_json_gives_the_text = spec(
    {"x": {"@json": {"mode": "decode", "value": "not json"}}, "n": {"@json": {"mode": "decode", "value": "NaN"}}},
    {"x": "not json", "n": "NaN"})
# MicroPython's json accepts trailing commas and more that JSON.parse refuses.
test_json_decode_is_strict = spec(
    {"x": {"@json": {"mode": "decode", "value": "[1,]"}}}, {"x": "[1,]"}, micropython=False)
test_json_decode_leaves_non_strings_alone = spec(
    {"x": {"@json": {"mode": "decode", "value": {"@path": "$.properties.tags"}}}}, {"x": ["a", "b"]})
# Validation accepts any case of "encode", running only the exact word.
test_json_mode_in_other_case_drops_the_field = spec({"x": {"@json": {"mode": "ENCODE", "value": "a"}}}, {})
test_json_refuses_a_falsy_value = spec({"x": {"@json": {"mode": "encode", "value": False}}}, Refused("x", "@json"))
test_json_needs_a_mode = spec({"x": {"@json": {"value": "a"}}}, Refused("x", "@json"))
test_json_refuses_other_modes = spec({"x": {"@json": {"mode": "yaml", "value": "a"}}}, Refused("x", "@json.mode"))


# ---- @flatten ----

test_flatten_joins_nested_keys = spec(
    {"x": {"@flatten": {"separator": ".", "value": {"@path": "$.properties.nested"}}}}, {"x": {"deep.value": "here"}})
test_flatten_includes_list_indexes = spec(
    {"x": {"@flatten": {"separator": "_", "value": {"@literal": {"a": [1, {"b": 2}], "e": {}}}}}},
    {"x": {"a_0": 1, "a_1_b": 2}})
test_flatten_can_keep_lists = spec(
    {"x": {"@flatten": {"separator": "_", "omitArrays": True, "value": {"@literal": {"a": [1, {"b": 2}]}}}}},
    {"x": {"a": [1, {"b": 2}]}})
test_flatten_of_a_scalar_uses_an_empty_key = spec(
    {"x": {"@flatten": {"separator": ".", "value": "v"}}}, {"x": {"": "v"}})
test_flatten_of_nothing_gives_an_empty_object = spec(
    {"x": {"@flatten": {"separator": ".", "value": {"@path": "$.missing"}}}}, {"x": {}})
# Which of two keys that flatten alike wins depends on key order, which MicroPython does not keep.
test_flatten_lets_the_later_of_clashing_keys_win = spec(
    {"x": {"@flatten": {"separator": ".", "value": {"@literal": {"a": {"b": 1}, "a.b": 2}}}}},
    {"x": {"a.b": 2}}, micropython=False)
test_flatten_needs_a_separator_when_run = spec({"x": {"@flatten": {"value": "v"}}}, Refused("x", "@flatten"))


# ---- @merge ----

def merge(direction, *objects):
    return {"x": {"@merge": {"direction": direction, "objects": list(objects)}}}


CONTEXT_TRAITS = {"@path": "$.context.traits"}
TRAITS = {"@path": "$.traits"}
test_merge_right_lets_later_objects_win = spec(
    merge("right", CONTEXT_TRAITS, TRAITS), {"x": {"email": "ada@example.com", "plan": "free", "name": "Ada"}})
test_merge_left_lets_earlier_objects_win = spec(
    merge("left", CONTEXT_TRAITS, TRAITS), {"x": {"email": "ctx@example.com", "plan": "free", "name": "Ada"}})
# Object.assign copies keys whose value is undefined, so a missing value removes the key.
test_merge_lets_a_missing_value_remove_the_key = spec(
    merge("right", TRAITS, {"email": {"@path": "$.missing"}}), {"x": {"name": "Ada"}})
test_merge_skips_objects_that_are_missing = spec(merge("right", {"@path": "$.missing"}, {"a": 1}), {"x": {"a": 1}})
test_merge_spreads_lists_and_strings_by_index = spec(
    merge("right", {"@path": "$.properties.tags"}, {"@path": "$.properties.unicode"}),
    {"x": {"0": "Z", "1": "o", "2": "ë", "3": " ", "4": "\ud83d", "5": "\ude00"}}, micropython=False)
# Validation accepts any case of "left", running only the exact word.
test_merge_direction_is_case_sensitive_when_run = spec(
    merge("LEFT", CONTEXT_TRAITS, TRAITS), {"x": {"email": "ada@example.com", "plan": "free", "name": "Ada"}})
test_merge_needs_a_direction_when_run = spec({"x": {"@merge": {"objects": [TRAITS]}}}, Refused("x", "@merge"))
test_merge_objects_must_be_a_list = spec(
    {"x": {"@merge": {"direction": "right", "objects": TRAITS}}}, Refused("x", "@merge.objects"))


# ---- @transform ----

test_transform_maps_what_apply_gives = spec(
    {"x": {"@transform": {"apply": {"email": EMAIL, "plan": {"@path": "$.context.traits.plan"}},
                          "mapping": {"line": {"@template": "{{email}} on {{plan}}"}}}}},
    {"x": {"line": "ada@example.com on free"}})
test_transform_apply_drops_what_is_missing = spec(
    {"x": {"@transform": {"apply": {"m": {"@path": "$.missing"}},
                          "mapping": {"@if": {"exists": {"@path": "$.m"}, "then": "has", "else": "lacks"}}}}},
    {"x": "lacks"})
test_transform_apply_must_be_an_object = spec(
    {"x": {"@transform": {"apply": "a", "mapping": {}}}}, Refused("x", "@transform.apply"))
# JavaScript's default parameter turns missing data (here an undefined list item) into {}.
test_transform_of_missing_data_runs_on_an_empty_object = spec(
    {"x": {"@arrayPath": [{"@literal": [{"@path": "$.missing"}]},
                          {"@transform": {"apply": {"a": 1}, "mapping": {"b": {"@path": "$.a"}}}}]}},
    {"x": [{"b": 1}]})
test_transform_needs_object_data = spec(
    {"x": {"@arrayPath": ["$.properties.tags", {"@transform": {"apply": {"a": 1}, "mapping": {"b": 2}}}]}},
    Refused("x", "@arrayPath.1.@transform"))


# ---- @excludeWhenNull ----

test_exclude_when_null_drops_null = spec({"x": {"@excludeWhenNull": {"@path": "$.properties.none"}}}, {})
test_exclude_when_null_keeps_other_values = spec(
    {"x": {"@excludeWhenNull": {"@path": "$.properties.zero"}}}, {"x": 0})
test_exclude_when_null_removes_null_keys_deeply_but_not_from_lists = spec(
    {"x": {"@excludeWhenNull": {"@literal": {"a": None, "b": {"c": None, "d": 1}, "l": [None]}}}},
    {"x": {"b": {"d": 1}, "l": [None]}})


# ---- where we differ from mapping-kit on purpose ----

# liquidjs is not in the browser engine; a clear refusal beats a half-faithful imitation.
test_liquid_is_refused_as_not_supported = spec(
    {"x": {"@liquid": "{{ traits.name | upcase }}"}}, Refused("x", "@liquid", "not supported"),
    mapping_kit={"x": "ADA"})
# mapping-kit would run whichever @-key comes first in the JSON text; not every runtime keeps that order.
test_two_directives_inside_a_list_are_refused_not_run_in_text_order = spec(
    {"ids": [{"@path": "$.userId", "@template": "x"}]}, Refused("ids.0", "@path", "@template"),
    mapping_kit={"ids": ["u-1"]})
# Segment-internal: it rewrites the mapping in place and may return a non-object.
test_root_directive_key_is_refused = spec(
    {"__segment_internal_directive": {"@literal": {}}, "a": 1}, Refused("__segment_internal_directive"),
    mapping_kit={"mapping": {"a": 1}})
# JavaScript would hand out Object.prototype; an event has no such field.
test_javascript_prototype_members_are_not_fields = spec(
    {"x": {"@path": "$.__proto__"}, "y": {"@path": "$.traits.constructor"}}, {}, mapping_kit={"x": {}})
# JavaScript would spread a list into an object keyed by index; a mapping is an object of fields.
test_mapping_must_be_an_object = spec([{"@path": "$.userId"}], Refused(""), mapping_kit={"0": "u-1"})


NOT_AN_OBJECT = len(CASES)
CASES.append({"mapping": {}, "data": [1]})


def test_data_must_be_an_object(mapping_kit_answers):
    assert not mapping_kit_answers[NOT_AN_OBJECT]["ok"]
    with pytest.raises(TypeError, match="data must be an object"):
        transform({}, [1])


def test_mapping_error_is_a_value_error():
    assert issubclass(MappingError, ValueError)


def test_validate_needs_no_data_and_accepts_default_mappings():
    validate({"event_name": {"@path": "$.event"}, "properties": {"@path": "$.properties"}})


def test_validate_names_field_and_directive():
    with pytest.raises(MappingError, match=r'Mapping field "traits.plan": @case.operator should be a string'):
        validate({"traits": {"plan": {"@case": {"operator": 1, "value": "x"}}}})


def test_spec_runs_the_same_on_micropython():
    cases = [CASES[index] for index, _ in MICROPYTHON]
    code = "\n".join([
        "import json",
        "from oneflow_web.mapping import MappingError, transform",
        "results = []",
        f"for case in json.loads({json.dumps(cases, ensure_ascii=False)!r}):",
        "    try:",
        "        results.append({'ok': True, 'output': transform(case['mapping'], case['data'])})",
        "    except MappingError as error:",
        "        results.append({'ok': False, 'error': str(error)})",
        "print(json.dumps(results))",
    ])
    results = json.loads(run_micropython(code))
    assert len(results) == len(cases)
    for (index, want), result in zip(MICROPYTHON, results):
        if isinstance(want, Refused):
            assert not result["ok"], (CASES[index], result)
            want.check(result["error"])
        else:
            assert result["ok"], (CASES[index], result)
            assert plain(result["output"]) == plain(want), (CASES[index], result)


# ---- random mappings against mapping-kit ----

KEYS = st.sampled_from(["a", "b", "c", "x", "0", "1", "x y", "é", "", "a.b", "length", "_metadata"])
TEXT = st.text(alphabet=list("abAB xX.$[]{}\"'01-_|&`") + ["é", "ß", "İ", "Σ", "😀", "\u00a0", "\n"], max_size=8)
NUMBERS = st.one_of(st.integers(-(2**53) + 1, 2**53 - 1), st.floats(allow_nan=False, allow_infinity=False))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
DATA = st.dictionaries(KEYS, st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3), max_leaves=6),
    max_size=5)

STEP = st.one_of(
    st.sampled_from(["a", "b", "c", "x", "0", "1", "length", "é"]).map(lambda key: "." + key),
    st.sampled_from(["0", "1", "2"]).map(lambda index: f"[{index}]"),
    st.sampled_from(["a", "x y", "a.b"]).map(lambda key: f'["{key}"]'),
    st.sampled_from(["b", "0"]).map(lambda key: f"['{key}']"),
)
PATH = st.one_of(
    st.tuples(st.sampled_from(["$", "", "$$"]), st.lists(STEP, max_size=4)).map(lambda p: p[0] + "".join(p[1])),
    st.text(alphabet="abx01.[]'\"$ ", max_size=8),
)
TEMPLATE = st.lists(st.one_of(
    TEXT, PATH.map(lambda path: "{{" + path.lstrip("$.") + "}}"), PATH.map(lambda path: "{{{ " + path + " }}}"),
    st.sampled_from(["{{", "}}", "{", "}", " ", "{{ }}"])), max_size=4).map("".join)
SHORT = st.text(alphabet=list("abAB.$&`'-") + ["é", "ß"], max_size=12)
JSON_TEXT = st.sampled_from(['{"a": [1, 2.5e3, "x"]}', "[1,]", "NaN", "-0", '"\\u00e9"', "01", "1e2 "])


def directive(name, body):
    return body.map(lambda value: {name: value})


def extend(inner):
    """Mostly well-formed directives (so that results get compared, not just refusals),
    plus a share of free-form ones whose options may be missing, falsy or mistyped."""
    reads = st.one_of(directive("@path", PATH), directive("@path", directive("@template", TEMPLATE)), inner)
    fields = st.dictionaries(KEYS, inner, min_size=1, max_size=3)
    loose = lambda **options: st.fixed_dictionaries({}, optional=options)  # noqa: E731
    return st.one_of(
        fields,
        st.lists(inner, max_size=3),
        directive("@path", directive("@template", TEMPLATE)),
        directive("@literal", inner),
        directive("@if", st.fixed_dictionaries({"exists": reads}, optional={"then": inner, "else": inner})),
        directive("@if", st.fixed_dictionaries({"blank": reads}, optional={"then": inner, "else": inner})),
        directive("@case", st.fixed_dictionaries({"operator": st.sampled_from(["lower", "upper"]), "value": reads})),
        directive("@replace", st.fixed_dictionaries(
            {"pattern": st.text(alphabet="abAB.$é-", min_size=1, max_size=3), "value": reads},
            optional={"replacement": st.text(alphabet="xy$&`'", max_size=4), "ignorecase": st.booleans(),
                      "global": st.booleans(), "pattern2": st.text(alphabet="abxy", max_size=2),
                      "replacement2": st.text(alphabet="ab$&", max_size=3)})),
        directive("@arrayPath", st.tuples(st.one_of(PATH, reads), fields).map(list)),
        directive("@json", st.fixed_dictionaries(
            {"mode": st.sampled_from(["encode", "decode"]), "value": st.one_of(reads, JSON_TEXT)})),
        directive("@flatten", st.fixed_dictionaries(
            {"separator": st.sampled_from([".", "_"]), "value": reads}, optional={"omitArrays": st.booleans()})),
        directive("@merge", st.fixed_dictionaries(
            {"direction": st.sampled_from(["left", "right"]),
             "objects": st.lists(st.one_of(reads, fields), max_size=3)})),
        directive("@transform", st.fixed_dictionaries({"apply": fields, "mapping": st.one_of(fields, reads)})),
        directive("@excludeWhenNull", reads),
        st.one_of(
            directive("@if", loose(exists=inner, blank=inner, then=inner, **{"else": inner})),
            directive("@case", loose(operator=st.one_of(st.sampled_from(["lower", "title", ""]), inner), value=inner)),
            directive("@replace", loose(pattern=st.one_of(SHORT, inner), replacement=st.one_of(SHORT, st.none()),
                                        value=inner, ignorecase=st.one_of(st.booleans(), inner), pattern2=SHORT,
                                        **{"global": st.one_of(st.booleans(), st.none())})),
            directive("@arrayPath", st.lists(inner, max_size=3)),
            directive("@json", loose(mode=st.sampled_from(["encode", "Encode", "x", ""]),
                                     value=st.one_of(inner, TEXT))),
            directive("@flatten", loose(separator=st.one_of(st.sampled_from([".", ""]), inner), value=inner,
                                        omitArrays=inner)),
            directive("@merge", loose(direction=st.one_of(st.sampled_from(["LEFT", "right"]), inner),
                                      objects=st.one_of(st.lists(inner, max_size=3), inner))),
            directive("@transform", loose(apply=inner, mapping=inner)),
            st.tuples(PATH, inner).map(lambda pair: {"@path": pair[0], "_metadata": pair[1]}),
            st.tuples(PATH, KEYS, inner).map(lambda parts: {"@path": parts[0], parts[1] or "k": parts[2]}),
        ).map(dict),  # mapped, so that one_of does not flatten these into the choices above
    )


MAPPING_VALUES = st.recursive(
    st.one_of(SCALARS, directive("@path", PATH), directive("@template", TEMPLATE)), extend, max_leaves=6)
MAPPINGS = st.dictionaries(KEYS, MAPPING_VALUES, min_size=1, max_size=3)
PATHS_AND_TEMPLATES = st.fixed_dictionaries({"p": directive("@path", PATH), "t": directive("@template", TEMPLATE)})


def agree_with_mapping_kit(mappings, datas):
    """Every mapping on every data: ours and mapping-kit give the same payload or both
    refuse, and validate() refuses exactly what mapping-kit's validation refuses.
    Crossing them gives many cases per Node run and per (slow) Hypothesis draw."""
    cases = [{"mapping": mapping, "data": data} for mapping in mappings for data in datas]
    for case, answer in zip(cases, oracle(cases)):
        try:
            got = {"ok": True, "output": transform(case["mapping"], case["data"])}
        except MappingError as error:
            got = {"ok": False, "error": str(error)}
        assert got["ok"] == answer["ok"], (case, got, answer)
        if got["ok"]:
            assert plain(got["output"]) == plain(answer["output"]), (case, got, answer)
            assert plain(prepare(case["mapping"])(case["data"])) == plain(got["output"]), case
        assert validate_accepts(case["mapping"]) == answer["valid"], (case, answer)


# No shrinking: each step would cost a Node run, and the failure already shows the one case.
RANDOM = settings(deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                  suppress_health_check=[HealthCheck.too_slow])


@settings(RANDOM, max_examples=5)
@given(st.lists(MAPPINGS, min_size=20, max_size=20), st.lists(DATA, min_size=20, max_size=20))
def test_random_mappings_agree_with_mapping_kit(mappings, datas):
    agree_with_mapping_kit(mappings, datas)


@settings(RANDOM, max_examples=3)
@given(st.lists(PATHS_AND_TEMPLATES, min_size=24, max_size=24), st.lists(DATA, min_size=12, max_size=12))
def test_random_paths_and_templates_agree_with_mapping_kit(mappings, datas):
    agree_with_mapping_kit(mappings, datas)
