"""Hour windows from day counters: increments, midnight, missing history, the store round trip."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.incidents.history import (
    KEEP_ALL_SECONDS,
    KEEP_SECONDS,
    CounterHistory,
    Snapshot,
    hourly,
    thin,
    window,
)
from bot.store.memory import MemoryStore
from tests.incidents.support import Clock, counters, observation

DAY = date(2026, 11, 23)
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC).timestamp()


def snap(minutes: float, day: date = DAY, **values: int) -> Snapshot:
    return Snapshot(T0 + minutes * 60, day, counters(**values))


def test_window_is_the_increase_since_the_last_snapshot_before_it() -> None:
    snaps = [snap(0, all=100, bounce=1), snap(30, all=160, bounce=4), snap(60, all=200, bounce=9)]
    got = window(snaps, T0, T0 + 3600)
    assert got is not None
    assert (got.all, got.bounce) == (100, 8)


def test_window_is_unknown_without_a_snapshot_as_old_as_its_start() -> None:
    assert window([snap(10, all=5), snap(60, all=9)], T0, T0 + 3600) is None


def test_a_new_day_counts_from_midnight() -> None:
    before = snap(0, all=1000, bounce=10)  # 12:00 of the 23rd, as a base
    last_of_day = snap(11 * 60 + 40, all=5000, bounce=50)  # 23:40
    first_of_next = snap(12 * 60 + 10, date(2026, 11, 24), all=30, bounce=3)  # 00:10 next day
    got = window([before, last_of_day, first_of_next], T0 + 11 * 3600, T0 + 13 * 3600)
    assert got is not None
    assert (got.all, got.bounce) == (4030, 43)  # 4000 before midnight + 30 after


def test_counters_that_go_down_never_make_negative_counts() -> None:
    got = window([snap(0, queued=50), snap(60, queued=10)], T0, T0 + 3600)
    assert got is not None
    assert got.queued == 0


def test_hourly_buckets_are_unknown_until_observed() -> None:
    snaps = [snap(m, all=m * 10) for m in range(0, 181, 10)]  # 12:00 .. 15:00
    buckets = hourly(snaps, datetime(2026, 11, 23, 14, 30, tzinfo=UTC), hours=4)
    assert [start.hour for start, _ in buckets] == [11, 12, 13, 14]
    assert buckets[0][1] is None
    assert [c.all if c else None for _, c in buckets[1:]] == [600, 600, 600]


def test_thinning_keeps_the_last_hour_whole_and_one_snapshot_per_older_hour() -> None:
    snaps = [snap(m, all=m) for m in range(0, 26 * 60, 5)]  # 26 hours every 5 minutes
    now = snaps[-1].at
    kept = thin(snaps, now)
    recent = [s for s in kept if now - s.at <= KEEP_ALL_SECONDS]
    assert len(recent) == 15  # 70 minutes at 5-minute steps, both ends included
    assert len(kept) < 45
    assert all(now - s.at <= KEEP_SECONDS for s in kept)
    assert window(kept, now - 3600, now) == window(snaps, now - 3600, now)
    end = datetime.fromtimestamp(now, UTC)
    assert [c for _, c in hourly(kept, end)][:-2] == [c for _, c in hourly(snaps, end)][:-2]


async def test_record_keeps_snapshots_and_fills_the_last_hour() -> None:
    clock = Clock()
    store = MemoryStore(prefix="t:", clock=clock.epoch)
    history = CounterHistory(store)
    first = await history.record(observation(day=counters(all=100, bounce=1), at=clock.now))
    assert first.last_hour is None
    clock.advance(minutes=60)
    second = await history.record(observation(day=counters(all=400, bounce=31), at=clock.now))
    assert second.last_hour is not None
    assert (second.last_hour.all, second.last_hour.bounce) == (300, 30)


async def test_record_forgets_snapshots_older_than_a_day_and_an_hour() -> None:
    clock = Clock()
    store = MemoryStore(prefix="t:", clock=clock.epoch)
    history = CounterHistory(store)
    await history.record(observation(day=counters(all=1), at=clock.now))
    clock.advance(hours=26)
    obs = await history.record(observation(day=counters(all=2), at=clock.now))
    assert len(await history.snapshots(obs.resource)) == 1


@pytest.mark.parametrize("minutes", [0, 5])
def test_snapshot_json_round_trip(minutes: int) -> None:
    s = snap(minutes, all=7, auth_errors=2)
    assert Snapshot.from_json(s.to_json()) == s
    assert timedelta(minutes=minutes).total_seconds() == s.at - T0
