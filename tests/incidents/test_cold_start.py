"""Cold start: the first check after a start judges what the counters already show.

The simulator's newsletter account (4128) has bounced over 1 % for weeks. A watcher that has
just started, with no history at all, must post it on its first pass: mid-afternoon from
today's counters so far, just after midnight (today still quiet) from yesterday's and today's.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.incidents.lifecycle import ChangeKind
from bot.incidents.wiring import build_watcher
from bot.qboxmail.client import QboxmailClient
from bot.settings import Settings
from bot.simulator import running_simulator
from bot.simulator.clock import SimClock
from bot.store.memory import MemoryStore
from tests.incidents.support import RecordingPoster

SETTINGS = Settings(_env_file=None, qbx_incident_channel="C_INC")
DEGRADED = "bounce_rate:account:4128"


@pytest.mark.parametrize(
    ("now", "window"),
    [
        (datetime(2026, 12, 31, 15, 0, tzinfo=UTC), "today so far"),
        (datetime(2028, 2, 29, 0, 20, tzinfo=UTC), "since yesterday"),
        (datetime(2027, 1, 1, 0, 10, tzinfo=UTC), "since yesterday"),
    ],
    ids=["afternoon", "after-midnight-29-feb", "after-midnight-new-year"],
)
async def test_a_degraded_account_is_posted_on_the_first_pass(now: datetime, window: str) -> None:
    clock = SimClock(now)
    poster, store = RecordingPoster(), MemoryStore(clock=clock.timestamp)
    async with (
        running_simulator(now=clock) as sim,
        QboxmailClient(api_url=sim.base_url, api_token=sim.management_token,
                       send_url=sim.send_url) as api,
    ):  # fmt: skip
        watcher = build_watcher(SETTINGS, api=api, store=store, poster=poster, clock=clock.now)
        result = await watcher.check()
    [opened] = [c.record for c in result.of_kind(ChangeKind.OPEN) if c.key == DEGRADED]
    assert opened is not None
    assert f" % {window} (" in opened.summary
    assert [i for _, i, _ in poster.of("post_parent") if i.startswith(DEGRADED + "@")]


async def test_a_healthy_account_opens_nothing_on_the_first_pass() -> None:
    clock = SimClock(datetime(2026, 12, 31, 15, 0, tzinfo=UTC))
    poster, store = RecordingPoster(), MemoryStore(clock=clock.timestamp)
    async with (
        running_simulator(now=clock) as sim,
        QboxmailClient(api_url=sim.base_url, api_token=sim.management_token,
                       send_url=sim.send_url) as api,
    ):  # fmt: skip
        watcher = build_watcher(SETTINGS, api=api, store=store, poster=poster, clock=clock.now)
        result = await watcher.check()
    opened = {c.key for c in result.of_kind(ChangeKind.OPEN)}
    assert not {k for k in opened if k.endswith((":account:4127", ":domain:mail.acme-shop.example"))
                and k.startswith(("bounce_rate", "suppressed_rate"))}  # fmt: skip
