"""Triggers ("subscribe" strings, Segment's FQL) are read as written, with Segment's meaning for each condition.

BEHAVIOURS are triggers Segment's own engine (`parseFql` + `validate` from
`@segment/destination-subscriptions`) reads as written: every expectation is checked against it
too, and ours gives no warning. AS_WRITTEN are triggers Segment's parser reads differently: ours
runs them as written and warns, naming how Segment would read them, and Segment's answer differs
on at least one of the events listed. UNREADABLE are triggers Segment guesses at and we refuse.
The generated tests check condition trees as Segment's trigger builder writes them (`generateFql`)
against `validate` on those trees, on CPython and on MicroPython.
"""
import json
import pathlib
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "src"))

from _fql_oracle import segment  # noqa: E402
from _micropython import run_micropython  # noqa: E402
from oneflow_web.triggers import Trigger, TriggerError, matches, parse  # noqa: E402


def props(**values):
    return {"properties": values}


# (behaviour, trigger, events it matches, events it does not match)
BEHAVIOURS = [
    # type and event: text compared exactly
    ("type_equals_is_exact_case_sensitive_text", 'type = "track"',
     [{"type": "track"}], [{"type": "Track"}, {"type": "track "}, {}, {"type": None}]),
    ("event_names_keep_spaces_and_unicode", 'event = "Order Completed ✓ 😀"',
     [{"event": "Order Completed ✓ 😀"}], [{"event": "Order Completed"}, {}]),
    ("empty_string_matches_only_empty_text", 'event = ""',
     [{"event": ""}], [{}, {"event": None}, {"event": 0}, {"event": False}]),
    ("not_equals_on_text_also_matches_missing_and_non_text", 'event != "A"',
     [{"event": "B"}, {}, {"event": None}, {"event": 5}], [{"event": "A"}]),
    ("strings_hold_backslashes_quotes_parentheses_and_keywords_literally",
     'event = "it\'s (a and b) \\n"', [{"event": "it's (a and b) \\n"}], [{"event": "it's (a and b) \n"}]),
    ("ordering_on_a_text_field_compares_numbers", 'event < 5',
     [{"event": 3}, {"event": -1.5}], [{"event": "3"}, {"event": 5}, {}]),
    # name and userId: text, plus null (and for userId true/false) meaning what they say
    ("name_equals_null_means_missing", 'name = null',
     [{}, {"name": None}], [{"name": ""}, {"name": "null"}, {"name": 0}]),
    ("name_not_equals_null_means_present_even_if_falsy", 'name != null',
     [{"name": ""}, {"name": 0}, {"name": False}], [{}, {"name": None}]),
    ("userId_equals_true_matches_only_the_boolean", 'userId = true',
     [{"userId": True}], [{"userId": "true"}, {"userId": 1}, {}]),
    ("userId_equals_false_matches_only_the_boolean", 'userId = false',
     [{"userId": False}], [{"userId": 0}, {"userId": ""}, {"userId": None}, {}]),
    ("userId_equals_null_means_missing", 'userId = null',
     [{}, {"userId": None}], [{"userId": ""}, {"userId": "u"}]),
    # contains and match: text only
    ("contains_is_a_case_sensitive_substring_test", 'contains(event, "Add")',
     [{"event": "Product Added"}, {"event": "Add"}], [{"event": "product added"}, {}, {"event": 5}]),
    ("contains_empty_matches_any_text", 'contains(name, "")',
     [{"name": ""}, {"name": "x"}], [{}, {"name": 0}, {"name": None}]),
    ("not_contains_matches_text_without_it_only", '!contains(event, "x")',
     [{"event": "abc"}, {"event": ""}], [{"event": "xyz"}, {}, {"event": None}, {"event": 5}]),
    ("match_with_trailing_star_is_a_prefix_test", 'match(event, "Order*")',
     [{"event": "Order Completed"}, {"event": "Order"}], [{"event": "order"}, {"event": "An Order"}, {}]),
    ("match_with_leading_star_is_a_suffix_test", 'match(userId, "*@example.com")',
     [{"userId": "ann@example.com"}], [{"userId": "ann@example.co"}, {"userId": "@example.com."}, {}]),
    ("not_match_prefix_matches_other_text_only", '!match(event, "Order*")',
     [{"event": "Cart"}, {"event": ""}], [{"event": "Order X"}, {}, {"event": 1}]),
    ("not_match_suffix_matches_other_text_only", '!match(name, "*Page")',
     [{"name": "Home"}], [{"name": "Home Page"}, {}]),
    ("match_star_alone_matches_any_text", 'match(event, "*")',
     [{"event": ""}, {"event": "x"}], [{}, {"event": 1}]),
    ("match_characters_other_than_the_star_are_literal", 'match(event, "a?.[*")',
     [{"event": "a?.[b"}], [{"event": "ab.[c"}, {"event": "a?x[b"}]),
    ("contains_and_match_read_paths_too", 'contains(properties.sku, "-") and match(traits.email, "*.org")',
     [{"properties": {"sku": "a-b"}, "traits": {"email": "a@b.org"}}],
     [{"properties": {"sku": "ab"}, "traits": {"email": "a@b.org"}}, {"properties": {"sku": "a-b"}}]),
    ("functions_take_spaces_around_their_arguments", 'contains ( event ,  "A" )',
     [{"event": "A"}], [{"event": "a"}]),
    # paths: properties, traits, context
    ("path_equals_text", 'properties.plan = "pro"',
     [props(plan="pro")], [props(plan="Pro"), props(plan=None), props(), {}]),
    ("path_not_equals_text_also_matches_missing", 'properties.plan != "pro"',
     [props(plan="basic"), props(), {}, props(plan=5)], [props(plan="pro")]),
    ("path_equals_number_matches_any_number_of_that_value", 'properties.total = 5',
     [props(total=5), props(total=5.0)], [props(total="5"), props(total=True), props(total=6), {}]),
    ("path_number_equality_is_exact_on_doubles", 'properties.total = 0.3',
     [props(total=0.3)], [props(total=0.1 + 0.2)]),
    ("path_number_literals_may_have_signs_and_zeros", 'properties.n = +007.50 or properties.n = -0',
     [props(n=7.5), props(n=0), props(n=-0.0)], [props(n=75), props(n="7.5")]),
    ("path_numbers_are_doubles_so_long_integers_round", 'properties.id = 9007199254740993',
     [props(id=9007199254740992), props(id=9007199254740993)], [props(id=9007199254740994)]),
    ("path_not_equals_number_needs_a_number", 'properties.total != 5',
     [props(total=4), props(total=-5), props(total=0)], [props(total=5), props(total="4"), props(), {}]),
    ("greater_than_needs_a_number_above", 'properties.n > 5',
     [props(n=6), props(n=5.5)], [props(n=5), props(n="6"), props(n=True), {}]),
    ("greater_or_equal_includes_the_bound", 'properties.n >= -1.5',
     [props(n=-1.5), props(n=0)], [props(n=-2), props(n=None)]),
    ("less_than_needs_a_number_below", 'traits.age < 18',
     [{"traits": {"age": 17.9}}], [{"traits": {"age": 18}}, {"traits": {"age": "1"}}, {}]),
    ("less_or_equal_includes_the_bound", 'context.n <= 0',
     [{"context": {"n": 0}}, {"context": {"n": -0.0}}, {"context": {"n": -3}}], [{"context": {"n": 1}}]),
    ("a_number_too_big_for_a_double_is_infinity", 'properties.n < 1' + "0" * 400,
     [props(n=1e308)], [props(n="1")]),
    ("path_equals_true_matches_only_the_boolean", 'properties.ok = true',
     [props(ok=True)], [props(ok="true"), props(ok=1), {}]),
    ("path_equals_false_matches_only_the_boolean", 'traits.vip = false',
     [{"traits": {"vip": False}}], [{"traits": {"vip": 0}}, {"traits": {"vip": ""}}, {}]),
    ("path_not_equals_null_means_present_even_if_falsy", 'context.page.url != null',
     [{"context": {"page": {"url": ""}}}, {"context": {"page": {"url": 0}}}],
     [{"context": {"page": {}}}, {"context": {"page": {"url": None}}}, {}]),
    ("path_equals_null_means_missing", 'traits.email = null',
     [{}, {"traits": {}}, {"traits": {"email": None}}], [{"traits": {"email": ""}}]),
    ("paths_go_deep_and_keys_are_case_sensitive", 'properties.a.b.c = "x"',
     [props(a={"b": {"c": "x"}})], [props(a={"B": {"c": "x"}}), props(a={"b": "x"}), props(a=[])]),
    ("traits_are_the_top_level_traits_not_context_traits", 'traits.plan = "pro"',
     [{"traits": {"plan": "pro"}}], [{"context": {"traits": {"plan": "pro"}}}]),
    ("an_escaped_digit_indexes_an_array_or_reads_that_key", 'properties.items.\\0.sku = "A"',
     [props(items=[{"sku": "A"}]), props(items={"0": {"sku": "A"}})],
     [props(items=[]), props(items=[{"sku": "B"}])]),
    ("array_indexes_are_written_the_way_javascript_writes_them", 'properties.items.\\01 = 1',
     [props(items={"01": 1})], [props(items=[0, 1])]),
    ("escaped_brackets_are_path_separators", 'properties.items\\[1\\] = 2 or properties.i\\[0\\].n = 2',
     [props(items=[1, 2]), props(i=[{"n": 2}])], [props(items=[2]), props(i={"n": 2})]),
    ("an_escaped_dot_is_still_a_path_separator", 'properties.a\\.b = 1 and properties\\.a.\\.b = 1',
     [props(a={"b": 1})], [props(**{"a.b": 1})]),
    ("escapes_allow_spaces_and_other_characters_in_keys",
     'properties.first\\ name = "Ann" and traits.caf\\é\\$ = 1',
     [{"properties": {"first name": "Ann"}, "traits": {"café$": 1}}],
     [{"properties": {"first name": "Ann"}}]),
    ("escaped_letters_are_plain_letters", 'user\\Id = "u" and prop\\erties.\\and = 1',
     [{"userId": "u", "properties": {"and": 1}}], [{"userId": "u"}]),
    ("keywords_and_booleans_can_be_keys_when_not_alone", 'properties.null.x = 1 and properties.true = 2',
     [props(null={"x": 1}, true=2)], [props(null={"x": 1})]),
    ("arrays_and_strings_have_a_length", 'properties.items.length > 1',
     [props(items=[1, 2]), props(items="ab")], [props(items=[1]), props(items={}), props()]),
    ("a_length_key_of_an_object_is_just_a_key", 'properties.o.length = 3',
     [props(o={"length": 3})], [props(o={"a": 1, "b": 2, "c": 3})]),
    ("string_length_counts_utf16_units", 'properties.s.length = 2',
     [props(s="😀"), props(s="ab")], [props(s="é")]),
    ("a_string_index_counts_utf16_units", 'properties.code.\\0 = "A" or properties.code.\\2 = "b"',
     [props(code="ABC"), props(code="😀b"), props(code="xyb")],
     [props(code="abc"), props(code=""), props(code="ab")]),
    ("a_falsy_value_on_the_way_is_the_answer",
     'properties.a.b = 0 or properties.a.b = false or properties.a.b = ""',
     [props(a=0), props(a=False), props(a="")], [props(a=1), props(a=None), props(a={})]),
    ("a_falsy_value_on_the_way_is_present", 'properties.x.y != null',
     [props(x=0), props(x="")], [props(x=None), props(x={}), props(x=5), props(x="str")]),
    ("falsy_properties_themselves_are_the_answer", 'properties.a = 0',
     [{"properties": 0}], [{"properties": {}}, {"properties": None}]),
    # and, or, parentheses, !
    ("and_needs_every_condition", 'type = "track" and event = "A"',
     [{"type": "track", "event": "A"}], [{"type": "track"}, {"event": "A"}]),
    ("or_needs_any_condition", 'event = "A" or event = "B" or name = "C"',
     [{"event": "A"}, {"event": "B"}, {"name": "C"}], [{"event": "C"}, {}]),
    ("parentheses_make_a_group", 'type = "track" and (event = "A" or event = "B")',
     [{"type": "track", "event": "B"}], [{"type": "page", "event": "A"}, {"type": "track", "event": "C"}]),
    ("each_group_has_its_own_and_or", '(event = "A" and type = "t") or (event = "B" and type = "u")',
     [{"event": "A", "type": "t"}, {"event": "B", "type": "u"}], [{"event": "A", "type": "u"}]),
    ("a_function_may_close_a_group", 'type = "t" and (event = "A" or !contains(event, "x"))',
     [{"type": "t", "event": "A"}, {"type": "t", "event": "B"}],
     [{"type": "t", "event": "xB"}, {"type": "u", "event": "A"}]),
    ("a_single_condition_in_parentheses_is_itself", '(type = "a")',
     [{"type": "a"}], [{"type": "b"}]),
    ("spaces_tabs_and_newlines_separate_tokens", 'type="track"\tand\nevent= "A" and properties.n !=\n5',
     [{"type": "track", "event": "A", "properties": {"n": 4}}], [{"type": "track", "event": "A"}]),
    ("a_closing_parenthesis_needs_no_space", '(type = "a")and (event = "b")',
     [{"type": "a", "event": "b"}], [{"type": "a"}]),
]

# (trigger, position of the caret, words the message must contain): Segment refuses these too.
REFUSED = [
    ("", 0, "expected a condition"),
    ("   ", 3, "expected a condition"),
    ("typo", 0, "expected a field"),
    ("type", 4, "expected an operator"),
    ('type * "x"', 5, "unexpected character '*'"),
    ('event = "abc', 8, "unterminated string"),
    ('(type = "a"', 11, "expected 'and', 'or' (followed by a space) or ')'"),
    ("properties.x !=5", 13, "expected '!=' followed by a space"),
    ("properties.x<5", 12, "expected a space, '=', '!=' or '(' after the name"),
    ("properties.x = 5.", 17, "expected a digit"),
    ("properties.x = 1.2.3", 18, "unexpected character '.'"),
    ("properties.x\\", 13, "expected a character after '\\'"),
    ('type = "a"\r', 10, "expected a space, ',' or ')' after the string"),
    ('type = "a" and !', 15, "'!' right before a condition, contains, match or '('"),
    ('event = "a" && type = "b"', 12, "unexpected character '&'"),
    ("properties.ü = 1", 11, "expected a name after '.'"),
]

# (behaviour, trigger, events it matches, events it does not, what the warning says): Segment's parser
# reads these differently from how they are written; we run them as written and warn.
AS_WRITTEN = [
    ("and_binds_tighter_than_or", 'type = "track" and event = "A" or event = "B"',
     [{"type": "page", "event": "B"}, {"type": "track", "event": "A"}], [{"type": "track", "event": "C"}],
     "applies the last 'and' or 'or' of a group to all of it"),
    ("or_of_an_and_group", 'event = "A" or type = "t" and userId = "u"',
     [{"event": "A"}, {"type": "t", "userId": "u"}], [{"type": "t"}, {"userId": "u"}],
     "applies the last 'and' or 'or' of a group to all of it"),
    ("and_binds_tighter_inside_parentheses", '(event = "A" and type = "t" or userId = "u") and name = "n"',
     [{"userId": "u", "name": "n"}, {"event": "A", "type": "t", "name": "n"}],
     [{"event": "A", "type": "t"}, {"event": "A", "name": "n"}],
     "applies the last 'and' or 'or' of a group to all of it"),
    ("not_before_parentheses_negates_the_group", '!(type = "track")',
     [{"type": "page"}, {}], [{"type": "track"}], "ignores a '!'"),
    ("not_before_a_condition_negates_it", '!type = "track"',
     [{"type": "page"}], [{"type": "track"}], "ignores a '!'"),
    ("parentheses_nest", '((type = "a" or type = "b") and event = "e")',
     [{"type": "b", "event": "e"}], [{"type": "b"}, {"type": "c", "event": "e"}],
     "cannot read parentheses inside parentheses"),
    ("a_function_anywhere_in_a_group", 'type = "track" or (contains(event, "Order") and properties.total > 100)',
     [{"type": "track"}, {"type": "page", "event": "Order", "properties": {"total": 101}}],
     [{"type": "page", "event": "Order", "properties": {"total": 5}}],
     "ends the group at the ')' of contains()"),
    ("single_quotes_delimit_a_string", "event = 'A'", [{"event": "A"}], [{"event": "'A'"}],
     "keeps single quotes as part of the value"),
    ("match_without_a_star_is_the_whole_text", 'match(event, "abc")',
     [{"event": "abc"}], [{"event": "xbc"}, {"event": "abcd"}], 'reads match(..., "abc") as ends with "bc"'),
    ("match_star_in_the_middle_is_a_wildcard", 'match(event, "a*c")',
     [{"event": "abc"}, {"event": "ac"}], [{"event": "ab"}, {"event": "*c"}], 'as ends with "*c"'),
    ("match_stars_at_both_ends_mean_contains", 'match(event, "*a*")',
     [{"event": "bab"}, {"event": "a"}], [{"event": "b"}], 'as starts with "*a"'),
    ("contains_on_type", 'contains(type, "tr") and event = "A"',
     [{"type": "track", "event": "A"}], [{"type": "page", "event": "A"}], "drops contains() on type"),
    ("contains_on_type_alone", 'contains(type, "tr")', [{"type": "track"}], [{"type": "page"}],
     "drops contains() on type"),
    ("event_equals_null_means_missing", 'event = null',
     [{}, {"event": None}], [{"event": "null"}], 'compares event with the text "null"'),
    ("type_not_equals_null_means_present", 'type != null',
     [{"type": "null"}, {"type": ""}], [{}], 'compares type with the text "null"'),
    ("not_equals_true_is_anything_but_true", 'properties.ok != true',
     [{"properties": {"ok": False}}, {"properties": {"ok": "true"}}, {}], [{"properties": {"ok": True}}],
     'compares properties.ok != true with the text "true"'),
    ("true_and_false_on_text_fields_are_booleans", 'event = true or name != false',
     [{"event": True}, {}, {"name": "false"}], [{"event": "true", "name": False}],
     'compares event = true with the text "true"'),
    ("userId_not_equals_false_is_anything_but_false", 'userId != false',
     [{"userId": "false"}, {}], [{"userId": False}], 'compares userId != false with the text "false"'),
    ("a_number_on_a_text_field_wants_that_number", 'userId = 123',
     [{"userId": 123}, {"userId": 123.0}], [{"userId": "123"}], 'compares userId with the text "123"'),
    ("not_equals_a_number_on_a_text_field_wants_another_number", 'event != 5',
     [{"event": 4}], [{"event": 5}, {"event": "4"}, {}], 'compares event with the text "5"'),
    ("numbers_on_text_fields_are_numbers_however_written", 'userId = 007 or event = 1.50 or name = +5',
     [{"userId": 7}, {"event": 1.5}, {"name": 5}], [{"userId": "7"}, {"event": "1.5"}, {"name": "5"}],
     'compares userId with the text "7"'),
    ("exponents_are_read", 'properties.n = 1e3 or properties.n < 2.5E-7',
     [{"properties": {"n": 1000}}, {"properties": {"n": 1e-7}}], [{"properties": {"n": 1}}],
     "reads no exponent: it takes 1 and skips the rest"),
    ("a_keyword_can_end_a_path", 'properties.and = 1', [{"properties": {"and": 1}}], [{"properties": {"and": 2}}],
     "ends the path before 'a'"),
    ("numeric_path_segments_index_arrays", 'properties.items.0.sku = "a"',
     [{"properties": {"items": [{"sku": "a"}]}}], [{"properties": {"items": [{"sku": "b"}]}}, {}],
     "ends the path before '0'"),
    ("path_segments_may_start_with_a_minus", 'properties.a.-1 = 2',
     [{"properties": {"a": {"-1": 2}}}], [{"properties": {"a": {"-1": 3}}}], "ends the path before '-'"),
]

# (the Segment guess, trigger, an event showing it, Segment's answer for that event, why we refuse):
# these cannot be read as written, so they are refused with the position and a hint.
UNREADABLE = [
    ("a_field_of_type_is_type_itself", 'type.x = "track"', {"type": "track"}, True,
     "type has no fields: the '.x' means nothing"),
    ("bare_properties_reads_properties_properties", 'properties = "x"',
     {"properties": {"properties": "x"}}, True, "a path field needs a path"),
    ("quoted_numbers_are_converted_for_ordering", 'properties.n > "5"', {"properties": {"n": 6}}, True,
     "ordering needs a number literal, so '\"5\"' versus 5 is never a guess"),
    ("contains_takes_numbers_as_text", 'contains(properties.sku, 12)', {"properties": {"sku": "A12"}}, True,
     "contains() and match() take a quoted string"),
    ("unquoted_words_are_text", 'event = Signup', {"event": "Signup"}, True,
     "a mistyped field or keyword in a value position would silently become text"),
    ("a_missing_value_is_the_text_eos", 'type = ', {"type": "eos"}, True, "there is no value"),
    ("stray_words_are_ignored", 'type = "track" foo', {"type": "track"}, True, "'foo' means nothing"),
    ("conditions_without_and_or_are_anded", 'type = "a" event = "b"', {"type": "a", "event": "b"}, True,
     "a forgotten 'and' or 'or' would be a guess"),
    ("uppercase_or_is_a_stray_word", 'type = "a" OR event = "b"', {"event": "b"}, False,
     "conjunctions are lower case"),
    ("or_glued_to_a_parenthesis_is_a_stray_word", '(type="a")or(event="b")', {"event": "b"}, False,
     "a conjunction needs a space after it"),
    ("a_string_glued_to_a_word_swallows_the_rest", 'event = "a"and type = "b"',
     {"event": "a", "type": "x"}, True, "a string needs a space after it"),
    ("a_stray_closing_parenthesis_is_ignored", 'type = "a")', {"type": "a"}, True, "it closes nothing"),
    ("a_sign_before_a_decimal_point", 'properties.n > -.5', {"properties": {"n": 0}}, True,
     "a number needs a digit before its point"),
    ("empty_parentheses_crash_evaluation", 'type = "a" and ()', {"type": "a"}, "throws",
     "empty parentheses hold no condition"),
    ("a_path_of_only_separators_crashes_evaluation", 'properties.\\. = 1', {"properties": {}}, "throws",
     "the path names no key"),
]


def answer(case_answer):
    """Segment's answer as True/False, "throws" or "refused"."""
    if not case_answer["ok"]:
        return "refused"
    return case_answer.get("matches", "throws")


def cases_of(behaviours):
    return [{"subscribe": trigger, "event": event}
            for _, trigger, yes, no in behaviours for event in yes + no]


@pytest.fixture(scope="module")
def segment_answers():
    """Segment's answers for every hand-written case, from one Node process."""
    cases = cases_of(BEHAVIOURS) + [{"subscribe": trigger, "event": {}} for trigger, _, _ in REFUSED]
    cases += cases_of([row[:4] for row in AS_WRITTEN])
    cases += [{"subscribe": row[1], "event": row[2]} for row in UNREADABLE]
    return {(case["subscribe"], json.dumps(case["event"], sort_keys=True)): answer(result)
            for case, result in zip(cases, segment(cases))}


def segment_says(segment_answers, trigger, event):
    return segment_answers[(trigger, json.dumps(event, sort_keys=True))]


@pytest.mark.parametrize("behaviour, trigger, yes, no", BEHAVIOURS, ids=[row[0] for row in BEHAVIOURS])
def test_behaviour(segment_answers, behaviour, trigger, yes, no):
    parsed = parse(trigger)
    for event, expected in [(event, True) for event in yes] + [(event, False) for event in no]:
        assert segment_says(segment_answers, trigger, event) == expected, f"Segment disagrees on {event}"
        assert parsed.matches(event) is expected, f"we disagree on {event}"


@pytest.mark.parametrize("trigger, position, expected", REFUSED, ids=[row[0] or "empty" for row in REFUSED])
def test_triggers_segment_refuses_are_refused(segment_answers, trigger, position, expected):
    assert segment_says(segment_answers, trigger, {}) == "refused"
    with pytest.raises(TriggerError) as raised:
        parse(trigger)
    assert raised.value.position == position
    assert expected in str(raised.value)


@pytest.mark.parametrize("behaviour, trigger, yes, no, warning", AS_WRITTEN, ids=[row[0] for row in AS_WRITTEN])
def test_as_written(segment_answers, behaviour, trigger, yes, no, warning):
    parsed = parse(trigger)
    for event, expected in [(event, True) for event in yes] + [(event, False) for event in no]:
        assert parsed.matches(event) is expected, f"we disagree on {event}"
    assert [note for note in parsed.warnings if warning in note], parsed.warnings
    theirs = [segment_says(segment_answers, trigger, event) for event in yes + no]
    assert theirs != [True] * len(yes) + [False] * len(no), f"Segment reads {behaviour} as written now"


@pytest.mark.parametrize("guess, trigger, event, segment_answer, why", UNREADABLE, ids=[row[0] for row in UNREADABLE])
def test_triggers_segment_guesses_at_are_refused(segment_answers, guess, trigger, event, segment_answer, why):
    assert segment_says(segment_answers, trigger, event) == segment_answer, f"Segment no longer does {guess}"
    with pytest.raises(TriggerError) as raised:
        parse(trigger)
    assert trigger.replace("\t", " ") in str(raised.value)


def test_a_trigger_segment_reads_as_written_has_no_warning():
    assert [parse(trigger).warnings for _, trigger, _, _ in BEHAVIOURS] == [[] for _ in BEHAVIOURS]


def test_a_warning_names_segments_reading_and_the_position():
    assert parse('event = null').warnings == [
        'Segment\'s own engine compares event with the text "null", not with a missing value (at position 8)']


def test_javascript_prototype_members_are_not_event_data():
    """Deliberately not copied: JavaScript finds `constructor`, `toString`, array methods... on every
    object, so Segment says `properties.constructor != null` for any properties. We read only the
    event's own data: emulating JavaScript's prototypes would add much for triggers nobody means."""
    cases = [{"subscribe": "properties.constructor != null", "event": props()},
             {"subscribe": "properties.items.map != null", "event": props(items=[])}]
    assert [answer(result) for result in segment(cases)] == [True, True]
    assert [matches(case["subscribe"], case["event"]) for case in cases] == [False, False]


def test_error_message_quotes_the_trigger_and_puts_a_caret_under_the_position():
    with pytest.raises(TriggerError) as raised:
        parse('type = "track" and\tevent =')
    error = raised.value
    assert isinstance(error, ValueError)
    assert (error.trigger, error.position) == ('type = "track" and\tevent =', 26)
    assert str(error) == ('expected a value: a "quoted string", a number, true, false or null'
                          " at position 26:\n"
                          '  type = "track" and event =\n'
                          "                            ^")


def test_a_parsed_trigger_answers_many_events():
    subscribe = 'type = "track" and properties.total > 10'
    trigger = parse(subscribe)
    assert isinstance(trigger, Trigger) and repr(trigger) == f"Trigger({subscribe!r})"
    answers = [trigger.matches({"type": "track", "properties": {"total": n}}) for n in (5, 11, 10.5)]
    assert answers == [False, True, True]


# Generated trigger texts: valid ones are accepted by both engines and agree on every event unless
# ours warns that Segment reads them differently; damaged ones that Segment refuses we refuse or
# warn about, and where both accept one without a warning, the answers agree.

KEYS = ["a", "b", "B", "x_y", "k-1", "0", "1", "01", "length", "with space", "é", "a.b", "_", "true"]
STRINGS = ["", "a", "A", "ab", "ba", "track", "page", "x y", "é", "😀", "5", "1.5", "true", "null",
           "*a", "a\\b", "it's"]
NUMBERS = [0, 1, -1, 5, 2.5, -0.0, 10, 0.1, 123456789, 1e21, 9007199254740993]

scalars = st.one_of(st.none(), st.booleans(), st.sampled_from(NUMBERS), st.integers(-20, 20),
                    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(STRINGS),
                    st.text(max_size=4))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3), max_leaves=8)
objects = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=5)
texts = st.sampled_from(STRINGS) | scalars
events = st.fixed_dictionaries({}, optional={
    "type": texts, "event": texts, "name": texts, "userId": texts,
    "properties": objects | json_values, "traits": objects, "context": objects})


def written_key(key, escape_all):
    """A key as FQL writes it: a backslash before anything but plain name characters (or before
    every character, which must mean the same)."""
    def plain(index, char):
        return char.isascii() and (char.isalpha() or char == "_" or index > 0 and char in "0123456789-")
    return "".join(char if plain(index, char) and not escape_all else "\\" + char
                   for index, char in enumerate(key))


TEXT_FIELDS = ["type", "event", "name", "userId"]
spaces = st.sampled_from([" ", " ", " ", "  ", "\t", "\n", " \n "])
no_space = st.just("")
paths = st.builds(lambda root, keys: root + "." + ".".join(keys),
                  st.sampled_from(["properties", "traits", "context"]),
                  st.lists(st.sampled_from([written_key(key, every) for key in KEYS for every in (0, 1)]),
                           min_size=1, max_size=3))
fields = st.sampled_from(TEXT_FIELDS).map(lambda name: (name, name)) | paths.map(lambda path: (path, "path"))
strings = (st.sampled_from(STRINGS) | st.text(max_size=4)).filter(lambda text: '"' not in text).map(
    lambda text: f'"{text}"')
canonical_numbers = st.one_of(
    st.sampled_from(["0", "1", "-1", "0.1", "0.000001", "123456789012345", "100000000000000000000"]),
    st.integers(-10**6, 10**6).map(str),
    st.tuples(st.sampled_from(["", "-"]), st.integers(0, 999), st.integers(1, 999)).map(
        lambda parts: f"{parts[0]}{parts[1]}.{parts[2]:03d}".rstrip("0")),
)
any_numbers = canonical_numbers | st.sampled_from(
    ["+5", "007", "1.50", "-0", "9007199254740993", "1" + "0" * 30])
booleans = st.sampled_from(["true", "false"])
# What may follow `field op`, by the field's kind (event follows type's rules); see triggers.py.
VALUES = {
    ("type", "="): strings | canonical_numbers | booleans,
    ("name", "="): strings | canonical_numbers | booleans | st.just("null"),
    ("userId", "="): strings | canonical_numbers | booleans | st.just("null"),
    ("path", "="): strings | any_numbers | booleans | st.just("null"),
    ("type", "!="): strings | canonical_numbers | booleans,
    ("name", "!="): strings | canonical_numbers | booleans | st.just("null"),
    ("userId", "!="): strings | canonical_numbers | st.just("null"),
    ("path", "!="): strings | any_numbers | st.just("null"),
}
SPACING = {"=": (spaces | no_space, spaces | no_space), "!=": (spaces | no_space, spaces),
           "<": (spaces, spaces | no_space), ">": (spaces, spaces | no_space), "<=": (spaces, spaces),
           ">=": (spaces, spaces)}
operators = st.sampled_from(sorted(SPACING))
function_fields = st.sampled_from(["event", "name", "userId"]) | paths
function_names = st.sampled_from(["contains", "match", "!contains", "!match"])
needles = st.sampled_from([text for text in STRINGS if "*" not in text])
conjunctions = st.sampled_from(["and", "or"])


@st.composite
def conditions(draw):
    field, kind = draw(fields)
    op = draw(operators)
    value = draw(any_numbers if op not in ("=", "!=") else
                 VALUES[("type" if kind == "event" else kind, op)])
    before, after = SPACING[op]
    return f"{field}{draw(before)}{op}{draw(after)}{value}"


@st.composite
def functions(draw):
    name = draw(function_names)
    needle = draw(needles)
    if "match" in name:
        needle = needle + "*" if draw(st.booleans()) else "*" + needle
    space = draw(st.sampled_from(["", " "]))
    return f'{name}{space}({space}{draw(function_fields)}{space},{draw(spaces)}"{needle}"{space})'


@st.composite
def groups(draw):
    """Parentheses hold conditions, then maybe one function: Segment ends a group at a function's ')'."""
    items = draw(st.lists(conditions(), min_size=1, max_size=3))
    if draw(st.booleans()):
        items[-1] = draw(functions())
    return f"({draw(spaces | no_space)}{joined(draw, items)})"


def joined(draw, items):
    text = items[0]
    for item in items[1:]:
        text += f"{draw(spaces)}{draw(conjunctions)}{draw(spaces)}{item}"
    return text


@st.composite
def valid_triggers(draw):
    return joined(draw, draw(st.lists(conditions() | functions() | groups(), min_size=1, max_size=4)))


DAMAGE = list(' ()!=<>.",\'\\-+0123456789aeclnortuy[]*\t\n') + [
    "and ", " or ", "!", "null", "true", "(", ")", "properties.", "contains(", "\\", '"x"', "event"]


@st.composite
def damaged_triggers(draw):
    text = draw(valid_triggers())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()) and at < len(text):
            text = text[:at] + text[at + draw(st.integers(1, 4)):]
        else:
            text = text[:at] + draw(st.sampled_from(DAMAGE)) + text[at:]
    return text


def ours(trigger, event):
    """Our answer, "refused", or "warned" when we say Segment reads the trigger differently."""
    try:
        parsed = parse(trigger)
    except TriggerError:
        return "refused"
    return "warned" if parsed.warnings else parsed.matches(event)


GENERATED = settings(max_examples=8, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@GENERATED
@given(st.lists(valid_triggers(), min_size=20, max_size=20), st.lists(events, min_size=12, max_size=12))
def test_generated_triggers_agree_with_segment(triggers, event_list):
    cases = [{"subscribe": trigger, "event": event} for trigger in triggers for event in event_list]
    for case, theirs in zip(cases, segment(cases)):
        mine = ours(case["subscribe"], case["event"])
        assert mine != "refused", case
        if mine != "warned":
            assert mine == answer(theirs), case


@GENERATED
@given(st.lists(damaged_triggers(), min_size=30, max_size=30), st.lists(events, min_size=8, max_size=8))
def test_damaged_triggers_segment_refuses_are_refused_and_the_rest_agree(triggers, event_list):
    cases = [{"subscribe": trigger, "event": event} for trigger in triggers for event in event_list]
    for case, theirs in zip(cases, segment(cases)):
        mine = ours(case["subscribe"], case["event"])
        if answer(theirs) in ("refused", "throws"):
            assert mine in ("refused", "warned"), case
        elif mine not in ("refused", "warned"):
            assert mine == answer(theirs), case


def test_micropython_gives_the_same_answers():
    """The same module on MicroPython (no ordered dicts, a small standard library) answers the
    hand-written cases exactly as the spec says."""
    cases = [[trigger, yes + no] for _, trigger, yes, no in BEHAVIOURS + [row[:4] for row in AS_WRITTEN]]
    cases += [[trigger, []] for trigger, _, _ in REFUSED] + [[row[1], []] for row in UNREADABLE]
    program = (
        "import json\n"
        "from oneflow_web.triggers import parse, TriggerError\n"
        f"cases = json.loads({json.dumps(cases)!r})\n"
        "answers = []\n"
        "for trigger, events in cases:\n"
        "    try:\n"
        "        parsed = parse(trigger)\n"
        "    except TriggerError as error:\n"
        "        answers.append(error.position)\n"
        "        continue\n"
        "    answers.append([parsed.matches(event) for event in events])\n"
        "print(json.dumps(answers))\n"
    )
    answers = json.loads(run_micropython(program))
    read = BEHAVIOURS + [row[:4] for row in AS_WRITTEN]
    behaviours, refused = answers[:len(read)], answers[len(read):]
    assert behaviours == [[True] * len(yes) + [False] * len(no) for _, _, yes, no in read]
    assert refused[:len(REFUSED)] == [position for _, position, _ in REFUSED]
    assert all(isinstance(position, int) for position in refused[len(REFUSED):])
