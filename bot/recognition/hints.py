"""Which mentions sit near an id, so that recipients, dates and codes narrow its search.

A hint of each sort comes from the id's own line (up to LINE_CHARS away); when that line has
none, the nearest one within NEAR_CHARS on another line.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol, TypeVar

LINE_CHARS: Final = 1_000
NEAR_CHARS: Final = 200
_NEWLINE: Final = re.compile("\n")


class Spanned(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


T = TypeVar("T", bound=Spanned)


@dataclass(frozen=True)
class Layout:
    """Line boundaries of one text, to tell whether two spans share a line."""

    newlines: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> Layout:
        return cls(tuple(match.start() for match in _NEWLINE.finditer(text)))

    def same_line(self, a: int, b: int) -> bool:
        low, high = min(a, b), max(a, b)
        return bisect_left(self.newlines, low) == bisect_left(self.newlines, high)


def near(
    layout: Layout, start: int, end: int, candidates: Sequence[T], starts: Sequence[int]
) -> list[T]:
    """Candidates (sorted by start, `starts` their starts) on the line, else the nearest one."""
    low = bisect_left(starts, start - LINE_CHARS)
    high = bisect_right(starts, end + LINE_CHARS)
    window = [c for c in candidates[low:high] if c.end <= start or c.start >= end]
    same = [c for c in window if layout.same_line(start, c.start)]
    if same:
        return same
    close = [c for c in window if _gap(start, end, c) <= NEAR_CHARS]
    return [min(close, key=lambda c: _gap(start, end, c))] if close else []


def _gap(start: int, end: int, other: Spanned) -> int:
    return other.start - end if other.start >= end else start - other.end
