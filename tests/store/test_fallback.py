"""Redis down: the bot keeps answering from memory, says so once, and recovers by itself."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import redis.asyncio as aioredis
from structlog.testing import capture_logs

from bot.errors import StoreUnavailable
from bot.store import keys as k
from bot.store.base import AuditEntry, IndexedRecord
from bot.store.fallback import FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS, FallbackStore
from bot.store.memory import MemoryStore
from bot.store.redis_store import RedisStore, connect
from tests.redis_support import FakeClock, ThrowawayRedis, free_port

pytestmark = pytest.mark.redis


def fallback_store(url: str, clock: FakeClock) -> FallbackStore:
    primary = RedisStore(connect(url, timeout=1.0), prefix="qbx:", clock=clock)
    return FallbackStore(primary, MemoryStore(prefix="qbx:", clock=clock), clock=clock)


@pytest.fixture(scope="module")
def server() -> Iterator[ThrowawayRedis]:
    redis_server = ThrowawayRedis()
    redis_server.start()
    yield redis_server
    redis_server.stop()


@pytest.fixture
async def down() -> AsyncIterator[tuple[FallbackStore, FakeClock]]:
    clock = FakeClock()
    store = fallback_store(f"redis://127.0.0.1:{free_port()}/0", clock)
    yield store, clock
    await store.aclose()


async def test_unreachable_redis_falls_back_and_warns_once(
    down: tuple[FallbackStore, FakeClock],
) -> None:
    store, _clock = down
    with capture_logs() as logs:
        assert await store.claim_event("E1") is True
        assert await store.claim_event("E1") is False
        key = await store.put_context({"button": "rerun"})
        assert await store.get_context(key) == {"button": "rerun"}
        assert (await store.hit_rate_limit("U1", 1)).allowed
    assert store.degraded is True
    assert await store.ping() is False
    assert [e["event"] for e in logs if e["log_level"] == "warning"] == ["store.degraded"]


async def test_the_ledger_never_falls_back(down: tuple[FallbackStore, FakeClock]) -> None:
    store, _clock = down
    record = IndexedRecord("r1", "{}", 0.0, (("message", "m1"),))
    with pytest.raises(StoreUnavailable):
        await store.put_records([record], k.LEDGER_TTL)
    with pytest.raises(StoreUnavailable):
        await store.find_records("message", "m1", 5)
    assert store.degraded is True


async def test_retries_of_a_dead_primary_back_off(down: tuple[FallbackStore, FakeClock]) -> None:
    store, clock = down
    await store.claim("a", 10)
    waits = []
    for _ in range(6):
        waits.append(store._retry_at - clock())
        clock.advance(waits[-1])
        await store.claim("a", 10)
    assert waits == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert waits[0] == FIRST_RETRY_SECONDS
    assert waits[-1] == MAX_RETRY_SECONDS


async def test_redis_stopped_and_restarted_is_survived(server: ThrowawayRedis) -> None:
    clock = FakeClock()
    store = fallback_store(server.url, clock)
    check = aioredis.Redis.from_url(server.url, decode_responses=True)
    assert await store.claim_event("before") is True
    assert await check.exists("qbx:event:before") == 1
    assert store.degraded is False

    server.stop()
    assert await store.claim_event("during") is True
    context = await store.put_context({"made": "during the outage"})
    assert store.degraded is True

    server.start()
    clock.advance(FIRST_RETRY_SECONDS)
    with capture_logs() as logs:
        assert await store.claim_event("after") is True
    assert store.degraded is False
    assert [e["event"] for e in logs] == ["store.recovered"]
    assert await check.exists("qbx:event:after") == 1
    assert await store.claim_event("during") is False  # claimed in memory during the outage
    assert await store.get_context(context) == {"made": "during the outage"}
    await check.aclose()
    await store.aclose()


async def test_locks_flights_state_and_audit_work_while_redis_is_down(
    down: tuple[FallbackStore, FakeClock],
) -> None:
    store, _clock = down

    async def work() -> str:
        return "traced"

    async with store.lock("watch", 30) as held, store.lock("watch", 30) as again:
        assert (held, again) == (True, False)
    assert await store.single_flight("t", work, ttl_seconds=30) == "traced"
    await store.put_json("incident", {"open": True}, None)
    assert await store.get_json("incident") == {"open": True}
    await store.audit(AuditEntry("U1", "trace", "x"))
    assert [e.target for e in await store.recent_audit(5)] == ["x"]
    assert store.degraded is True
