"""The checklist reporter: the incident's account or domain traced into its thread, or a note
saying why not (the incident still goes out). Real Slack calls against the stand-in."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.errors import ApiUnreachable
from bot.incidents.lifecycle import IncidentRecord, IncidentStatus
from bot.incidents.observation import IncidentSeverity, ResourceRef, Scope
from bot.incidents.wiring import checklist_reporter
from bot.runtime.bolt import slack_deps
from bot.settings import Settings
from bot.slack.client import build_web_client
from bot.slack.poster import Poster
from bot.store.memory import MemoryStore
from tests.incidents.slack_support import HistoryStandIn, running_history_standin

AT = datetime(2026, 11, 23, 9, 40, tzinfo=UTC)
RECORD = IncidentRecord(
    incident_id="bounce_rate:domain:shop.example@1795426800", key="bounce_rate:domain:shop.example",
    rule_id="bounce_rate", resource=ResourceRef(Scope.DOMAIN, "shop.example", "shop.example"),
    status=IncidentStatus.OPEN, severity=IncidentSeverity.CRITICAL, summary="Bounce rate 5 %",
    counts=(), started_at=AT, updated_at=AT, channel="C_INCIDENTS",
)  # fmt: skip


class Unreachable:
    """A tracer whose API never answers."""

    async def trace(self, *args: Any, **kwargs: Any) -> Any:
        raise ApiUnreachable("connect timeout", method="GET", path="/api/delivery/domains")

    async def check(self, *args: Any, **kwargs: Any) -> Any:
        raise ApiUnreachable("connect timeout", method="GET", path="/api/delivery/domains")


class NoPdfs:
    async def log_pdf(self, domain_code: str, log_type: str, log_id: str) -> bytes:
        return b""


@pytest.fixture
async def slack() -> AsyncIterator[HistoryStandIn]:
    async with running_history_standin() as stand:
        yield stand


async def test_a_checklist_that_cannot_run_leaves_a_note_in_the_thread(
    slack: HistoryStandIn,
) -> None:
    store = MemoryStore(prefix="t:", clock=time.time)
    deps = slack_deps(Settings(_env_file=None), tracer=Unreachable(), store=store, pdfs=NoPdfs(),
                      clock=time.monotonic)  # fmt: skip
    client = build_web_client(token="xoxb-t", base_url=f"{slack.base_url}/api/")
    await checklist_reporter(deps, Poster(client))(RECORD, "1800000000.000001")
    thread = slack.in_thread("1800000000.000001")
    assert "checklist could not run" in thread[-1].text
    assert "connect timeout" in thread[-1].text
