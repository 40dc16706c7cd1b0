"""What only the Redis store does: survive a dead runner, stay under its prefix, fail loudly."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from bot.errors import StoreUnavailable
from bot.store.base import AuditEntry
from bot.store.redis_store import RedisStore, connect
from tests.redis_support import REDIS_URL, FakeClock, free_port, machine_redis, unique_prefix
from tests.store.test_store_contract import Polls, sample_report

pytestmark = pytest.mark.redis
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def prefix() -> str:
    return unique_prefix()


@pytest.fixture
async def client(prefix: str) -> AsyncIterator[aioredis.Redis]:
    async with machine_redis(prefix) as client:
        yield client


@pytest.fixture
async def polls() -> Polls:
    return Polls()


@pytest.fixture
async def store(prefix: str, polls: Polls, client: aioredis.Redis) -> AsyncIterator[RedisStore]:
    store = RedisStore(connect(REDIS_URL), prefix=prefix, clock=FakeClock(), sleep=polls)
    yield store
    await store.aclose()


async def test_a_waiter_takes_over_when_the_runner_died(
    store: RedisStore, client: aioredis.Redis, polls: Polls
) -> None:
    lock = store.keys.flight_lock("trace")
    await client.set(lock, "token-of-a-dead-replica", px=60_000)

    async def work() -> str:
        return "ran here"

    waiter = asyncio.create_task(store.single_flight("trace", work, ttl_seconds=30))
    await polls.started.wait()
    await client.delete(lock)  # the dead runner's lock expires
    assert await waiter == "ran here"


async def test_every_key_lives_under_the_prefix(
    store: RedisStore, client: aioredis.Redis, prefix: str
) -> None:
    await store.claim_event("E1")
    await store.put_report("k", sample_report(), 60)
    context = await store.put_context({"a": 1})
    await store.hit_rate_limit("U1", 5)
    await store.audit(AuditEntry("U1", "trace"))

    async def work() -> str:
        return "x"

    await store.single_flight("k", work, ttl_seconds=5)
    found = {key async for key in client.scan_iter(match=f"{prefix}*")}
    named = {
        store.keys.event("E1"),
        store.keys.report("k"),
        store.keys.context(context),
        store.keys.rate("U1"),
        store.keys.audit,
    }
    assert named <= found
    flight = found - named
    assert len(flight) == 1
    assert next(iter(flight)).startswith(f"{prefix}flight:result:k:")


async def test_an_unreachable_server_raises_store_unavailable() -> None:
    store = RedisStore(connect(f"redis://127.0.0.1:{free_port()}/0"), clock=FakeClock())
    assert await store.ping() is False
    with pytest.raises(StoreUnavailable, match="unreachable"):
        await store.claim_event("E1")
    with pytest.raises(StoreUnavailable):
        await store.recent_audit(5)
    await store.aclose()


async def test_a_live_runner_keeps_its_flight_past_its_lease(
    prefix: str, client: aioredis.Redis
) -> None:
    store = RedisStore(connect(REDIS_URL), prefix=prefix, clock=FakeClock(), flight_lease=0.3)
    runs: list[int] = []

    async def slow() -> str:
        runs.append(1)
        await asyncio.sleep(1.2)  # four leases: only the heartbeat keeps the lock
        return "once"

    results = await asyncio.gather(
        store.single_flight("long", slow, ttl_seconds=30),
        *(store.single_flight("long", slow, ttl_seconds=30) for _ in range(3)),
    )
    await store.aclose()
    assert results == ["once"] * 4
    assert runs == [1]


RUNNER = """
import asyncio, sys, time
from bot.store.redis_store import RedisStore, connect

async def main() -> None:
    store = RedisStore(connect(sys.argv[1]), prefix=sys.argv[2], clock=time.time, flight_lease=1)
    async def forever() -> str:
        print("running", flush=True)
        await asyncio.Event().wait()
        return ""
    await store.single_flight("killed", forever, ttl_seconds=120)

asyncio.run(main())
"""


@pytest.mark.timeout(60)
async def test_a_killed_runner_frees_its_flight_within_one_lease(
    prefix: str, client: aioredis.Redis
) -> None:
    runner = await asyncio.create_subprocess_exec(
        sys.executable, "-c", RUNNER, REDIS_URL, prefix, stdout=asyncio.subprocess.PIPE,
        cwd=str(ROOT),
    )  # fmt: skip
    assert runner.stdout is not None
    assert await asyncio.wait_for(runner.stdout.readline(), 20) == b"running\n"
    runner.kill()
    await runner.wait()
    lock = f"{prefix}flight:lock:killed"
    left = await client.pttl(lock)
    assert 0 < left <= 1000  # the dead runner's lease, not the flight's 120 s

    async def work() -> str:
        return "taken over"

    store = RedisStore(connect(REDIS_URL), prefix=prefix, clock=FakeClock())
    assert await asyncio.wait_for(store.single_flight("killed", work, ttl_seconds=30), 20) == (
        "taken over"
    )
    await store.aclose()
