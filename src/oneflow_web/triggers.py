"""Segment's trigger language ("subscribe" strings, FQL): which events reach an action.

Segment decides this in the browser with the npm package `@segment/destination-subscriptions`
(parseFql + validate). For every trigger `parse` accepts, `Trigger.matches` gives that package's
answer, quirks included, so a subscription behaves here as it does in Segment:

- Inside a group, the last `and`/`or` written applies to all of it: `a and b or c` is "any of a, b, c".
- `type` and `event` are compared as text: `event = true` and `event = 5` mean the texts "true" and
  "5". So are `name` and `userId`, except that `= null` / `!= null` test presence, and that
  `userId = true` / `= false` want a boolean, as they do on every path.
- `properties.x = 5` wants that number, `!= 5` another number, and `<`, `<=`, `>`, `>=` a number too:
  a missing field fails them all, while `!= "text"` matches it.
- Paths split at `.`, `[` and `]`, even escaped ones, and step through the event like JavaScript's
  `value && value[key]`: a 0, "", false or null on the way is the value found, arrays take indexes
  (written escaped, `\0`), and arrays and strings have a `length` (strings count UTF-16 units).

Segment's parser also accepts triggers that it then reads differently from what they say: it ignores
a `!` before a parenthesis, stray words and missing values, keeps single quotes inside values, drops
contains() on `type`... `parse` refuses those with a TriggerError (tests/test_triggers.py lists each),
so a trigger never silently means something else. What it accepts:

    trigger   := item (("and" | "or") item)*
    item      := condition | ["!"] function | "(" trigger without parentheses ")"
    condition := field ("=" | "!=") value | field ("<" | "<=" | ">" | ">=") number
    function  := ("contains" | "match") "(" field "," "string" ")"      (match: "prefix*" or "*suffix")
    field     := type | event | name | userId | (properties | traits | context) "." path
    value     := "string" | number | true | false | null
"""
from .jsvalue import member


_BREAKS = " \t\n,])"  # what must follow a keyword, a string or a two-character operator
_KEYWORDS = ("and", "or", "null")
_TEXT_FIELDS = ("type", "event", "name", "userId")
_PATH_FIELDS = ("properties", "traits", "context")


class TriggerError(ValueError):
    """Raised by `parse`, so a subscription that cannot work fails once, when it loads; the
    message quotes the trigger with a caret under the spot, as positions are hard to count."""

    def __init__(self, message: str, trigger: str, position: int):
        shown = trigger.replace("\n", " ").replace("\t", " ")
        super().__init__(f"{message} at position {position}:\n  {shown}\n  {' ' * position}^")
        self.trigger = trigger
        self.position = position


class Trigger:
    """A parsed trigger: parse once per subscription, then `matches` each event cheaply."""

    def __init__(self, subscribe: str, test, reads: set):
        self.subscribe = subscribe
        self.matches = test  # matches(event) -> bool; a plain attribute saves a call per event
        self.reads = reads  # the top-level event keys the trigger looks at

    def __repr__(self):
        return f"Trigger({self.subscribe!r})"


def parse(subscribe: str) -> Trigger:
    """All the checking happens here, so a bad trigger fails once, when settings load."""
    parser = _Parser(subscribe)
    test = parser.trigger()
    return Trigger(subscribe, test, parser.reads)


def matches(subscribe: str, event: dict) -> bool:
    """For a one-off test; parse once and keep the Trigger when many events follow."""
    return parse(subscribe).matches(event)


# Reading the trigger.

def _is_letter(char):
    return "a" <= char <= "z" or "A" <= char <= "Z"


def _is_digit(char):
    return "0" <= char <= "9"


def _at_break(text, i):
    return i >= len(text) or text[i] in _BREAKS


def _tokenize(text):
    """(kind, value, position) triples. Spacing rules are Segment's: where its lexer would merge
    or split tokens differently from how they read, we stop with an error instead."""
    tokens = []
    i = 0
    while i < len(text):
        char = text[i]
        start = i
        if char in " \t\n":
            i += 1
            continue
        if char in "(),":
            tokens.append((char, char, start))
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise TriggerError("unterminated string: expected a closing '\"'", text, start)
            i = end + 1
            if not _at_break(text, i):
                raise TriggerError("expected a space, ',' or ')' after the string", text, i)
            tokens.append(("string", text[start + 1:end], start))
        elif char == "'":
            raise TriggerError("expected a double-quoted string (Segment keeps single quotes "
                               "as part of the value)", text, start)
        elif char in "+-" or _is_digit(char):
            i = _number_end(text, i)
            tokens.append(("number", text[start:i], start))
        elif char == "=":
            tokens.append(("op", "=", start))
            i += 1
        elif char in "<>!" and text[i + 1:i + 2] == "=" and _at_break(text, i + 2):
            tokens.append(("op", char + "=", start))
            i += 2
        elif char in "<>":
            tokens.append(("op", char, start))
            i += 1
        elif char == "!":
            following = text[i + 1:i + 2]
            if not (following == "(" or following and _is_letter(following)):
                raise TriggerError("expected '!=' followed by a space, or '!' right before "
                                   "contains or match", text, start)
            tokens.append(("!", "!", start))
            i += 1
        elif _is_letter(char) or char in "_\\":
            keyword = _keyword_at(text, i)
            if keyword:
                tokens.append((keyword, keyword, start))
                i += len(keyword)
            else:
                word, i = _word(text, i)
                tokens.append(("word", word, start))
        else:
            raise TriggerError(f"unexpected character {char!r}", text, start)
    tokens.append(("end", "", len(text)))
    return tokens


def _number_end(text, i):
    if text[i] in "+-":
        i += 1
    i = _digits_end(text, i)
    if text[i:i + 1] == ".":
        i = _digits_end(text, i + 1)
    return i


def _digits_end(text, i):
    start = i
    while i < len(text) and _is_digit(text[i]):
        i += 1
    if i == start:
        raise TriggerError("expected a digit", text, i)
    return i


def _word(text, i):
    """Segment joins `name.name` into one word before parsing, so a whole path is one token here
    too; a backslash makes the next character plain (part of the name, even a '.')."""
    word = ""
    while True:
        while i < len(text) and (_is_letter(text[i]) or _is_digit(text[i]) or text[i] in "_-\\"):
            if text[i] == "\\":
                i += 1
                if i == len(text):
                    raise TriggerError("expected a character after '\\'", text, i)
            word += text[i]
            i += 1
        if text[i:i + 1] != ".":
            break
        segment = i + 1
        if segment == len(text) or not (_is_letter(text[segment]) or text[segment] in "_\\"):
            raise TriggerError("expected a name after '.' (write a leading digit as '\\0')",
                               text, segment)
        i = segment
        word += "."
        keyword = _keyword_at(text, i)
        if keyword:
            raise TriggerError(f"expected a name after '.', not the keyword {keyword} (escape it: "
                               f"\\{keyword})", text, i)
    if not (_at_break(text, i) or text[i] in "(=!"):
        raise TriggerError("expected a space, '=', '!=' or '(' after the name", text, i)
    return word, i


def _keyword_at(text, i):
    """Segment's lexer reads and/or/null as keywords wherever a word starts, when a space,
    ',', ')', ']' or the end follows them."""
    for keyword in _KEYWORDS:
        if text.startswith(keyword, i) and _at_break(text, i + len(keyword)):
            return keyword
    return None


class _Parser:
    def __init__(self, text):
        self.text = text
        self.tokens = _tokenize(text)
        self.at = 0
        self.reads = set()

    def error(self, message, token):
        return TriggerError(message, self.text, token[2])

    def take(self, kind=None, expected=""):
        token = self.tokens[self.at]
        if kind is not None and token[0] != kind:
            raise self.error(f"expected {expected}", token)
        self.at += 1
        return token

    def trigger(self):
        return self.items("end")

    def items(self, closer):
        tests = [self.item(closer)]
        conjunction = "and"
        while self.tokens[self.at][0] in ("and", "or"):
            conjunction = self.take()[0]
            tests.append(self.item(closer))
        if closer == "end":
            self.take("end", "'and', 'or' (followed by a space) or the end of the trigger")
        else:
            self.take(")", "'and', 'or' (followed by a space) or ')'")
        if len(tests) == 1:
            return tests[0]
        return _every(tests) if conjunction == "and" else _some(tests)

    def item(self, closer):
        token = self.take()
        kind, value = token[0], token[1]
        if kind == "(" and closer == "end":
            return self.items(")")
        if kind == "(":
            raise self.error("parentheses do not nest in Segment's triggers", token)
        if kind == "!":
            name = self.tokens[self.at]
            if name[0] != "word" or name[1] not in ("contains", "match"):
                raise self.error("'!' only negates contains(...) or match(...) (Segment ignores "
                                 "it anywhere else)", token)
            return self.function(self.take(), closer, True)
        if kind == "word" and value in ("contains", "match"):
            return self.function(token, closer, False)
        if kind == "word":
            return self.condition(token)
        raise self.error("expected a condition", token)

    def field(self, token, in_function):
        """(read(event), kind): the kind, "path" or the field's name, decides what `=` compares."""
        root, dot, path = token[1].partition(".")
        self.reads.add(root)
        if root in _PATH_FIELDS:
            keys = _path_keys(path)
            if not keys:
                raise self.error(f"expected a path after '{root}.'", token)
            return _path_reader(root, keys), "path"
        if root not in _TEXT_FIELDS:
            raise self.error("expected a field: type, event, name, userId, properties.*, "
                             "traits.* or context.*", token)
        if dot:
            raise self.error(f"'{root}' has no fields (Segment ignores '.{path}')", token)
        if in_function and root == "type":
            raise self.error("contains() and match() do not work on type (Segment drops the "
                             "condition)", token)
        return (lambda event: event.get(root)), root

    def function(self, token, closer, negate):
        self.take("(", f"'(' after {token[1]}")
        read = self.field(self.take("word", "a field"), True)[0]
        self.take(",", "','")
        pattern = self.take("string", 'a "quoted string"')
        self.take(")", "')'")
        if closer == ")" and self.tokens[self.at][0] != ")":
            raise self.error(f"{token[1]}() must be the last condition inside parentheses "
                             "(Segment ends the group at its ')')", token)
        text = pattern[1]
        if token[1] == "contains":
            found = lambda actual: text in actual
        elif text.count("*") != 1 or text[0] != "*" and text[-1] != "*":
            raise self.error('expected a pattern "prefix*" or "*suffix" with one *', pattern)
        elif text[-1] == "*":
            found = lambda actual: actual.startswith(text[:-1])
        else:
            found = lambda actual: actual.endswith(text[1:])

        def test(event):
            actual = read(event)  # only text can contain, start or end with anything
            return isinstance(actual, str) and (not found(actual) if negate else found(actual))
        return test

    def condition(self, token):
        read, kind = self.field(token, False)
        op = self.take("op", "an operator: =, !=, <, <=, >, >=")[1]
        value = self.take()
        if op not in ("=", "!="):
            if value[0] != "number":
                raise self.error(f"expected a number after '{op}'", value)
            return _compare(read, op, float(value[1]))
        test = self.equality(kind, op, value)
        if kind != "path" and op == "=" and value[0] == "string":
            text = value[1]
            return lambda event: event.get(kind) == text  # `type = "track"` in one call, not three
        return lambda event: test(read(event))

    def equality(self, kind, op, value):
        """`field = value` or `!=`: what Segment compares depends on both the field and the value."""
        sort, text = value[0], value[1]
        flag = sort == "word" and text in ("true", "false")
        if sort == "null":
            if kind in ("type", "event"):
                raise self.error(f'Segment compares {kind} with the text "null" here, not with '
                                 "a missing value", value)
            test = lambda actual: actual is None
        elif flag and kind in ("userId", "path"):
            if op == "!=":
                raise self.error(f'Segment compares != {text} with the text "{text}"; use '
                                 f"= {'false' if text == 'true' else 'true'}", value)
            boolean = text == "true"
            return lambda actual: actual is boolean
        elif sort == "number" and kind == "path":
            number = float(text)
            if op == "=":
                return lambda actual: _is_number(actual) and float(actual) == number
            return lambda actual: _is_number(actual) and float(actual) != number
        elif sort == "number" or sort == "string" or flag:
            if sort == "number":
                text = self.number_text(value)
            test = lambda actual: actual == text
        else:
            raise self.error('expected a value: a "quoted string", a number, true, false or null',
                             value)
        return test if op == "=" else lambda actual: not test(actual)

    def number_text(self, token):
        """Segment compares a text field with JavaScript's String(Number(token)), which rewrites
        007, 1.50, +5 and long numbers; we only take numbers it writes back unchanged."""
        number = token[1]
        whole, _, decimals = number.lstrip("-").partition(".")
        if (number[0] == "+" or number == "-0"  # JavaScript writes 5 and 0
                or whole[0] == "0" and whole != "0" or decimals.endswith("0")  # 7 and 1.5
                or len((whole + decimals).strip("0")) > 15  # rounded to a double first
                or len(whole) > 21 or whole == "0" and decimals.startswith("000000")):  # 1e+21, 1e-7
            raise self.error("Segment would compare the text of this number as JavaScript "
                             'writes it; write it that way or quote it', token)
        return number


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


