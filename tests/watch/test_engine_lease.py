"""One pass at a time across replicas: two engines on one Redis check each due watch once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from bot.store import RedisStore
from bot.watch.book import WatchBook
from bot.watch.engine import Checked, WatchEngine
from bot.watch.model import Watch, WatchStatus
from tests.redis_support import REDIS_URL, FakeClock, machine_redis, unique_prefix

pytestmark = pytest.mark.redis


@dataclass
class CountingChecker:
    """The engine's port, recording each check (a slow one, so passes overlap)."""

    codes: list[str]
    checked: list[str] = field(default_factory=list)
    ended_ids: list[str] = field(default_factory=list)

    async def check(self, watch: Watch) -> Checked:
        self.checked.append(watch.watch_id)
        await asyncio.sleep(0.05)
        return Checked(self.codes.pop(0), key=f"k{len(self.checked)}")

    async def ended(self, watch: Watch) -> None:
        self.ended_ids.append(watch.watch_id)


def a_watch(now: float) -> Watch:
    return Watch("C1-1.1", {}, "x", "C1", "1.1", "U1", started_at=now - 120, next_at=now - 1)


async def test_two_replicas_check_a_due_watch_once() -> None:
    prefix, clock = unique_prefix(), FakeClock()
    async with machine_redis(prefix):
        stores = [RedisStore.from_url(REDIS_URL, prefix=prefix, clock=clock) for _ in range(2)]
        checker = CountingChecker(["deferred", "deferred"])
        engines = [
            WatchEngine(s, WatchBook(s, max_watches=5), checker, clock=clock, ttl_seconds=86400)
            for s in stores
        ]
        await WatchBook(stores[0], max_watches=5).add(a_watch(clock()))
        results = await asyncio.gather(*(e.run_pass() for e in engines))
        assert sorted(r.ran for r in results) == [False, True]
        assert checker.checked == ["C1-1.1"]
        [kept] = (await WatchBook(stores[1], max_watches=5).all()).values()
        assert (kept.checks, kept.key, kept.status) == (1, "k1", WatchStatus.WATCHING)
        for store in stores:
            await store.aclose()


async def test_a_failed_check_keeps_the_watch_for_later() -> None:
    prefix, clock = unique_prefix(), FakeClock()
    async with machine_redis(prefix):
        store = RedisStore.from_url(REDIS_URL, prefix=prefix, clock=clock)
        checker = CountingChecker([])  # pop from empty: the check raises
        engine = WatchEngine(
            store, WatchBook(store, max_watches=5), checker, clock=clock, ttl_seconds=86400
        )
        await WatchBook(store, max_watches=5).add(a_watch(clock()))
        result = await engine.run_pass()
        assert (result.checked, result.failed, result.ended) == (1, 1, 0)
        [kept] = (await WatchBook(store, max_watches=5).all()).values()
        assert kept.next_at > clock()
        assert checker.ended_ids == []
        await store.aclose()
