"""What only the Redis store does: survive a dead runner, stay under its prefix, fail loudly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from bot.errors import StoreUnavailable
from bot.store.base import AuditEntry
from bot.store.redis_store import RedisStore, connect
from tests.redis_support import REDIS_URL, FakeClock, free_port, machine_redis, unique_prefix
from tests.store.test_store_contract import Polls, sample_report

pytestmark = pytest.mark.redis


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
