"""The words of a trigger: Segment's trigger language (FQL) read into tokens.

Spacing and escapes follow Segment's own lexer, so that a token here is a token there; where
its lexer reads characters differently from how they are written (single quotes, exponents,
path keys that start with a digit or are keywords), the caller is warned, not refused.
"""

_BREAKS = " \t\n,])"  # what must follow a keyword, a string or a two-character operator
_KEYWORDS = ("and", "or", "null")


class TriggerError(ValueError):
    """Raised by `parse`, so a subscription that cannot work fails once, when it loads; the
    message quotes the trigger with a caret under the spot, as positions are hard to count."""

    def __init__(self, message: str, trigger: str, position: int):
        shown = trigger.replace("\n", " ").replace("\t", " ")
        super().__init__(f"{message} at position {position}:\n  {shown}\n  {' ' * position}^")
        self.trigger = trigger
        self.position = position


def _is_letter(char):
    return "a" <= char <= "z" or "A" <= char <= "Z"


def _is_digit(char):
    return "0" <= char <= "9"


def _at_break(text, i):
    return i >= len(text) or text[i] in _BREAKS


def tokenize(text: str, warn) -> list:
    """(kind, value, position) triples; `warn(reading, position)` notes where Segment's own
    lexer reads the text differently. Spacing rules are Segment's: where its lexer would merge or split tokens differently
    from how they read, we stop with an error instead."""
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
        elif char in "\"'":
            i = _string_end(text, i)
            if char == "'":
                warn("keeps single quotes as part of the value", start)
            tokens.append(("string", text[start + 1:i - 1], start))
        elif char in "+-" or _is_digit(char):
            i = _number_end(text, i, warn)
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
                                   "a condition, contains, match or '('", text, start)
            tokens.append(("!", "!", start))
            i += 1
        elif _is_letter(char) or char in "_\\":
            keyword = _keyword_at(text, i)
            if keyword:
                tokens.append((keyword, keyword, start))
                i += len(keyword)
            else:
                word, i = _word(text, i, warn)
                tokens.append(("word", word, start))
        else:
            raise TriggerError(f"unexpected character {char!r}", text, start)
    tokens.append(("end", "", len(text)))
    return tokens


def _string_end(text, i):
    quote = text[i]
    end = text.find(quote, i + 1)
    if end < 0:
        raise TriggerError(f"unterminated string: expected a closing '{quote}'", text, i)
    if not _at_break(text, end + 1):
        raise TriggerError("expected a space, ',' or ')' after the string", text, end + 1)
    return end + 1


def _number_end(text, i, warn):
    start = i
    if text[i] in "+-":
        i += 1
    i = _digits_end(text, i)
    if text[i:i + 1] == ".":
        i = _digits_end(text, i + 1)
    if text[i:i + 1] in ("e", "E"):
        head = text[start:i]
        i += 1
        if text[i:i + 1] in ("+", "-"):
            i += 1
        i = _digits_end(text, i)
        warn(f"reads no exponent: it takes {head} and skips the rest", start)
    return i


def _digits_end(text, i):
    start = i
    while i < len(text) and _is_digit(text[i]):
        i += 1
    if i == start:
        raise TriggerError("expected a digit", text, i)
    return i


def _word(text, i, warn):
    """A field with its path is one token, as Segment joins `name.name` into one word before
    parsing; a backslash makes the next character plain (part of the name, even a '.')."""
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
        i += 1
        if i == len(text) or not (_is_letter(text[i]) or _is_digit(text[i]) or text[i] in "_-\\"):
            raise TriggerError("expected a name after '.'", text, i)
        word += "."
        if _is_digit(text[i]) or text[i] == "-" or _keyword_at(text, i):
            warn(f"ends the path before '{text[i]}' (escape it: \\{text[i]})", i)
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
