"""Slack's own surfaces through the real Bolt app: `/qbx` alone opens the trace form, its
submission traces in the channel it was opened in (or says what is wrong, in the form), and the
Home tab shows the user's recent traces, open watches, incidents and health."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.simulator import SimulatorHandle, running_simulator
from tests.redis_support import REDIS_URL, machine_redis, unique_prefix
from tests.slack import signing
from tests.slack.conftest import CHANNEL, USER, Harness, dumps, parents
from tests.slack.followup_support import click_on, followup_app, private, traced
from tests.slack.standin import TEAM, Call, StandIn

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def sim() -> AsyncIterator[SimulatorHandle]:
    async with running_simulator(seed=7) as handle:
        yield handle


@pytest.fixture
async def qbx(sim: SimulatorHandle, slack: StandIn) -> AsyncIterator[Harness]:
    async with followup_app(sim, slack, qbx_incident_channel="C0INCIDENTS") as harness:
        yield harness


def view_of(call: Call) -> dict[str, Any]:
    raw = call.args["view"]
    view: dict[str, Any] = json.loads(raw) if isinstance(raw, str) else raw
    return view


async def submit_form(qbx: Harness, view: dict[str, Any], values: dict[str, Any]) -> Any:
    state = {"values": {k: {k: v} for k, v in values.items()}}
    payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": USER},
               "api_app_id": "AQBX", "trigger_id": "1.2.5",
               "view": {**view, "id": "V1", "state": state}}  # fmt: skip
    return await qbx.post(signing.interactive_body(payload), signing.FORM)


async def opened_form(qbx: Harness) -> dict[str, Any]:
    await qbx.command("", channel="C0OTHER")
    calls = await qbx.slack.wait_for(lambda cs: any(c.method == "views.open" for c in cs))
    [opened] = [c for c in calls if c.method == "views.open"]
    assert opened.args["trigger_id"] == "1.2.3"
    return view_of(opened)


async def test_qbx_alone_opens_the_form_for_its_channel(qbx: Harness) -> None:
    view = await opened_form(qbx)
    assert view["callback_id"] == "qbx_trace_modal"
    assert view["private_metadata"] == "C0OTHER"
    assert [b["block_id"] for b in view["blocks"]] == ["what", "recipient", "date"]
    assert [c for c in qbx.slack.calls if c.method == "response_url"] == []


async def test_the_submitted_form_traces_in_that_channel(qbx: Harness) -> None:
    view = await opened_form(qbx)
    ids = qbx.scenarios["bounced"]["ids"]
    values = {"what": {"type": "plain_text_input", "value": ids["message_id"]},
              "recipient": {"type": "plain_text_input", "value": ids["to"]},
              "date": {"type": "datepicker", "selected_date": ids["date"]}}  # fmt: skip
    response = await submit_form(qbx, view, values)
    assert response.status_code == 200
    calls = await qbx.slack.wait_for(
        lambda cs: any("Bounced" in dumps(c) for c in cs if c.method == "chat.update")
    )
    [parent] = parents(calls, "C0OTHER")
    assert ids["message_id"] in dumps(parent)


@pytest.mark.parametrize("what", ["hello there", "<!channel>", "x" * 2999])
async def test_a_form_with_nothing_to_trace_is_answered_in_the_form(
    qbx: Harness, what: str
) -> None:
    view = await opened_form(qbx)
    response = await submit_form(qbx, view, {"what": {"type": "plain_text_input", "value": what}})
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert "nothing qbx can trace" in answer["errors"]["what"]
    assert len(answer["errors"]["what"]) <= 150
    assert parents(qbx.slack.calls, "C0OTHER") == []


async def test_the_home_tab_shows_traces_watches_incidents_and_health(qbx: Harness) -> None:
    ts, found = await traced(qbx, "greylisted", "qbx_watch")
    await click_on(qbx, found["qbx_watch"], ts)
    await private(qbx, 1)
    await qbx.event({"type": "app_home_opened", "user": USER, "channel": "D0HOME", "tab": "home"})
    calls = await qbx.slack.wait_for(lambda cs: any(c.method == "views.publish" for c in cs))
    [published] = [c for c in calls if c.method == "views.publish"]
    assert published.args["user_id"] == USER
    view = view_of(published)
    text = json.dumps(view)
    assert view["type"] == "home"
    assert f"https://slack.com/archives/{CHANNEL}/p{ts.replace('.', '')}" in text
    assert "*deferred*" in text  # the recent trace's verdict
    assert "(yours)" in text  # the open watch
    assert "<#C0INCIDENTS>" in text
    for name in ("slack", "qboxmail", "store", "workers (in this process)"):
        assert f":large_green_circle: {name}" in text
    assert qbx.scenarios["greylisted"]["ids"]["to"] not in text  # masked


async def test_another_users_home_has_no_traces_of_theirs(qbx: Harness) -> None:
    await traced(qbx, "delivered", "qbx_rerun")
    await qbx.event({"type": "app_home_opened", "user": "U0NEWBIE", "tab": "home"})
    calls = await qbx.slack.wait_for(lambda cs: any(c.method == "views.publish" for c in cs))
    [published] = [c for c in calls if c.method == "views.publish"]
    assert "None yet" in json.dumps(view_of(published))


def test_the_manifest_asks_for_the_home_tab_and_its_event() -> None:
    manifest = (ROOT / "slack-manifest.yml").read_text()
    assert "home_tab_enabled: true" in manifest
    assert "- app_home_opened" in manifest


@pytest.mark.redis
async def test_on_redis_without_a_worker_the_home_tab_says_so(
    sim: SimulatorHandle, slack: StandIn
) -> None:
    prefix = unique_prefix()
    async with (
        machine_redis(prefix),
        followup_app(sim, slack, redis_url=REDIS_URL, qbx_redis_prefix=prefix) as qbx,
    ):
        await qbx.event({"type": "app_home_opened", "user": USER, "tab": "home"})
        calls = await qbx.slack.wait_for(lambda cs: any(c.method == "views.publish" for c in cs))
        [published] = [c for c in calls if c.method == "views.publish"]
        text = json.dumps(view_of(published))
        assert ":red_circle: workers" in text
        assert ":large_green_circle: store" in text
