"""The Home tab's open incidents, through the real Bolt app and the Web API stand-in: the
simulator's bounce ramp, checked by the real watcher sharing the app's store in simulated time,
opens an incident that the Home tab lists (with a link to its post) until it resolves."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.incidents.engine import IncidentWatcher
from bot.incidents.lifecycle import IncidentRecord
from bot.incidents.tracker import load_record
from bot.qboxmail.client import QboxmailClient
from bot.runtime.serving import open_runtime
from bot.simulator import SimClock, running_simulator
from tests.incidents.slack_support import (
    bounce_rule,
    ramp_watcher,
    running_history_standin,
)
from tests.slack.conftest import USER, Harness, posted_problems, settings_for
from tests.slack.standin import serving

ANCHOR = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # the ramp climbs from 09:00, over by 13:00
INTERVAL = timedelta(minutes=20)
MAX_CHECKS = 30
INCIDENTS = "C0INCIDENTS"
RAMP_KEY = "bounce_rate:domain:alerts.acme-shop.example"


@dataclass
class Watched:
    qbx: Harness
    watcher: IncidentWatcher
    clock: SimClock

    async def check_until(self, done: Callable[[IncidentRecord], bool]) -> IncidentRecord:
        """Watcher checks every INTERVAL of simulated time until the ramp's record is `done`."""
        for _ in range(MAX_CHECKS):
            await self.watcher.check()
            record = await load_record(self.qbx.runtime.deps.store, RAMP_KEY)
            if record is not None and done(record):
                return record
            self.clock.advance(INTERVAL)
        raise AssertionError(f"the ramp's incident never got there in {MAX_CHECKS} checks")

    async def home(self) -> str:
        """Open the Home tab as Slack does; the text of the view it publishes."""
        before = len(self.qbx.slack.named("views.publish"))
        await self.qbx.event({"type": "app_home_opened", "user": USER, "tab": "home"})
        calls = await self.qbx.slack.wait_for(
            lambda cs: len([c for c in cs if c.method == "views.publish"]) > before
        )
        published = [c for c in calls if c.method == "views.publish"][before]
        view = published.args["view"]
        return view if isinstance(view, str) else json.dumps(view)


async def no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


@pytest.fixture
async def watched() -> AsyncIterator[Watched]:
    clock = SimClock(ANCHOR)
    async with (
        running_simulator(seed=7, now=clock) as sim,
        running_history_standin() as slack,
        QboxmailClient(
            api_url=sim.base_url, api_token=sim.management_token, send_url=sim.send_url
        ) as api,  # fmt: skip
    ):
        settings = settings_for(
            sim, slack, qbx_incident_channel=INCIDENTS, qbx_incident_clear_checks=2,
            qbx_watch_interval_seconds=int(INTERVAL.total_seconds()), qbx_report_cache_seconds=0,
        )  # fmt: skip
        async with (
            open_runtime(
                settings, sleep=no_wait, clock=clock.timestamp, incident_watcher=False
            ) as runtime,  # fmt: skip
            serving(runtime.asgi) as url,
            httpx.AsyncClient(base_url=url, timeout=10) as http,
        ):
            qbx = Harness(http, slack, sim, runtime, [], now=clock.timestamp)
            yield Watched(
                qbx,
                ramp_watcher(
                    settings, api, slack.base_url, runtime.deps.store, clock, bounce_rule()
                ),
                clock,
            )
            assert posted_problems(slack.calls) == []


def post_link(record: IncidentRecord) -> str:
    assert record.parent_ts is not None
    return f"https://slack.com/archives/{INCIDENTS}/p{record.parent_ts.replace('.', '')}"


async def test_an_incident_the_watcher_opened_is_on_the_home_tab_until_it_resolves(
    watched: Watched,
) -> None:
    quiet = await watched.home()
    assert "No open incidents." in quiet

    opened = await watched.check_until(lambda r: r.active and r.parent_ts is not None)
    shown = await watched.home()
    assert "Bounce rate on Domain alerts.acme-shop.example" in shown
    assert ":rotating_light: *Critical" in shown
    assert post_link(opened) in shown
    assert f"since <!date^{int(opened.started_at.timestamp())}^" in shown
    assert "No open incidents." not in shown

    await watched.check_until(lambda r: not r.active and r.resolution_posted)
    after = await watched.home()
    assert "No open incidents." in after
    assert post_link(opened) not in after
    assert "alerts.acme-shop.example" not in after
