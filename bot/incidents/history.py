"""Hour windows from day counters: TraceMail counts by date only, so qbx keeps snapshots.

Every check stores today's cumulative counters per resource (25 hours of them). The
difference between two snapshots of the same day is what happened in between; the first
snapshot of a new day counts from midnight. Sums of those increments give the last hour and
the hourly series of the chart. The arithmetic is pure; `CounterHistory` adds the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Final

from bot.incidents.observation import Observation, ResourceRef
from bot.incidents.ports import IncidentStore, JsonValue
from bot.qboxmail.models import Counters

HOUR: Final = 3600.0
KEEP_SECONDS: Final = 25 * HOUR  # 24 hourly buckets plus the baseline before the first
KEEP_ALL_SECONDS: Final = HOUR + 600  # every snapshot this recent; older: the last of each hour
HISTORY_TTL: Final = 2 * 24 * HOUR
FIELDS: Final = tuple(Counters.model_fields)


def history_key(resource: ResourceRef) -> str:
    return f"incident-counters:{resource.key}"


@dataclass(frozen=True)
class Snapshot:
    at: float  # epoch seconds
    day: date  # the UTC date the counters are for
    counters: Counters  # that day's totals at `at`

    def to_json(self) -> JsonValue:
        return [self.at, self.day.isoformat(), self.counters.model_dump()]

    @classmethod
    def from_json(cls, value: JsonValue) -> Snapshot:
        at, day, counters = value
        return cls(float(at), date.fromisoformat(day), Counters.model_validate(counters))


def counters_of(values: dict[str, int]) -> Counters:
    return Counters.model_validate({name: values.get(name, 0) for name in FIELDS})


def add(a: Counters, b: Counters) -> Counters:
    return counters_of({f: getattr(a, f) + getattr(b, f) for f in FIELDS})


def increment(before: Snapshot, after: Snapshot) -> Counters:
    """What happened between two snapshots (never negative; a new day counts from midnight)."""
    if after.day != before.day:
        return after.counters
    return counters_of(
        {f: max(0, getattr(after.counters, f) - getattr(before.counters, f)) for f in FIELDS}
    )


def window(snapshots: Sequence[Snapshot], start: float, end: float) -> Counters | None:
    """Counts between `start` and `end`; None when no snapshot is as old as `start`."""
    ordered = sorted(snapshots, key=lambda s: s.at)
    base = [i for i, s in enumerate(ordered) if s.at <= start]
    if not base:
        return None
    total = counters_of({})
    chain = [s for s in ordered[base[-1] :] if s.at <= end]
    for before, after in pairwise(chain):
        total = add(total, increment(before, after))
    return total


def thin(snapshots: Sequence[Snapshot], now: float) -> list[Snapshot]:
    """What is worth keeping: the last 25 hours, all of the last one, one per clock hour before."""
    kept: dict[object, Snapshot] = {}
    for s in sorted(snapshots, key=lambda s: s.at):
        if now - KEEP_SECONDS <= s.at <= now:
            recent = now - s.at <= KEEP_ALL_SECONDS
            kept[s.at if recent else int(s.at // HOUR)] = s  # later in the hour replaces earlier
    return sorted(kept.values(), key=lambda s: s.at)


def hourly(
    snapshots: Sequence[Snapshot], now: datetime, hours: int = 24
) -> list[tuple[datetime, Counters | None]]:
    """`hours` clock-hour buckets up to the current one (start, counts or None when unknown)."""
    end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    starts = [end - timedelta(hours=hours - i) for i in range(hours)]
    return [
        (start, window(snapshots, start.timestamp(), start.timestamp() + HOUR)) for start in starts
    ]


class CounterHistory:
    """Per-resource snapshots in the store; fills each observation's last-hour window."""

    def __init__(self, store: IncidentStore) -> None:
        self._store = store

    async def snapshots(self, resource: ResourceRef) -> list[Snapshot]:
        raw = await self._store.get_json(history_key(resource))
        return [Snapshot.from_json(item) for item in raw or []]

    async def record(self, obs: Observation) -> Observation:
        """Keep this observation's day counters; return it with its last hour (when known)."""
        now = obs.observed_at.timestamp()
        current = Snapshot(now, obs.observed_at.date(), obs.day)
        earlier = [s for s in await self.snapshots(obs.resource) if s.at < now]
        kept = thin([*earlier, current], now)
        value = [s.to_json() for s in kept]
        await self._store.put_json(history_key(obs.resource), value, HISTORY_TTL)
        return replace(obs, last_hour=window(kept, now - HOUR, now))
