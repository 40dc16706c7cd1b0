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
from bot.simulator.traffic import StreamDay, day_start, days_between, stream_day
from bot.simulator.world import World

ALL_KEYS = frozenset(range(len(KEYS)))
DAY = 86400.0
MAX_STORY_SPAN = max(story.final.after for story in STORIES)  # seconds
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
    """One stream-day's matching entries at `now`.

    Without exact-match fields: a bisected range of entries whose final state matches, less
    the few still-pending ones not matching yet (`hidden`), plus pending ones matching now
    (`extra`). With them: the candidates (one recipient's entries, say) checked one by one.
    """

    def __init__(self, sd: StreamDay, sel: Selection, now: float, rcpt: int | None) -> None:
        self.sd = sd
        self.positions: list[int] = []
        self.lo_i = self.hi_i = 0
        self.hidden: set[int] = set()
        self.pending: list[int] = []
        self.lo, self.hi, self.exact = sel.lo, sel.hi, sel.exact
        if sel.exact:
            candidates: list[int] | range = range(len(sd.times))
            if sel.to is not None:
                candidates = sd.for_recipient(rcpt) if rcpt is not None else []
            self.extra = [i for i in candidates if self._matches(i, sel, now)]
            return
        self.positions, times = sd.matching(sel.keys)
        self.lo_i = bisect.bisect_left(times, sel.lo)
        self.hi_i = bisect.bisect_right(times, sel.hi)
        self.pending = pending = [i for i in sd.pending(now) if sel.lo <= sd.times[i] <= sel.hi]
        self.hidden = {i for i in pending if sd.final_key(i) in sel.keys}
        self.extra = sorted(i for i in pending if sd.key_at(i, now) in sel.keys)
        self.hidden -= set(self.extra)
        self.extra = [i for i in self.extra if sd.final_key(i) not in sel.keys]

    def _matches(self, i: int, sel: Selection, now: float) -> bool:
        sd = self.sd
        if not sel.lo <= sd.times[i] <= sel.hi or sd.key_at(i, now) not in sel.keys:
            return False
        if sel.from_ is not None and sd.sender(i).lower() != sel.from_:
            return False
        return sel.subject is None or sel.subject in sd.subject(i).lower()

    def count(self) -> int:
        return self.hi_i - self.lo_i - len(self.hidden) + len(self.extra)

    def newest_first(self) -> Iterator[tuple[float, Ref]]:
        times, sd, positions, hidden = self.sd.times, self.sd, self.positions, self.hidden
        stable = (
            (times[positions[j]], (sd, positions[j]))
            for j in range(self.hi_i - 1, self.lo_i - 1, -1)
            if positions[j] not in hidden
        )
        extra = ((times[i], (sd, i)) for i in reversed(self.extra))
        return heapq.merge(stable, extra, key=lambda item: item[0], reverse=True)

    def add_counts(self, totals: list[int], keys: frozenset[int], now: float) -> None:
        """Add this slice's entries to per-key totals, each under its key at `now`."""
        sd = self.sd
        if self.exact:
            for i in self.extra:
                totals[sd.key_at(i, now)] += 1
            return
        for key in keys:
            totals[key] += _between(sd.matching(frozenset((key,)))[1], self.lo, self.hi)
        for i in self.pending:
            final, current = sd.final_key(i), sd.key_at(i, now)
            totals[final] -= final in keys
            totals[current] += current in keys


class TraceMailStore:
    """Every TraceMail entry the simulator can show, queried at a given instant."""

    def __init__(self, world: World, overlay: list[Mailout]) -> None:
        self.world = world
        self._overlay = sorted(overlay, key=lambda m: m.created)
        self._created = [m.created for m in self._overlay]
        self._json: dict[tuple[object, ...], bytes] = {}
        self._memo: dict[tuple[object, ...], list[int]] = {}

    def add(self, mailout: Mailout) -> None:
        i = bisect.bisect_right(self._created, mailout.created)
        self._created.insert(i, mailout.created)
        self._overlay.insert(i, mailout)

    def overlay(self) -> tuple[Mailout, ...]:
        return tuple(self._overlay)

    def _overlay_matches(self, sel: Selection, now: float) -> dict[date, list[Mailout]]:
        """Matching overlay entries in the window, by UTC day, oldest first within a day."""
        a, b = bisect.bisect_left(self._created, sel.lo), bisect.bisect_right(self._created, sel.hi)
        out: dict[date, list[Mailout]] = {}
        for m in self._overlay[a:b]:
            if sel.accounts is not None and m.account_id not in sel.accounts:
                continue
            if sel.domain is not None and m.domain != sel.domain:
                continue
            if m.key(m.phase_at(now)) not in sel.keys or not _fields_match(m, sel):
                continue
            out.setdefault(_date(m.created), []).append(m)
        return out

    def _stream_days(self, sel: Selection, day: date) -> list[StreamDay]:
        return [stream_day(self.world.seed, plan, self.world.book, day) for plan in sel.streams]

    def _days(self, sel: Selection) -> list[date]:
        return days_between(_date(sel.lo), _date(sel.hi)) if sel.lo <= sel.hi else []

    def _rcpt(self, sel: Selection) -> int | None:
        return self.world.book.index.get(sel.to) if sel.to is not None else None

    def _slices(self, sel: Selection, now: float, day: date) -> list[_DaySlice]:
        return [_DaySlice(sd, sel, now, self._rcpt(sel)) for sd in self._stream_days(sel, day)]

    def _count(self, sel: Selection, now: float, day: date) -> int:
        """The day's matching bulk entries; a settled day inside the window costs a lookup."""
        total = 0
        for sd in self._stream_days(sel, day):
            if not sel.exact and sd.closed_within(sel.lo, sel.hi, now):
                total += len(sd.matching(sel.keys)[0])
            else:
                total += _DaySlice(sd, sel, now, self._rcpt(sel)).count()
        return total

    def _closed(self, sel: Selection, now: float, days: list[date]) -> list[date]:
        """Days wholly inside the window whose every story is over: their counts never change."""
        if sel.exact:
            return []
        return [
            d for d in days
            if sel.lo <= day_start(d) and day_start(d) + DAY <= sel.hi
            and day_start(d) + DAY + MAX_STORY_SPAN <= now
        ]  # fmt: skip

    def _closed_totals(self, sel: Selection, closed: list[date]) -> list[int]:
        """Per-key totals of the closed days (memoised: a contiguous range of old days)."""
        if not closed:
            return [0] * len(KEYS)
        memo_key = (tuple(p.key for p in sel.streams), min(closed), max(closed), len(closed))
        hit = self._memo.get(memo_key)
        if hit is None:
            hit = [0] * len(KEYS)
            for day in closed:
                for sd in self._stream_days(sel, day):
                    for key, n in enumerate(sd.final_totals()):
                        hit[key] += n
            if len(self._memo) > 10_000:
                self._memo.clear()
            self._memo[memo_key] = hit
        return hit

    def count(self, sel: Selection, now: float) -> int:
        total, _ = self.page(sel, now, 0, 0)
        return total

    def page(self, sel: Selection, now: float, offset: int, limit: int) -> tuple[int, list[Ref]]:
        """(total matching, the refs of entries offset..offset+limit, newest first)."""
        overlay = self._overlay_matches(sel, now)
        days = self._days(sel)
        closed = set(self._closed(sel, now, days))
        counts = {d: self._count(sel, now, d) for d in days if d not in closed}
        closed_totals = self._closed_totals(sel, sorted(closed))
        total = sum(counts.values()) + sum(len(v) for v in overlay.values())
        total += sum(closed_totals[k] for k in sel.keys)
        picked: list[Ref] = []
        for day in days:
            if len(picked) >= limit:
                break
            count = counts.get(day)
            count = (self._count(sel, now, day) if count is None else count) + len(
                overlay.get(day, ())
            )
            if offset >= count:
                offset -= count
                continue
            ov = ((m.created, m) for m in reversed(overlay.get(day, [])))
            merged = heapq.merge(
                *(s.newest_first() for s in self._slices(sel, now, day)), ov,
                key=lambda item: item[0], reverse=True,
            )  # fmt: skip
            want = limit - len(picked)
            picked += [ref for _, ref in itertools.islice(merged, offset, offset + want)]
            offset = 0
        return total, picked

    def key_counts(self, sel: Selection, now: float) -> list[int]:
        """How many matching entries are in each state key (for counters)."""
        days = self._days(sel)
        closed = self._closed(sel, now, days)
        totals = [n if k in sel.keys else 0 for k, n in enumerate(self._closed_totals(sel, closed))]
        for day in days:
            if day in closed:
                continue
            for sd in self._stream_days(sel, day):
                _DaySlice(sd, sel, now, self._rcpt(sel)).add_counts(totals, sel.keys, now)
        for entries in self._overlay_matches(sel, now).values():
            for m in entries:
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
