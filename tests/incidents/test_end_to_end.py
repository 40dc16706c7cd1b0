"""End to end: the simulator's bounce ramp, the real client, Redis, two workers and a restart.

The simulated clock starts at 08:00; alerts.acme-shop.example's bounces climb from 09:00,
peak at 11:00 and are back to normal by 13:00 (RampPlan). Two watcher workers check every
20 simulated minutes against one Redis; both are replaced (a restart) mid-incident. The ramp's
incident must be posted once, updated, charted once and resolved once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio

from bot.incidents.engine import IncidentWatcher
from bot.incidents.lifecycle import IncidentPolicy, IncidentStatus
from bot.incidents.rules import Rule, Thresholds, declarations, load_rules
from bot.incidents.tracker import load_record
from bot.qboxmail.client import QboxmailClient
from bot.settings import Settings
from bot.simulator import running_simulator
from bot.simulator.clock import SimClock
from bot.store.redis_store import RedisStore, connect
from tests.incidents.support import RecordingPoster
from tests.redis_support import REDIS_URL, machine_redis, unique_prefix

pytestmark = [pytest.mark.redis, pytest.mark.asyncio(loop_scope="module")]

ANCHOR = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=20)
CHECKS = 21  # 08:00 .. 14:40
RESTART_AT = 10  # 11:20, with the incident open
RAMP_KEY = "bounce_rate:domain:alerts.acme-shop.example"
POLICY = IncidentPolicy(
    channel="C_INCIDENTS", clear_checks=2, min_clear_gap_seconds=INTERVAL.total_seconds() / 2
)


@dataclass
class Run:
    poster: RecordingPoster
    store: RedisStore
    timeline: list[tuple[str, str]]  # (HH:MM, ramp incident status) after each check

    def ramp_parents(self) -> list[str]:
        return [i for _, i, _ in self.poster.of("post_parent") if i.startswith(RAMP_KEY + "@")]


def bounce_rule() -> tuple[Rule, ...]:
    """The bounce-rate row of the real table, narrowed to domains (rules are data)."""
    rows = declarations(Thresholds.from_settings(Settings()))
    return load_rules(
        [{**row, "watches": ["domain"]} for row in rows if row["id"] == "bounce_rate"]
    )


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def run() -> AsyncIterator[Run]:
    clock = SimClock(ANCHOR)
    prefix = unique_prefix()
    async with (
        running_simulator(now=clock) as sim,
        QboxmailClient(
            api_url=sim.base_url, api_token=sim.management_token, send_url=sim.send_url
        ) as client,
        machine_redis(prefix),
    ):
        store = RedisStore(connect(REDIS_URL), prefix=prefix, clock=clock.timestamp)
        poster, rules = RecordingPoster(), bounce_rule()

        def worker() -> IncidentWatcher:
            return IncidentWatcher(api=client, store=store, poster=poster, rules=rules,
                                   policy=POLICY, clock=clock.now, concurrency=20)  # fmt: skip

        workers = [worker(), worker()]
        timeline: list[tuple[str, str]] = []
        for step in range(CHECKS):
            if step == RESTART_AT:
                workers = [worker(), worker()]
            await asyncio.gather(*(w.check() for w in workers))
            record = await load_record(store, RAMP_KEY)
            timeline.append((clock.now().strftime("%H:%M"), record.status if record else "-"))
            clock.advance(INTERVAL)
        yield Run(poster, store, timeline)
        await store.aclose()


async def test_the_ramp_opens_one_incident_then_resolves_it(run: Run) -> None:
    statuses = [status for _, status in run.timeline]
    assert statuses[0] == "-"  # 08:00: no hour of history yet, nothing known
    assert IncidentStatus.OPEN in statuses or IncidentStatus.UPDATED in statuses
    assert statuses[-1] == IncidentStatus.RESOLVED
    opened_at = next(t for t, s in run.timeline if s != "-")
    resolved_at = next(t for t, s in run.timeline if s == IncidentStatus.RESOLVED)
    assert "09:00" <= opened_at < "11:00" < resolved_at <= "14:40"


async def test_one_parent_post_despite_two_workers_and_a_restart(run: Run) -> None:
    assert len(run.ramp_parents()) == 1
    per_incident = Counter(i for _, i, _ in run.poster.of("post_parent"))
    assert set(per_incident.values()) == {1}  # no incident of the world was posted twice


async def test_the_parent_is_updated_in_place_and_marked_resolved(run: Run) -> None:
    [incident_id] = run.ramp_parents()
    ts = run.poster.posted[incident_id]
    updates = [m for _, t, m in run.poster.of("update_parent") if t == ts]
    assert len(updates) >= 2
    assert updates[-1]["text"].startswith(":white_check_mark: Resolved")
    notes = [m for _, t, m in run.poster.of("post_thread") if t == ts and "Resolved" in m["text"]]
    assert len(notes) == 1


async def test_the_chart_is_uploaded_once_to_the_incident_thread(run: Run) -> None:
    [incident_id] = run.ramp_parents()
    ts = run.poster.posted[incident_id]
    charts = [(png, title) for _, t, png, title in run.poster.of("upload_chart") if t == ts]
    assert len(charts) == 1
    png, title = charts[0]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert "alerts.acme-shop.example" in title
    record = await load_record(run.store, RAMP_KEY)
    assert record is not None
    assert record.status is IncidentStatus.RESOLVED
    assert record.parent_ts == ts


async def test_the_thread_carries_the_blast_radius(run: Run) -> None:
    [incident_id] = run.ramp_parents()
    ts = run.poster.posted[incident_id]
    [details] = [m for _, t, m in run.poster.of("post_thread") if t == ts and "Top" in str(m)]
    text = str(details["blocks"])
    assert "Top replies" in text
    assert "Top recipient domains" in text
    assert "@" not in text.split("Top replies", 1)[1]  # no recipient address is shown
