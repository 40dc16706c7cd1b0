"""Reading one object literal out of pasted text: JSON, JSON logged inside a JSON string
(`body="{\\"error_code\\":403}"`), or a Python dict repr (`{'error_code': 403}`) from a log.

Each reader returns the object and where it ends in the original text; never raises.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Final

WINDOW: Final = 65_536  # how much text an escaped or Python-literal object may span
MAX_PARTS: Final = 2_000  # strings and brackets scanned to find a Python literal's end
MAX_LITERALS: Final = 8  # Python-literal candidates read per text (the slow reader)
OBJECT_START: Final = re.compile(r"\{\s{0,40}(?:\\?\"|')")
_ESCAPE: Final = re.compile(r"\\([\"\\/])")
_LITERAL_PART: Final = re.compile(r"'(?:[^'\\\n]|\\.)*+'|\"(?:[^\"\\\n]|\\.)*+\"|[{}\[\]()]|['\"]")
_OPEN: Final = frozenset("{[(")
_DECODER: Final = json.JSONDecoder()


class ObjectReader:
    """Reads objects out of one text; the Python-literal reader has a budget per text."""

    def __init__(self) -> None:
        self._literals_left = MAX_LITERALS

    def read(self, text: str, match: re.Match[str]) -> tuple[object, int]:
        """The object starting at `match` (an OBJECT_START match) and its end;
        (None, start + 1) when there is none."""
        opener = match.group(0)
        if opener.endswith('\\"'):
            return _escaped(text, match.start())
        if opener.endswith("'"):
            if self._literals_left <= 0:
                return None, match.start() + 1
            self._literals_left -= 1
            return _python_literal(text, match.start())
        return _json(text, match.start())


def _json(text: str, start: int) -> tuple[object, int]:
    try:
        return _DECODER.raw_decode(text, start)
    except (ValueError, RecursionError):
        return None, start + 1


def _escaped(text: str, start: int) -> tuple[object, int]:
    """Unescape a window, decode it, then map the decoded end back to the original text."""
    segment = text[start : start + WINDOW]
    obj, end = _json(_ESCAPE.sub(r"\1", segment), 0)
    if obj is None:
        return None, start + 1
    dropped = 0
    for count, escape in enumerate(_ESCAPE.finditer(segment)):
        if escape.start() - count >= end:
            break
        dropped += 1
    return obj, start + end + dropped


def _python_literal(text: str, start: int) -> tuple[object, int]:
    """A dict repr, found by matching brackets outside strings, read with ast.literal_eval
    (which evaluates literals only, never code)."""
    segment = text[start : start + WINDOW]
    end = _balanced_end(segment)
    if end is None:
        return None, start + 1
    try:
        return ast.literal_eval(segment[:end]), start + end
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None, start + 1


def _balanced_end(segment: str) -> int | None:
    depth = 0
    for count, part in enumerate(_LITERAL_PART.finditer(segment)):
        token = part.group(0)
        if count >= MAX_PARTS or token in ("'", '"'):
            return None  # too long, or a string that never closes
        if token in _OPEN:
            depth += 1
        elif len(token) == 1 and token in "}])":
            depth -= 1
            if depth == 0:
                return part.end()
    return None
