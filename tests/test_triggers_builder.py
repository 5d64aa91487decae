"""Triggers as Segment's trigger builder writes them mean what the builder's condition trees mean.

The builder keeps a tree of conditions and saves it as text with `generateFql`. For random trees
covering every operator and condition type (event type, event name, user id, page name,
properties, traits, context; groups one level deep), our reading of that text must give what
Segment's `validate` gives on the tree itself, for random events, on CPython and on MicroPython.
"""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _fql_oracle import builder
from _micropython import run_micropython
from oneflow_web.triggers import parse

TEXT_TYPES = ["event-type", "event", "name", "userId"]
PATH_TYPES = ["event-property", "event-trait", "event-context"]
TEXT_OPERATORS = ["=", "!="]
NUMBER_OPERATORS = ["number_equals", "number_not_equals", "<", "<=", ">", ">="]
SUBSTRING_OPERATORS = ["contains", "not_contains"]
AFFIX_OPERATORS = ["starts_with", "not_starts_with", "ends_with", "not_ends_with"]
VALUELESS_OPERATORS = ["exists", "not_exists", "is_true", "is_false"]

# Keys the builder escapes (space, é, $, brackets), keywords, digits (array indexes), a length.
SEGMENTS = ["a", "b", "plan", "items", "0", "1", "x-y", "_k", "first name", "é", "$", "and", "or", "null",
            "true", "length", "-1", "a[0]"]
# Text a user types into the builder, bar '"', which the builder does not escape.
CHARACTERS = "aAb 1é(),\\'.-_"
texts = st.text(alphabet=CHARACTERS, max_size=4) | st.sampled_from(["track", "identify", "page", "Order", "5", "true"])
star_texts = st.text(alphabet=CHARACTERS + "*", max_size=4)
numbers = st.integers(-100, 100) | st.sampled_from([0.5, -2.5, 1.25, 0.1, 100.75, -0.0])
names = st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=3).map(".".join)


@st.composite
def conditions(draw):
    kind = draw(st.sampled_from(TEXT_TYPES + PATH_TYPES))
    operator = draw(st.sampled_from(TEXT_OPERATORS + NUMBER_OPERATORS + SUBSTRING_OPERATORS + AFFIX_OPERATORS
                                    + VALUELESS_OPERATORS))
    condition = {"type": kind, "operator": operator}
    if kind in PATH_TYPES:
        condition["name"] = draw(names)
    if operator in TEXT_OPERATORS or operator in AFFIX_OPERATORS:
        condition["value"] = draw(texts)
    elif operator in SUBSTRING_OPERATORS:
        condition["value"] = draw(star_texts)
    elif operator in NUMBER_OPERATORS:
        condition["value"] = draw(numbers)
    return condition


def groups(children):
    return st.builds(lambda operator, items: {"type": "group", "operator": operator, "children": items},
                     st.sampled_from(["and", "or"]), st.lists(children, min_size=1, max_size=4))


trees = groups(conditions() | groups(conditions()))

scalars = st.none() | st.booleans() | numbers | texts
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(SEGMENTS), inner, max_size=3), max_leaves=8)
objects = st.dictionaries(st.sampled_from(SEGMENTS), values, max_size=4)
events = st.fixed_dictionaries({}, optional={
    "type": scalars, "event": scalars, "name": scalars, "userId": scalars,
    "properties": objects, "traits": objects, "context": objects})

BATCHES = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.data_too_large])


def cases_and_answers(tree_list, event_list):
    cases = [{"tree": tree, "events": event_list} for tree in tree_list]
    return [(result["fql"], result["answers"]) for result in builder(cases)]


@BATCHES
@given(st.lists(trees, min_size=25, max_size=25), st.lists(events, min_size=10, max_size=10))
def test_builder_triggers_mean_what_their_trees_mean(tree_list, event_list):
    for fql, answers in cases_and_answers(tree_list, event_list):
        trigger = parse(fql)
        assert [trigger.matches(event) for event in event_list] == answers, fql


MICROPYTHON_PROGRAM = """
import json
from oneflow_web.triggers import parse
cases, events = json.loads(%r)
print(json.dumps([[parse(fql).matches(event) for event in events] for fql in cases]))
"""


@settings(BATCHES, max_examples=2)
@given(st.lists(trees, min_size=40, max_size=40), st.lists(events, min_size=10, max_size=10))
def test_builder_triggers_mean_what_their_trees_mean_on_micropython(tree_list, event_list):
    results = cases_and_answers(tree_list, event_list)
    program = MICROPYTHON_PROGRAM % json.dumps([[fql for fql, _ in results], event_list])
    assert json.loads(run_micropython(program)) == [answers for _, answers in results]
