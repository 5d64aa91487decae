"""Segment's trigger language ("subscribe" strings, FQL): which events reach an action.

A trigger is read the way it is written, with the meaning Segment gives each condition (the
operators of `validate` in `@segment/destination-subscriptions`, which runs the condition trees
Segment's trigger builder makes). The builder turns its tree into text with `generateFql`; reading
that text back here gives the tree's answer for every event.

    trigger    := any_of END
    any_of     := all_of ("or" all_of)*                    "and" binds tighter than "or"
    all_of     := unary ("and" unary)*
    unary      := "!" function | "!" unary | primary        "!" before a function: see below
    primary    := "(" any_of ")" | function | condition
    function   := ("contains" | "match") "(" field "," string ")"
    condition  := field ("=" | "!=") value | field ("<" | "<=" | ">" | ">=") number
    field      := type | event | name | userId | (properties | traits | context) "." path
    value      := string | number | true | false | null

What each condition means, on every field alike:
- `= "text"` / `!= "text"`: the value is / is not exactly that text.
- `= 5` / `!= 5` / `< 5` ...: the value is a number, equal / unequal / below... 5 (a value that
  is no number fails them all).
- `= true` / `= false`: the value is that boolean; `!=` is its negation.
- `= null` / `!= null`: the value is missing or null / is present.
- `contains(f, "x")`, `match(f, "x*")`: the value is text holding "x", or matching the glob (`*` is
  any run of characters); `!contains` / `!match`, as the builder writes "does not contain", "does
  not start with"...: the value is text that does not.
- Paths split at `.`, `[` and `]` (even escaped ones; a backslash makes any other character plain)
  and step through the event like JavaScript's `value && value[key]`: a 0, "", false or null on
  the way is the value found, arrays take indexes (`items.0.sku`), and arrays and strings have a
  `length` (strings count UTF-16 units).

Segment's own engine parses the text with `parseFql`, which reads some triggers differently from
how they are written (and from how its builder meant them): it applies the last `and`/`or` of a
group to all of it, ignores a `!` before anything but a function, ends a group at a function's
`)`, compares `event = null` or `userId = 5` as text, misreads path keys that start with a digit... Such a
trigger still runs as written here, and `Trigger.warnings` says, once, how Segment's engine would
read it. Only a trigger that cannot be read at all is refused, with a TriggerError.
"""
from .jsvalue import member, number_text, shown
from .trigger_tokens import TriggerError, tokenize

__all__ = ["Trigger", "TriggerError", "matches", "parse"]

_TEXT_FIELDS = ("type", "event", "name", "userId")
_PATH_FIELDS = ("properties", "traits", "context")
_SEGMENT = "Segment's own engine "


class Trigger:
    """A parsed trigger: parse once per subscription, then `matches` each event cheaply."""

    def __init__(self, subscribe: str, test, reads: set, warnings: list, conditions: list):
        self.subscribe = subscribe
        self.matches = test  # matches(event) -> bool; a plain attribute saves a call per event
        self.reads = reads  # the top-level event keys the trigger looks at
        self.warnings = warnings  # how Segment's own engine would read it differently, if it would
        self.conditions = conditions  # (text, test, field, read) of each condition, in order

    def explain(self, event: dict) -> list:
        """Why the trigger does or does not match: each condition as written, whether it holds,
        and the value its field holds. Costs nothing until asked (a preview asks; delivery never)."""
        return ["%s: %s (%s is %s)" % (text, "yes" if test(event) else "no", field,
                                       "missing" if read(event) is None else shown(read(event)))
                for text, test, field, read in self.conditions]

    def __repr__(self):
        return f"Trigger({self.subscribe!r})"


def parse(subscribe: str) -> Trigger:
    """All the checking happens here, so a bad trigger fails once, when settings load."""
    parser = _Parser(subscribe)
    test = parser.trigger()
    return Trigger(subscribe, test, parser.reads, parser.warnings, parser.conditions)


def matches(subscribe: str, event: dict) -> bool:
    """For a one-off test; parse once and keep the Trigger when many events follow."""
    return parse(subscribe).matches(event)


# Reading tokens into a test: one method per rule of the grammar in the module docstring.

class _Parser:
    def __init__(self, text):
        self.text = text
        self.warnings = []
        self.tokens = tokenize(text, self.warn)
        self.at = 0
        self.reads = set()
        self.conditions = []

    def warn(self, reading: str, position: int) -> None:
        note = f"{_SEGMENT}{reading} (at position {position})"
        if note not in self.warnings:
            self.warnings.append(note)

    def error(self, message, token):
        return TriggerError(message, self.text, token[2])

    def peek(self):
        return self.tokens[self.at]

    def take(self, kind=None, expected=""):
        token = self.tokens[self.at]
        if kind is not None and token[0] != kind:
            raise self.error(f"expected {expected}", token)
        self.at += 1
        return token

    def trigger(self):
        test = self.any_of(0)
        self.take("end", "'and', 'or' (followed by a space) or the end of the trigger")
        return test

    def any_of(self, depth):
        first = self.peek()
        tests, ands = [], False
        while True:
            test, anded = self.all_of(depth)
            tests.append(test)
            ands = ands or anded
            if self.peek()[0] != "or":
                break
            self.take()
        if ands and len(tests) > 1:
            self.warn("applies the last 'and' or 'or' of a group to all of it, where here 'and' "
                      "binds tighter (add parentheses)", first[2])
        return tests[0] if len(tests) == 1 else _some(tests)

    def all_of(self, depth):
        tests = [self.unary(depth)]
        while self.peek()[0] == "and":
            self.take()
            tests.append(self.unary(depth))
        return (tests[0] if len(tests) == 1 else _every(tests)), len(tests) > 1

    def unary(self, depth):
        if self.peek()[0] != "!":
            return self.primary(depth)
        bang = self.take()
        following = self.peek()
        if following[0] == "word" and following[1] in ("contains", "match"):
            return self.function(self.take(), depth, True, bang[2])
        self.warn("ignores a '!' that is not right before contains or match", bang[2])
        test = self.unary(depth)
        return lambda event: not test(event)

    def primary(self, depth):
        token = self.take()
        kind, value = token[0], token[1]
        if kind == "(":
            if depth:
                self.warn("cannot read parentheses inside parentheses", token[2])
            test = self.any_of(depth + 1)
            self.take(")", "'and', 'or' (followed by a space) or ')'")
            return test
        if kind == "word" and value in ("contains", "match"):
            return self.function(token, depth, False, token[2])
        if kind == "word":
            return self.condition(token)
        raise self.error("expected a condition", token)

    def function(self, token, depth, negate, start):
        name = token[1]
        self.take("(", f"'(' after {name}")
        field = self.take("word", "a field")
        read, root = self.field(field)
        if root == "type":
            self.warn(f"drops {name}() on type", field[2])
        self.take(",", "','")
        pattern = self.take("string", 'a "quoted string"')
        self.take(")", "')'")
        if depth and self.peek()[0] != ")":
            self.warn(f"ends the group at the ')' of {name}(), so what follows joins the outer group",
                      token[2])
        found = _contains(pattern[1]) if name == "contains" else self.glob(pattern)

        def test(event):
            actual = read(event)  # only text can contain, start or end with anything
            return isinstance(actual, str) and (not found(actual) if negate else found(actual))
        return self.noted(start, test, field[1], read)

    def noted(self, start, test, field, read):
        """Keep a condition's text (from `start` to the next token) with its test, for `explain`."""
        self.conditions.append((self.text[start:self.peek()[2]].strip(), test, field, read))
        return test

    def glob(self, pattern):
        text = pattern[1]
        segment_reads = ("starts with", text[:-1]) if text.endswith("*") else ("ends with", text[1:])
        if "*" in segment_reads[1] or not (text.endswith("*") or text.startswith("*")):
            self.warn(f'reads match(..., "{text}") as {segment_reads[0]} "{segment_reads[1]}", '
                      "with no wildcard", pattern[2])
        return _glob(text)

    def condition(self, token):
        read, root = self.field(token)
        return self.noted(token[2], self.comparison(token, read, root), token[1], read)

    def comparison(self, token, read, root):
        op = self.take("op", "an operator: =, !=, <, <=, >, >=")[1]
        value = self.take()
        if op not in ("=", "!="):
            if value[0] != "number":
                raise self.error(f"expected a number after '{op}'", value)
            return _compare(read, op, float(value[1]))
        if value[0] == "number":
            return self.number(read, token[1], root, op, value)
        if value[0] == "string" and op == "=" and root in _TEXT_FIELDS:
            text = value[1]
            return lambda event: event.get(root) == text  # `type = "track"` in one call, not three
        equal = self.value(token[1], root, op, value)
        if op == "=":
            return lambda event: equal(read(event))
        return lambda event: not equal(read(event))

    def number(self, read, name, root, op, token):
        """`= 5` and `!= 5` both want a number: a value that is none fails them both."""
        number = float(token[1])
        if root in _TEXT_FIELDS:
            self.warn(f'compares {name} with the text "{number_text(number)}", not with a number', token[2])
        if op == "=":
            return lambda event: _is_number(read(event)) and float(read(event)) == number
        return lambda event: _is_number(read(event)) and float(read(event)) != number

    def value(self, name, root, op, token):
        """The test of `field = value` for text, null and booleans; `!=` is its negation."""
        sort, text = token[0], token[1]
        if sort == "string":
            return lambda actual: actual == text
        if sort == "null":
            if root in ("type", "event"):
                self.warn(f'compares {name} with the text "null", not with a missing value', token[2])
            return lambda actual: actual is None
        if sort == "word" and text in ("true", "false"):
            if root in ("type", "event", "name") or op == "!=":
                self.warn(f'compares {name} {op} {text} with the text "{text}", not with a boolean',
                          token[2])
            boolean = text == "true"
            return lambda actual: actual is boolean
        raise self.error('expected a value: a "quoted string", a number, true, false or null', token)

    def field(self, token):
        """(read(event), root): the root is the field's name (type, event... or properties...)."""
        root, dot, path = token[1].partition(".")
        self.reads.add(root)
        if root in _PATH_FIELDS:
            keys = _path_keys(path)
            if not keys:
                raise self.error(f"expected a path after '{root}.'", token)
            return _path_reader(root, keys), root
        if root not in _TEXT_FIELDS:
            raise self.error("expected a field: type, event, name, userId, properties.*, "
                             "traits.* or context.*", token)
        if dot:
            raise self.error(f"'{root}' has no fields", token)
        return (lambda event: event.get(root)), root


# Testing events.

def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _every(tests):
    def test(event):
        for one in tests:
            if not one(event):
                return False
        return True
    return test


def _some(tests):
    def test(event):
        for one in tests:
            if one(event):
                return True
        return False
    return test


_ORDER = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _compare(read, op, number):
    order = _ORDER[op]

    def test(event):
        actual = read(event)
        return _is_number(actual) and order(float(actual), number)
    return test


def _contains(text):
    return lambda actual: text in actual


def _glob(pattern):
    """`*` is any run of characters; the rest must match exactly, in order."""
    parts = pattern.split("*")
    head, tail, middle = parts[0], parts[-1], parts[1:-1]
    if len(parts) == 1:
        return lambda actual: actual == pattern
    if not middle:
        shortest = len(head) + len(tail)
        return lambda actual: len(actual) >= shortest and actual.startswith(head) and actual.endswith(tail)

    def found(actual):
        end = len(actual) - len(tail)
        if end < len(head) or not actual.startswith(head) or not actual.endswith(tail):
            return False
        at = len(head)
        for part in middle:
            at = actual.find(part, at, end)
            if at < 0:
                return False
            at += len(part)
        return True
    return found


def _path_keys(path):
    keys = []
    key = ""
    for char in path + ".":
        if char in ".[]":
            if key:
                keys.append(key)
            key = ""
        else:
            key += char
    return keys


def _path_reader(root, keys):
    def read(event):
        value = event.get(root)
        for key in keys:
            if value is None or value is False or value == "" or _is_number(value) and value == 0:
                return value  # JavaScript's `value && value[key]` stops at a falsy value
            value = member(value, key, None)
        return value
    return read
