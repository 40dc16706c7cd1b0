"""TraceMail storage: bulk traffic plus pinned scenario entries plus live Send API entries.

`Selection` is a mailouts query reduced to what the data needs (streams, a time window, the
allowed state keys, exact-match fields). Counting is by bisection on cached per-day columns;
a page merges the day's sources newest first, so a first page costs about `per` entries.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.simulator.entities import StreamPlan
from bot.simulator.mailout import KEYS, Mailout
from bot.simulator.stories import STORIES
from bot.simulator.traffic import StreamDay, days_between, stream_day
from bot.simulator.world import World

ALL_KEYS = frozenset(range(len(KEYS)))
Ref = tuple[StreamDay, int] | Mailout


@dataclass(frozen=True)
class Selection:
    streams: tuple[StreamPlan, ...]
    accounts: frozenset[int] | None
    domain: str | None
    lo: float  # inclusive epoch seconds, already clipped to history and to now
    hi: float
    keys: frozenset[int] = ALL_KEYS
    to: str | None = None
    from_: str | None = None
    subject: str | None = None

    @property
    def exact(self) -> bool:
        return self.to is not None or self.from_ is not None or self.subject is not None


class _DaySlice:
    """One stream-day's matching entries: a bisected stable range plus checked extras."""

    def __init__(self, sd: StreamDay, sel: Selection, now: float, rcpt: int | None) -> None:
        self.sd = sd
        self.positions: list[int] = []
        self.lo_i = self.hi_i = 0
        if not sel.exact:
            self.positions, times = sd.stable(sel.keys)
            self.lo_i = bisect.bisect_left(times, sel.lo)
            self.hi_i = bisect.bisect_right(times, sel.hi)
            candidates: list[int] | range = sd.evolving
        elif sel.to is not None:
            candidates = sd.for_recipient(rcpt) if rcpt is not None else []
        else:
            candidates = range(len(sd.times))
        self.extra = [i for i in candidates if self._matches(i, sel, now)]

    def _matches(self, i: int, sel: Selection, now: float) -> bool:
        sd = self.sd
        if not sel.lo <= sd.times[i] <= sel.hi or sd.key_at(i, now) not in sel.keys:
            return False
        if sel.from_ is not None and sd.sender(i).lower() != sel.from_:
            return False
        return sel.subject is None or sel.subject in sd.subject(i).lower()

    def count(self) -> int:
        return self.hi_i - self.lo_i + len(self.extra)

    def newest_first(self) -> Iterator[tuple[float, Ref]]:
        times, sd = self.sd.times, self.sd
        stable = (
            (times[self.positions[j]], (sd, self.positions[j]))
            for j in range(self.hi_i - 1, self.lo_i - 1, -1)
        )
        extra = ((times[i], (sd, i)) for i in reversed(self.extra))
        return heapq.merge(stable, extra, key=lambda item: item[0], reverse=True)


class Ledger:
    """Every TraceMail entry the simulator can show, queried at a given instant."""

    def __init__(self, world: World, overlay: list[Mailout]) -> None:
        self.world = world
        self._overlay = sorted(overlay, key=lambda m: m.created)
        self._created = [m.created for m in self._overlay]
        self._json: dict[tuple[object, ...], bytes] = {}

    def add(self, mailout: Mailout) -> None:
        i = bisect.bisect_right(self._created, mailout.created)
        self._created.insert(i, mailout.created)
        self._overlay.insert(i, mailout)

    def overlay(self) -> tuple[Mailout, ...]:
        return tuple(self._overlay)

    def _overlay_matches(self, sel: Selection, lo: float, hi: float, now: float) -> list[Mailout]:
        a, b = bisect.bisect_left(self._created, lo), bisect.bisect_right(self._created, hi)
        out = []
        for m in self._overlay[a:b]:
            if sel.accounts is not None and m.account_id not in sel.accounts:
                continue
            if sel.domain is not None and m.domain != sel.domain:
                continue
            if m.key(m.phase_at(now)) not in sel.keys or not _fields_match(m, sel):
                continue
            out.append(m)
        return out

    def _days(self, sel: Selection, now: float) -> list[tuple[list[_DaySlice], list[Mailout]]]:
        if sel.lo > sel.hi:
            return []
        rcpt = self.world.book.index.get(sel.to) if sel.to is not None else None
        first, last = _date(sel.lo), _date(sel.hi)
        out = []
        for day in days_between(first, last):
            start = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
            lo, hi = max(sel.lo, start), min(sel.hi, start + 86399.999999)
            slices = [
                _DaySlice(stream_day(self.world.seed, plan, self.world.book, day), sel, now, rcpt)
                for plan in sel.streams
            ]
            out.append((slices, self._overlay_matches(sel, lo, hi, now)))
        return out

    def count(self, sel: Selection, now: float) -> int:
        return sum(sum(s.count() for s in sl) + len(ov) for sl, ov in self._days(sel, now))

    def page(self, sel: Selection, now: float, offset: int, limit: int) -> tuple[int, list[Ref]]:
        """(total matching, the refs of entries offset..offset+limit, newest first)."""
        days = self._days(sel, now)
        counts = [sum(s.count() for s in sl) + len(ov) for sl, ov in days]
        picked: list[Ref] = []
        for (slices, overlay), count in zip(days, counts, strict=True):
            if len(picked) >= limit:
                break
            if offset >= count:
                offset -= count
                continue
            ov = ((m.created, m) for m in reversed(overlay))
            merged = heapq.merge(
                *(s.newest_first() for s in slices), ov, key=lambda item: item[0], reverse=True
            )
            for _, ref in itertools.islice(merged, offset, offset + limit - len(picked)):
                picked.append(ref)
            offset = 0
        return sum(counts), picked

    def key_counts(self, sel: Selection, now: float) -> list[int]:
        """How many matching entries are in each state key (for counters)."""
        totals = [0] * len(KEYS)
        for slices, overlay in self._days(sel, now):
            for s in slices:
                for i in s.extra:
                    totals[s.sd.key_at(i, now)] += 1
                if s.hi_i > s.lo_i:
                    for key in sel.keys:
                        _, times = s.sd.stable(frozenset((key,)))
                        totals[key] += _between(times, sel.lo, sel.hi)
            for m in overlay:
                totals[m.key(m.phase_at(now))] += 1
        return totals

    def render(self, ref: Ref, now: float) -> bytes:
        if isinstance(ref, Mailout):
            phase = ref.phase_at(now)
            key: tuple[object, ...] = (ref.id, phase)
            mailout = ref
        else:
            sd, i = ref
            phase = _phase(sd, i, now)
            key = (sd.plan.no, sd.day, i, phase)
            mailout = None
        hit = self._json.get(key)
        if hit is None:
            if mailout is None:
                sd, i = ref  # type: ignore[misc]
                mailout = sd.mailout(i, self.world.book)
            if len(self._json) > 200_000:
                self._json.clear()
            hit = self._json[key] = mailout.wire_json(phase)
        return hit


def _phase(sd: StreamDay, i: int, now: float) -> int:
    if sd.final[i] >= 0:
        return 0
    offsets = [s.after for s in STORIES[sd.story[i]].steps]
    return max(0, bisect.bisect_right(offsets, now - sd.times[i]) - 1)


def _fields_match(m: Mailout, sel: Selection) -> bool:
    if sel.to is not None and (m.to or "").lower() != sel.to:
        return False
    if sel.from_ is not None and (m.from_ or "").lower() != sel.from_:
        return False
    return sel.subject is None or sel.subject in (m.subject or "").lower()


def _between(times: list[float], lo: float, hi: float) -> int:
    return bisect.bisect_right(times, hi) - bisect.bisect_left(times, lo)


def _date(ts: float) -> date:
    return datetime.fromtimestamp(ts, UTC).date()
