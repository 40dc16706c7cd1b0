"""Which day of Email logs a mailbox check reads: the day asked for; else today, or yesterday
while today has no entries yet (the small hours of a UTC day)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.diagnostics.service import TraceService
from bot.qboxmail.client import QboxmailClient
from bot.recognition.ids import recognise
from bot.simulator import SimClock, create_simulation, running_simulator
from bot.simulator.describe import describe

DAY = date(2026, 11, 24)  # a Tuesday; the simulated mailboxes' logs run 07:00-21:00 UTC


def _mailbox(clock: SimClock) -> str:
    scenarios = describe(create_simulation(now=clock))["scenarios"]
    return str(next(s for s in scenarios if s["name"] == "mailbox_inactive")["trace"])


async def _log_days(at: datetime, text_after: str = "") -> set[str]:
    clock = SimClock(at)
    async with running_simulator(now=clock) as sim:
        client = QboxmailClient(
            api_url=sim.base_url, api_token=sim.management_token, send_url=sim.send_url
        )
        async with client:
            service = TraceService(client, simulated=True, scan_budget=12, clock=clock.now)
            text = f"{_mailbox(clock)}{text_after}"
            target = recognise(text, today=at.date()).targets[0]
            report = await service.trace(target)
    return {ref.title.split()[1] for ref in report.logs}


@pytest.mark.parametrize(
    ("hour", "expected"),
    [(0, "2026-11-23"), (6, "2026-11-23"), (12, "2026-11-24"), (23, "2026-11-24")],
    ids=["just-after-midnight", "before-the-first-entry", "midday", "late-evening"],
)
async def test_without_a_day_the_latest_day_with_entries_is_read(hour: int, expected: str) -> None:
    at = datetime(DAY.year, DAY.month, DAY.day, hour, 5, tzinfo=UTC)
    assert await _log_days(at) == {expected}


async def test_a_day_asked_for_is_read_even_when_it_is_empty() -> None:
    at = datetime(DAY.year, DAY.month, DAY.day, 0, 5, tzinfo=UTC)
    assert await _log_days(at, f" on {DAY.isoformat()}") == set()
