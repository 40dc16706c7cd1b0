"""One contract, two stores: every behaviour holds for MemoryStore and for RedisStore alike.

Expiry: the memory store moves its injected clock; for Redis the TTL is read with PTTL and
its passing is simulated by deleting the key (Redis's own expiry is not under test).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis

from bot.diagnostics.report import Report, StepResult, StepStatus, Verdict, VerdictCode
from bot.recognition.targets import Target, TargetKind
from bot.store import keys as k
from bot.store.base import AuditEntry, FlightFailed, IndexedRecord
from bot.store.memory import MemoryStore
from bot.store.redis_store import RedisStore, connect
from tests.redis_support import REDIS_URL, FakeClock, machine_redis, unique_prefix


class Polls:
    """An injected sleep: counts a waiter's polls and lets the test know one happened."""

    def __init__(self) -> None:
        self.count = 0
        self.started = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.count += 1
        self.started.set()
        await asyncio.sleep(0)


@dataclass
class Harness:
    store: MemoryStore | RedisStore
    clock: FakeClock
    polls: Polls
    client: aioredis.Redis | None = None

    async def ttl(self, key: str) -> float | None:
        if isinstance(self.store, MemoryStore):
            return self.store.ttl(key)
        return await self.store.ttl(key)

    async def expire(self, key: str) -> None:
        """Let `key`'s TTL pass."""
        if self.client is None:
            remaining = await self.ttl(key)
            assert remaining is not None
            self.clock.advance(remaining + 0.001)
        else:
            await self.client.delete(key)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def h(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    clock, polls = FakeClock(), Polls()
    if request.param == "memory":
        yield Harness(MemoryStore(prefix="qbx:", clock=clock), clock, polls)
        return
    prefix = unique_prefix()
    async with machine_redis(prefix) as client:
        store = RedisStore(connect(REDIS_URL), prefix=prefix, clock=clock, sleep=polls)
        yield Harness(store, clock, polls, client)
        await store.aclose()


def sample_report(value: str = "a@b.example") -> Report:
    step = StepResult(id="account", title="Account enabled", status=StepStatus.PASS, summary="ok")
    return Report(
        checklist="message_trace",
        title="Message trace",
        target=Target(TargetKind.ADDRESS, value),
        verdict=Verdict(VerdictCode.DELIVERED, "Delivered", "Nothing to do"),
        steps=(step,),
        generated_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        simulated=True,
    )


# --- dedupe ---------------------------------------------------------------------------------
async def test_an_event_is_claimed_once_for_an_hour(h: Harness) -> None:
    assert await h.store.claim_event("Ev01") is True
    assert await h.store.claim_event("Ev01") is False
    assert await h.store.claim_event("Ev02") is True
    key = h.store.keys.event("Ev01")
    assert await h.ttl(key) == pytest.approx(k.EVENT_TTL, abs=2)
    await h.expire(key)
    assert await h.store.claim_event("Ev01") is True


async def test_concurrent_claims_have_exactly_one_winner(h: Harness) -> None:
    results = await asyncio.gather(*(h.store.claim("C1:ts:id", 30) for _ in range(25)))
    assert results.count(True) == 1
    assert await h.ttl(h.store.keys.claim("C1:ts:id")) == pytest.approx(30, abs=1)


# --- single flight --------------------------------------------------------------------------
async def test_concurrent_callers_share_one_run(h: Harness) -> None:
    gate, started, calls = asyncio.Event(), asyncio.Event(), []

    async def work() -> str:
        calls.append(1)
        started.set()
        await gate.wait()
        return "report-json"

    callers = [asyncio.create_task(h.store.single_flight("t", work, ttl_seconds=30))]
    await started.wait()
    callers += [
        asyncio.create_task(h.store.single_flight("t", work, ttl_seconds=30)) for _ in range(9)
    ]
    if h.client is not None:
        await h.polls.started.wait()  # the waiters are polling the runner
    gate.set()
    assert await asyncio.gather(*callers) == ["report-json"] * 10
    assert len(calls) == 1


async def test_waiters_learn_why_the_runner_failed(h: Harness) -> None:
    gate, started = asyncio.Event(), asyncio.Event()

    async def failing() -> str:
        started.set()
        await gate.wait()
        raise ValueError("API unreachable")

    async def never() -> str:
        raise AssertionError("a waiter must not run the work")

    runner = asyncio.create_task(h.store.single_flight("f", failing, ttl_seconds=30))
    await started.wait()
    waiter = asyncio.create_task(h.store.single_flight("f", never, ttl_seconds=30))
    if h.client is not None:
        await h.polls.started.wait()
    else:
        await asyncio.sleep(0)
    gate.set()
    with pytest.raises(ValueError, match="API unreachable"):
        await runner
    with pytest.raises(FlightFailed, match="ValueError: API unreachable"):
        await waiter


async def test_a_finished_flight_is_not_reused_by_the_next_call(h: Harness) -> None:
    answers = iter(["first", "second"])

    async def work() -> str:
        return next(answers)

    assert await h.store.single_flight("s", work, ttl_seconds=30) == "first"
    assert await h.store.single_flight("s", work, ttl_seconds=30) == "second"


async def test_a_waiter_takes_over_when_the_runner_is_cancelled(h: Harness) -> None:
    started = asyncio.Event()

    async def hangs() -> str:
        started.set()
        await asyncio.Event().wait()
        return "never"

    async def work() -> str:
        return "from the waiter"

    runner = asyncio.create_task(h.store.single_flight("c", hangs, ttl_seconds=30))
    await started.wait()
    waiter = asyncio.create_task(h.store.single_flight("c", work, ttl_seconds=30))
    if h.client is not None:
        await h.polls.started.wait()
    else:
        await asyncio.sleep(0)
    runner.cancel()
    assert await waiter == "from the waiter"


# --- report cache ---------------------------------------------------------------------------
async def test_a_cached_report_comes_back_with_when_it_was_stored(h: Harness) -> None:
    report = sample_report()
    await h.store.put_report(report.target.key, report, 300)
    h.clock.advance(120)
    cached = await h.store.get_report(report.target.key)
    assert cached is not None
    assert cached.report == report
    assert cached.age_seconds(h.clock()) == pytest.approx(120)
    key = h.store.keys.report(report.target.key)
    assert await h.ttl(key) == pytest.approx(300 if h.client else 180, abs=1)
    await h.expire(key)
    assert await h.store.get_report(report.target.key) is None


# --- button context -------------------------------------------------------------------------
async def test_context_hides_behind_a_short_opaque_key_for_a_week(h: Harness) -> None:
    value = {"action": "log_pdf", "domain_code": "D123456789", "log_id": "L000000012345"}
    key = await h.store.put_context(value)
    assert re.fullmatch(r"[A-Za-z0-9_-]{16}", key)
    assert await h.store.get_context(key) == value
    assert await h.store.get_context("unknown-key") is None
    assert await h.ttl(h.store.keys.context(key)) == pytest.approx(k.CONTEXT_TTL, abs=2)
    assert await h.store.put_context("plain") != key


# --- rate limit -----------------------------------------------------------------------------
async def test_a_user_over_the_limit_is_told_when_to_retry(h: Harness) -> None:
    for _ in range(3):
        assert (await h.store.hit_rate_limit("U1", 3)).allowed
        h.clock.advance(10)
    refused = await h.store.hit_rate_limit("U1", 3)
    assert not refused.allowed
    assert refused.retry_after_seconds == pytest.approx(30)
    assert (await h.store.hit_rate_limit("U2", 3)).allowed
    h.clock.advance(31)
    assert (await h.store.hit_rate_limit("U1", 3)).allowed


async def test_concurrent_hits_never_exceed_the_limit(h: Harness) -> None:
    decisions = await asyncio.gather(*(h.store.hit_rate_limit("U9", 5) for _ in range(20)))
    assert sum(d.allowed for d in decisions) == 5


# --- audit ----------------------------------------------------------------------------------
async def test_recent_audit_is_newest_first_and_stamped(h: Harness) -> None:
    for n in range(3):
        await h.store.audit(AuditEntry("U1", "trace", f"id-{n}", "C1", "deep=false"))
        h.clock.advance(1)
    recent = await h.store.recent_audit(2)
    assert [e.target for e in recent] == ["id-2", "id-1"]
    assert (recent[0].actor, recent[0].where, recent[0].action) == ("U1", "C1", "trace")
    assert recent[0].at == datetime.fromtimestamp(h.clock() - 1, UTC)


# --- state and locks ------------------------------------------------------------------------
async def test_json_state_round_trips_with_or_without_ttl(h: Harness) -> None:
    await h.store.put_json("incident:open", {"since": 5, "checks": [1, 2]}, None)
    await h.store.put_json("incident:tmp", [1], 60)
    assert await h.store.get_json("incident:open") == {"since": 5, "checks": [1, 2]}
    assert await h.ttl(h.store.keys.json("incident:open")) is None
    assert await h.ttl(h.store.keys.json("incident:tmp")) == pytest.approx(60, abs=1)
    assert await h.store.get_json("missing") is None


async def test_a_lock_is_held_by_one_holder_at_a_time(h: Harness) -> None:
    async with h.store.lock("watch", 30) as first:
        async with h.store.lock("watch", 30) as second:
            assert (first, second) == (True, False)
        assert await h.ttl(h.store.keys.lock("watch")) == pytest.approx(30, abs=1)
    async with h.store.lock("watch", 30) as again:
        assert again is True


async def test_a_late_holder_does_not_release_the_next_holders_lock(h: Harness) -> None:
    first = h.store.lock("watch", 30)
    assert await first.__aenter__() is True
    await h.expire(h.store.keys.lock("watch"))  # the first holder overran its TTL
    async with h.store.lock("watch", 30) as second:
        assert second is True
        await first.__aexit__(None, None, None)  # ... and finishes late
        async with h.store.lock("watch", 30) as third:
            assert third is False


# --- ledger records -------------------------------------------------------------------------
async def test_records_are_found_by_index_newest_first(h: Harness) -> None:
    records = [
        IndexedRecord(f"r{n}", f'{{"n": {n}}}', h.clock() + n, (("reference", "ORD-1"),))
        for n in range(3)
    ]
    await h.store.put_records(records, k.LEDGER_TTL)
    assert await h.store.find_records("reference", "ORD-1", 2) == ['{"n": 2}', '{"n": 1}']
    assert await h.store.find_records("reference", "ORD-2", 5) == []
    record_key = h.store.keys.ledger_record("r2")
    assert await h.ttl(record_key) == pytest.approx(k.LEDGER_TTL, abs=2)
    if h.client is not None:
        await h.client.delete(record_key)  # an expired record drops out of its index
        assert await h.store.find_records("reference", "ORD-1", 5) == ['{"n": 1}', '{"n": 0}']


async def test_a_live_store_answers_ping(h: Harness) -> None:
    assert await h.store.ping() is True
