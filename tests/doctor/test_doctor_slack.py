"""`qbx doctor`'s Slack checks against the loopback Web API stand-in: the token, the granted
scopes against slack-manifest.yml, membership of watched and incident channels."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.doctor.report import Check, Status
from bot.doctor.run import DoctorOptions, run_doctor, slack_part
from bot.doctor.slack import manifest_scopes
from bot.settings import Settings
from bot.simulator import SimulatorHandle
from tests.doctor.conftest import ROOT, options_for, settings_for
from tests.redis_support import free_port
from tests.slack.standin import StandIn, running_standin

SCOPES = manifest_scopes((ROOT / "slack-manifest.yml").read_text())


async def no_sleep(seconds: float) -> None:
    return None


OPTIONS = DoctorOptions(
    today=date(2026, 11, 20), manifest=ROOT / "slack-manifest.yml", sleep=no_sleep
)


@pytest.fixture
async def slack() -> AsyncIterator[StandIn]:
    async with running_standin() as stand:
        stand.scopes = SCOPES
        yield stand


def settings(stand: StandIn, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test-doctor",
        "slack_signing_secret": "signing-secret",
        "slack_api_url": f"{stand.base_url}/api/",
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def named(checks: list[Check], name: str) -> Check:
    return next(c for c in checks if c.name == name)


def test_the_manifest_scopes_are_read_from_the_manifest() -> None:
    assert "chat:write" in SCOPES
    assert "channels:history" in SCOPES
    assert all(":" in s or s == "commands" for s in SCOPES)


async def test_a_complete_set_up_passes(slack: StandIn) -> None:
    checks = await slack_part(
        settings(slack, qbx_watch_channels="C0WATCH", qbx_incident_channel="C0INCIDENT"), OPTIONS
    )
    assert [c.status for c in checks] == [Status.OK] * len(checks)
    assert {c.name for c in checks} >= {
        "bot token", "scopes", "signing secret", "watched channel C0WATCH",
        "incident channel C0INCIDENT",
    }  # fmt: skip
    assert [c.args["channel"] for c in slack.named("conversations.info")] == [
        "C0WATCH", "C0INCIDENT"
    ]  # fmt: skip


async def test_a_missing_scope_is_named(slack: StandIn) -> None:
    slack.scopes = tuple(s for s in SCOPES if s != "files:write")
    checks = await slack_part(settings(slack), OPTIONS)
    scopes = named(checks, "scopes")
    assert scopes.status is Status.FAIL
    assert "files:write" in scopes.detail
    assert "chat:write" not in scopes.detail
    assert "reinstall" in scopes.fix


async def test_a_channel_the_bot_is_not_in_fails_with_how_to_invite(slack: StandIn) -> None:
    slack.not_member = {"C0INCIDENT"}
    checks = await slack_part(
        settings(slack, qbx_watch_channels="C0WATCH,C_NOT_IN", qbx_incident_channel="C0INCIDENT"),
        OPTIONS,
    )
    assert named(checks, "watched channel C0WATCH").status is Status.OK
    for name in ("watched channel C_NOT_IN", "incident channel C0INCIDENT"):
        check = named(checks, name)
        assert check.status is Status.FAIL
        assert "/invite @qbx" in check.fix


async def test_an_unknown_channel_id_fails_with_how_to_find_the_id(slack: StandIn) -> None:
    checks = await slack_part(settings(slack, qbx_watch_channels="C_NOT_FOUND"), OPTIONS)
    check = named(checks, "watched channel C_NOT_FOUND")
    assert check.status is Status.FAIL
    assert "channel_not_found" in check.detail


async def test_no_signing_secret_fails_unless_socket_mode(slack: StandIn) -> None:
    without = settings(slack, slack_signing_secret=None)
    assert named(await slack_part(without, OPTIONS), "signing secret").status is Status.FAIL
    socket = settings(slack, slack_signing_secret=None, slack_app_token="xapp-1-test")
    assert named(await slack_part(socket, OPTIONS), "signing secret").status is Status.OK


async def test_no_scope_header_is_a_warning_listing_what_to_compare(slack: StandIn) -> None:
    slack.scopes = None
    check = named(await slack_part(settings(slack), OPTIONS), "scopes")
    assert check.status is Status.WARN
    assert "chat:write" in check.fix


async def test_without_a_bot_token_slack_is_a_warning_not_a_failure() -> None:
    checks = await slack_part(Settings(_env_file=None), OPTIONS)  # type: ignore[call-arg]
    assert [(c.name, c.status) for c in checks] == [("bot token", Status.WARN)]


async def test_an_unreachable_slack_fails_without_crashing() -> None:
    unreachable = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token="xoxb-test-doctor",
        slack_api_url=f"http://127.0.0.1:{free_port()}/api/",
    )
    checks = await slack_part(unreachable, OPTIONS)
    assert checks[0].status is Status.FAIL
    assert "cannot reach Slack" in checks[0].detail
    assert "xoxb-test-doctor" not in str([c.to_json() for c in checks])


async def test_without_the_manifest_the_scopes_are_not_called_complete(
    slack: StandIn, tmp_path: Path
) -> None:
    options = DoctorOptions(today=date(2026, 11, 20), manifest=tmp_path / "absent.yml")
    check = named(await slack_part(settings(slack), options), "scopes")
    assert check.status is Status.WARN
    assert "slack-manifest.yml" in check.fix


async def test_the_whole_run_reports_slack_beside_qboxmail(
    slack: StandIn, sim: SimulatorHandle
) -> None:
    slack.scopes = tuple(s for s in SCOPES if s != "groups:history")
    values = {
        "slack_bot_token": "xoxb-test-doctor",
        "slack_signing_secret": "signing-secret",
        "slack_api_url": f"{slack.base_url}/api/",
        "qbx_watch_channels": "C_NOT_IN",
    }
    run = await run_doctor(settings_for(sim, **values), options_for(sim, sleep=no_sleep))
    failed = {(c.area.value, c.name) for c in run.report.checks if c.status is Status.FAIL}
    assert failed == {("slack", "scopes"), ("slack", "watched channel C_NOT_IN")}
    assert not run.report.ok
