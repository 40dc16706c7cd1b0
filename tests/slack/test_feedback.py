"""👍 / 👎 through the real Bolt app: recorded once per person and answer in the audit log,
a 👎 opens the private why-modal (views.open) whose submission is recorded, and `qbx feedback`
prints agreement per verdict code from the same Redis."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from bot.cli import main
from bot.feedback import DOWN, UP, WHY
from bot.simulator import SimulatorHandle, running_simulator
from tests.redis_support import REDIS_URL, machine_redis, unique_prefix
from tests.slack import signing
from tests.slack.conftest import USER, Harness
from tests.slack.followup_support import click_on, followup_app, private, traced
from tests.slack.standin import TEAM, StandIn

OTHER = "U0SECOND"
REASON = "It was <!channel> delivered, see the log"  # kept as text; never posted to a channel


@pytest.fixture
async def sim() -> AsyncIterator[SimulatorHandle]:
    async with running_simulator(seed=7) as handle:
        yield handle


async def feedback_entries(qbx: Harness) -> list[tuple[str, str, str, str]]:
    entries = await qbx.runtime.deps.store.recent_audit(50)
    return [
        (e.actor, e.action, e.target, e.detail)
        for e in reversed(entries)
        if e.action.startswith("feedback:")
    ]


async def submit_why(qbx: Harness, view: dict[str, object], text: str, user: str) -> None:
    submitted = {**view, "state": {"values": {"why": {"why": {"type": "plain_text_input",
                                                              "value": text}}}}}  # fmt: skip
    payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": user},
               "api_app_id": "AQBX", "trigger_id": "1.2.4", "view": submitted}  # fmt: skip
    response = await qbx.post(signing.interactive_body(payload), signing.FORM)
    assert response.status_code == 200


async def test_votes_are_recorded_once_and_a_down_vote_asks_why(
    sim: SimulatorHandle, slack: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = unique_prefix()
    async with machine_redis(prefix):
        redis = {"redis_url": REDIS_URL, "qbx_redis_prefix": prefix}
        async with followup_app(sim, slack, **redis) as qbx:
            ts, found = await traced(qbx, "bounced", "qbx_feedback_up")
            key = found["qbx_feedback_up"]["value"]
            await click_on(qbx, found["qbx_feedback_up"], ts)
            await click_on(qbx, found["qbx_feedback_up"], ts)  # a double click
            answers = await private(qbx, 2)
            assert sorted("already judged" in a.text for a in answers) == [False, True]
            await click_on(qbx, found["qbx_feedback_down"], ts, user=OTHER)
            calls = await slack.wait_for(lambda cs: any(c.method == "views.open" for c in cs))
            [opened] = [c for c in calls if c.method == "views.open"]
            raw = opened.args["view"]
            view = json.loads(raw) if isinstance(raw, str) else raw
            assert view["callback_id"] == "qbx_feedback_why"
            await submit_why(qbx, view, REASON, OTHER)
            await private(qbx, 3)
            assert await feedback_entries(qbx) == [
                (USER, UP, "bounced", f"answer={key}"),
                (OTHER, DOWN, "bounced", f"answer={key}"),
                (OTHER, WHY, "bounced", f"answer={key} why={REASON}"),
            ]  # fmt: skip
        monkeypatch.setenv("REDIS_URL", REDIS_URL)
        monkeypatch.setenv("QBX_REDIS_PREFIX", prefix)
        monkeypatch.setenv("LOG_LEVEL", "WARNING")
        out = await asyncio.to_thread(capture_cli, ["feedback"])
        [row] = [line for line in out.splitlines() if line.startswith("bounced")]
        assert row.split() == ["bounced", "1", "1", "50%"]
        assert "It was <!channel> delivered" in out


async def test_a_forged_why_submission_records_nothing(
    sim: SimulatorHandle, slack: StandIn
) -> None:
    async with followup_app(sim, slack) as qbx:
        view = {"type": "modal", "id": "V1", "callback_id": "qbx_feedback_why",
                "private_metadata": "not json"}  # fmt: skip
        await submit_why(qbx, view, "spam", USER)
        assert await feedback_entries(qbx) == []


def capture_cli(argv: list[str]) -> str:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(argv) == 0
    return buffer.getvalue()
