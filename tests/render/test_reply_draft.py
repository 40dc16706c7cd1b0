"""The customer reply draft for every verdict code, from real reports of the simulator's scenarios:
plain words, the ids to quote, and no address but the customer's own recipient."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio

from bot.cli import main
from bot.diagnostics.report import Report, Verdict, VerdictCode
from bot.qboxmail.client import QboxmailClient
from bot.recognition.grammar import CheckKind
from bot.recognition.ids import recognise
from bot.render.reply_draft import WORDING, reply_draft
from bot.runtime.services import build_trace_service
from bot.settings import Settings
from bot.simulator import running_simulator
from bot.simulator.describe import describe
from bot.simulator.server import create_simulation

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
SCENARIOS = describe(create_simulation(now=NOW))["scenarios"]
JARGON = ("/api", "/v1", "tracemail", "checklist", "verdict", "smtp", "mx ", "suppression",
          "http", "json", "collection", "step")  # fmt: skip
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def reports() -> AsyncIterator[dict[str, Report]]:
    async with running_simulator(now=NOW) as sim:
        api = QboxmailClient(
            api_url=sim.base_url, api_token=sim.management_token, send_url=sim.send_url
        )
        async with api:
            service = build_trace_service(Settings(_env_file=None), api, True, clock=lambda: NOW)
            yield {s["name"]: await _report(service, s) for s in SCENARIOS}


async def _report(service: Any, scenario: dict[str, Any]) -> Report:
    if scenario["check"]:
        kind, value = CheckKind(scenario["check"]["kind"]), scenario["check"]["value"]
        report: Report = await service.check(kind, value)
        return report
    ids = scenario["ids"]
    hinted = ids.get("to") and scenario["verdict"] != "inconclusive"  # that one is the bare id
    text = f"{scenario['trace']} to {ids['to']} on {ids['date']}" if hinted else ""
    target = recognise(text or scenario["trace"], today=NOW.date()).targets[0]
    traced: Report = await service.trace(target)
    return traced


async def test_every_verdict_code_has_wording() -> None:
    assert set(WORDING) == set(VerdictCode)


async def test_the_scenarios_cover_every_code_but_unknown() -> None:
    assert {VerdictCode(s["verdict"]) for s in SCENARIOS} == set(VerdictCode) - {
        VerdictCode.UNKNOWN
    }


# `ramp` is degraded only minutes after the anchor (its own test moves the clock); `degraded`
# gives that code at the anchor.
@pytest.mark.parametrize("name", [s["name"] for s in SCENARIOS if s["name"] != "ramp"])
async def test_the_draft_is_plain_and_names_only_the_recipient(
    reports: dict[str, Report], name: str
) -> None:
    report = reports[name]
    draft = reply_draft(report)
    assert report.verdict.code.value == next(s["verdict"] for s in SCENARIOS if s["name"] == name)
    assert WORDING[report.verdict.code][0] in draft
    lowered = draft.lower()
    assert [word for word in JARGON if word in lowered] == []
    assert [s.title for s in report.steps if s.title.lower() in lowered] == []
    bundle = report.bundle
    allowed = {bundle.recipient, bundle.message_id} if bundle else set()
    assert set(ADDRESS.findall(draft)) <= {a for a in allowed if a}
    if bundle and bundle.message_id:
        assert f"Message ID: {bundle.message_id}" in draft
    if bundle and bundle.request_id:
        assert f"Request ID: {bundle.request_id}" in draft


async def test_the_sender_is_never_named(reports: dict[str, Report]) -> None:
    report = reports["bounced"]
    assert report.bundle is not None
    assert report.bundle.sender
    assert report.bundle.sender not in reply_draft(report)
    assert report.bundle.recipient in reply_draft(report)


async def test_an_unknown_verdict_still_gets_a_draft(reports: dict[str, Report]) -> None:
    base = reports["delivered"]
    unknown = Report(**{**base.__dict__, "verdict": Verdict(VerdictCode.UNKNOWN, "h", "n")})
    assert WORDING[VerdictCode.UNKNOWN][0] in reply_draft(unknown)


async def test_the_command_line_prints_the_draft(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("QBOXMAIL_API_TOKEN", "QBOXMAIL_API_URL", "REDIS_URL", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    live = {s["name"]: s for s in describe(create_simulation())["scenarios"]}["bounced"]["ids"]
    text = f"{live['message_id']} to {live['to']} on {live['date']}"
    code = await asyncio.to_thread(main, ["trace", *text.split(), "--reply-draft"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Hello,")
    assert WORDING[VerdictCode.BOUNCED][0] in out
    assert f"Message ID: {live['message_id']}" in out
    assert "SIMULATED" not in out
