"""One incident, one living post: reconcile + publish over the real stores (memory and Redis).

Opened once, updated in place, resolved once; no second parent after a restart, across
concurrent reconcilers, or after a crash between posting the parent and recording its ts.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.incidents.lifecycle import (
    ChangeKind,
    IncidentChange,
    IncidentPolicy,
    IncidentRecord,
    IncidentStatus,
)
from bot.incidents.observation import Finding
from bot.incidents.publisher import POST_GRACE_SECONDS, Publisher
from bot.incidents.tracker import Reconciler, load_record, lock_name
from bot.render.slack_limits import validate_blocks
from bot.store.memory import MemoryStore
from bot.store.redis_store import RedisStore, connect
from tests.incidents.support import Clock, Crash, RecordingPoster, finding, firing
from tests.redis_support import REDIS_URL, machine_redis, unique_prefix

POLICY = IncidentPolicy(channel="C_INCIDENTS", clear_checks=3)
KEY = "bounce_rate:domain:shop.example"
PNG = b"\x89PNG\r\n\x1a\nchart"


@dataclass
class Bench:
    store: MemoryStore | RedisStore
    clock: Clock
    poster: RecordingPoster = field(default_factory=RecordingPoster)

    def replica(self) -> tuple[Reconciler, Publisher]:
        """A fresh worker process: new objects, the same store and Slack."""
        publisher = Publisher(self.store, self.poster, clock=self.clock, chart=self.chart)
        return Reconciler(self.store, POLICY), publisher

    async def chart(self, record: IncidentRecord) -> bytes:
        return PNG

    async def check(
        self, *findings: Finding, replica: tuple[Reconciler, Publisher] | None = None
    ) -> list[IncidentChange]:
        """One watcher check by `replica` (default: a fresh one)."""
        reconciler, publisher = replica or self.replica()
        changes = await reconciler.reconcile(findings, self.clock())
        for change in changes:
            await publisher.publish(change)
        return changes

    async def check_then_wait(self, *findings: Finding) -> list[IncidentChange]:
        changes = await self.check(*findings)
        self.clock.advance(minutes=5)
        return changes

    async def record(self) -> IncidentRecord | None:
        return await load_record(self.store, KEY)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def bench(request: pytest.FixtureRequest) -> AsyncIterator[Bench]:
    clock = Clock()
    if request.param == "memory":
        yield Bench(MemoryStore(prefix="qbx:", clock=clock.epoch), clock)
        return
    prefix = unique_prefix()
    async with machine_redis(prefix):
        store = RedisStore(connect(REDIS_URL), prefix=prefix, clock=clock.epoch)
        yield Bench(store, clock)
        await store.aclose()


def fire(bounce: int, severity: str = "critical") -> Finding:
    return finding(firing(f"bounce rate {bounce} %", severity, bounce=bounce))


CLEAR = finding(None)


async def test_opened_once_updated_in_place_resolved_once(bench: Bench) -> None:
    p = bench.poster
    opened = await bench.check_then_wait(fire(5))
    assert [c.kind for c in opened] == [ChangeKind.OPEN]
    await bench.check_then_wait(fire(5))  # same figures: nothing to show
    await bench.check_then_wait(fire(9))  # new figures: the parent is edited
    for _ in range(3):
        await bench.check_then_wait(CLEAR)
    await bench.check_then_wait(CLEAR)  # already resolved: quiet
    [(channel, incident_id, parent)] = p.of("post_parent")
    ts = p.posted[incident_id]
    assert channel == "C_INCIDENTS"
    assert validate_blocks(parent) == []
    assert [args[2] for args in p.of("upload_chart")] == [PNG]  # the chart: first thread reply
    assert [name for name, _ in p.calls].index("upload_chart") < [
        name for name, _ in p.calls
    ].index("post_thread")
    updates = p.of("update_parent")
    assert [u[1] for u in updates] == [ts, ts]
    assert "9" in updates[0][2]["text"]
    assert "Resolved" in updates[1][2]["text"]
    notes = [m for _, t, m in p.of("post_thread") if "Resolved" in m["text"]]
    assert len(notes) == 1
    assert all(t == ts for _, t, _ in p.of("post_thread"))
    record = await bench.record()
    assert record is not None
    assert record.status is IncidentStatus.RESOLVED
    assert record.resolution_posted
    assert record.parent_ts == ts


async def test_restart_mid_incident_posts_no_second_parent(bench: Bench) -> None:
    await bench.check(fire(5))
    await bench.check(fire(8), replica=bench.replica())  # a new worker process
    await bench.check(fire(8), replica=bench.replica())
    assert len(bench.poster.of("post_parent")) == 1
    [(_, ts, _)] = bench.poster.of("update_parent")
    assert ts == next(iter(bench.poster.posted.values()))


async def test_concurrent_reconcilers_post_one_parent(bench: Bench) -> None:
    bench.poster.yield_in_post = True
    await asyncio.gather(*(bench.check(fire(5), replica=bench.replica()) for _ in range(5)))
    await bench.check(fire(5))  # whoever was left out converges on the next check
    assert len(bench.poster.of("post_parent")) == 1
    assert len(bench.poster.of("upload_chart")) == 1


async def test_crash_between_posting_and_recording_adopts_the_post(bench: Bench) -> None:
    bench.poster.crash_after_post = True
    reconciler, publisher = bench.replica()
    [change] = await reconciler.reconcile([fire(5)], bench.clock())
    with pytest.raises(Crash):
        await publisher.publish(change)
    record = await bench.record()
    assert record is not None
    assert record.post_intent_at is not None
    assert record.parent_ts is None
    await bench.replica()[1].publish(change)  # retried at once: the post may be in flight
    assert bench.poster.of("find_parent") == []
    assert len(bench.poster.of("post_parent")) == 1
    bench.clock.advance(seconds=POST_GRACE_SECONDS)
    await bench.check(fire(5))
    assert len(bench.poster.of("post_parent")) == 1
    assert len(bench.poster.of("find_parent")) == 1
    record = await bench.record()
    assert record is not None
    assert record.parent_ts == next(iter(bench.poster.posted.values()))
    assert record.thread_posted


async def test_post_that_never_reached_slack_is_made_after_the_grace(bench: Bench) -> None:
    bench.poster.fail_before_post = True
    with pytest.raises(Crash):
        await bench.check(fire(5))
    bench.clock.advance(seconds=POST_GRACE_SECONDS)
    await bench.check(fire(5))
    assert len(bench.poster.of("post_parent")) == 1
    record = await bench.record()
    assert record is not None
    assert record.parent_ts is not None


async def test_incident_resolved_before_it_was_shown_posts_nothing(bench: Bench) -> None:
    reconciler, publisher = bench.replica()
    await reconciler.reconcile([fire(5)], bench.clock())  # decided; Slack never reached
    for _ in range(3):
        [change] = await reconciler.reconcile([CLEAR], bench.clock())
        bench.clock.advance(minutes=5)
    assert change.kind is ChangeKind.RESOLVE
    await publisher.publish(change)
    assert bench.poster.calls == []
    record = await bench.record()
    assert record is not None
    assert record.resolution_posted
    [quiet] = await reconciler.reconcile([CLEAR], bench.clock())
    assert quiet.kind is ChangeKind.NOOP


async def test_incident_held_by_another_replica_is_left_alone(bench: Bench) -> None:
    async with bench.store.lock(lock_name(KEY), 60) as held:
        assert held
        changes = await bench.check(fire(5))
    assert [c.kind for c in changes] == [ChangeKind.NOOP]
    assert await bench.record() is None
    assert bench.poster.calls == []


async def test_reopening_after_resolution_posts_a_new_parent(bench: Bench) -> None:
    await bench.check_then_wait(fire(5))
    for _ in range(3):
        await bench.check_then_wait(CLEAR)
    bench.clock.advance(hours=1)
    await bench.check_then_wait(fire(6))
    ids = [incident_id for _, incident_id, _ in bench.poster.of("post_parent")]
    assert len(ids) == 2
    assert ids[0] != ids[1]
    record = await bench.record()
    assert record is not None
    assert (record.incident_id, record.active) == (ids[1], True)


async def test_back_within_the_cool_down_reopens_the_same_post_with_a_note(bench: Bench) -> None:
    calm = IncidentPolicy(channel="C_INCIDENTS", clear_checks=3, cooldown_seconds=3600)
    publisher = Publisher(bench.store, bench.poster, clock=bench.clock, chart=bench.chart)
    replica = (Reconciler(bench.store, calm), publisher)
    await bench.check(fire(5), replica=replica)
    for _ in range(3):
        bench.clock.advance(minutes=5)
        await bench.check(CLEAR, replica=replica)
    bench.clock.advance(minutes=20)  # within the hour's cool-down
    [change] = await bench.check(fire(7), replica=replica)
    assert change.kind is ChangeKind.REOPEN
    p = bench.poster
    [(_, incident_id, _)] = p.of("post_parent")  # no second parent
    ts = p.posted[incident_id]
    assert all(t == ts for _, t, _ in p.of("update_parent"))
    assert "7" in p.of("update_parent")[-1][2]["text"]
    [note] = [m for _, t, m in p.of("post_thread") if m["text"].startswith("Back")]
    assert validate_blocks(note) == []
    await bench.check(fire(7), replica=replica)  # shown already: no second note
    assert len([m for _, _, m in p.of("post_thread") if m["text"].startswith("Back")]) == 1
    record = await bench.record()
    assert record is not None
    assert (record.incident_id, record.active, record.reopen_noted) == (incident_id, True, 1)
