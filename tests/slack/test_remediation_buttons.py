"""Reactivate address and Reply draft through the real Bolt app and the Slack stand-in:
allowed, refused (nothing called), double-clicked (once), and the private reply draft."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.remediation.reactivation import ACTION
from bot.simulator import SimulatorHandle, running_simulator
from tests.slack.conftest import USER, Harness, dumps, updates_of
from tests.slack.followup_support import REMEDIATOR, click_on, followup_app, private, traced
from tests.slack.standin import StandIn


@pytest.fixture
async def sim() -> AsyncIterator[SimulatorHandle]:
    async with running_simulator(seed=7) as handle:
        yield handle


@pytest.fixture
async def qbx(sim: SimulatorHandle, slack: StandIn) -> AsyncIterator[Harness]:
    async with followup_app(sim, slack) as harness:
        yield harness


def suppressed(qbx: Harness) -> bool:
    live, world = qbx.sim.simulation.live, qbx.sim.simulation.world
    address = qbx.scenarios["suppressed"]["ids"]["to"]
    return any(live.suppression_active.get(e.id, e.active) for e in world.suppressions_for(address))


async def audited(qbx: Harness) -> list[str]:
    entries = await qbx.runtime.deps.store.recent_audit(50)
    return [f"{e.actor} {e.target}" for e in entries if e.action == ACTION]


async def test_the_button_carries_a_confirmation_naming_reason_and_date(qbx: Harness) -> None:
    _, found = await traced(qbx, "suppressed", "qbx_reactivate")
    confirm = found["qbx_reactivate"]["confirm"]
    text = confirm["text"]["text"]
    assert "bounce" in text
    assert "since 20" in text  # the suppression's date
    assert "f***@yahoo.it" in text  # masked like the channel post
    assert "former.client" not in text


async def test_a_listed_user_reactivates_and_sees_the_new_state(qbx: Harness) -> None:
    ts, found = await traced(qbx, "suppressed", "qbx_reactivate")
    await click_on(qbx, found["qbx_reactivate"], ts, user=REMEDIATOR)
    [answer] = await private(qbx, 1)
    assert "Reactivated" in answer.text
    assert not suppressed(qbx)
    assert await audited(qbx) == [f"{REMEDIATOR} former.client@yahoo.it"]
    last = dumps(updates_of(qbx.slack.calls, ts)[-1])
    assert f"<@{REMEDIATOR}> reactivated" in last
    assert "former.client@yahoo.it" not in last  # still masked in the channel


async def test_anyone_else_is_refused_privately_and_nothing_is_called(qbx: Harness) -> None:
    ts, found = await traced(qbx, "suppressed", "qbx_reactivate")
    updates = len(updates_of(qbx.slack.calls, ts))
    await click_on(qbx, found["qbx_reactivate"], ts, user="U0SOMEONE")
    [answer] = await private(qbx, 1)
    assert "QBX_REMEDIATION_USERS" in answer.text
    assert suppressed(qbx)
    assert await audited(qbx) == []
    assert len(updates_of(qbx.slack.calls, ts)) == updates


async def test_with_nobody_listed_the_feature_is_off(sim: SimulatorHandle, slack: StandIn) -> None:
    async with followup_app(sim, slack, qbx_remediation_users=()) as qbx:
        ts, found = await traced(qbx, "suppressed", "qbx_reactivate")
        await click_on(qbx, found["qbx_reactivate"], ts, user=REMEDIATOR)
        [answer] = await private(qbx, 1)
        assert "Remediation is off" in answer.text
        assert suppressed(qbx)


async def test_a_double_click_reactivates_once(qbx: Harness) -> None:
    ts, found = await traced(qbx, "suppressed", "qbx_reactivate")
    await asyncio.gather(
        click_on(qbx, found["qbx_reactivate"], ts, user=REMEDIATOR),
        click_on(qbx, found["qbx_reactivate"], ts, user=REMEDIATOR),
    )
    answers = await private(qbx, 2)
    assert sum("Reactivated" in a.text for a in answers) == 1
    assert len(await audited(qbx)) == 1
    assert not suppressed(qbx)


async def test_the_reply_draft_is_private_and_names_the_recipient(qbx: Harness) -> None:
    ts, found = await traced(qbx, "bounced", "qbx_reply_draft")
    posts = len([c for c in qbx.slack.calls if c.method == "chat.postMessage"])
    await click_on(qbx, found["qbx_reply_draft"], ts)
    [answer] = await private(qbx, 1)
    assert answer.args["response_type"] == "ephemeral"
    ids = qbx.scenarios["bounced"]["ids"]
    assert ids["to"] in dumps(answer)  # unmasked, privately
    assert ids["message_id"] in dumps(answer)
    assert ids["from"] not in dumps(answer)
    assert "/api/" not in dumps(answer)
    assert len([c for c in qbx.slack.calls if c.method == "chat.postMessage"]) == posts


async def test_an_expired_key_gets_a_clear_answer(qbx: Harness) -> None:
    ts, _ = await traced(qbx, "bounced", "qbx_reply_draft")
    await click_on(qbx, {"action_id": "qbx_reply_draft", "value": "no-such-key"}, ts)
    [answer] = await private(qbx, 1)
    assert "expired" in answer.text


async def test_a_key_clicked_in_another_channel_is_refused_and_shows_nothing(qbx: Harness) -> None:
    ts, found = await traced(qbx, "bounced", "qbx_reply_draft")
    await click_on(qbx, found["qbx_reply_draft"], ts, channel="C0ELSEWHERE")
    [answer] = await private(qbx, 1)
    assert "another channel" in answer.text
    assert qbx.scenarios["bounced"]["ids"]["to"] not in dumps(answer)  # no draft was shown


async def test_a_failing_response_url_falls_back_to_an_ephemeral_draft(qbx: Harness) -> None:
    ts, found = await traced(qbx, "bounced", "qbx_reply_draft")
    qbx.slack.fail("response_url", 503, 503, 503)  # every try of the response_url fails
    await click_on(qbx, found["qbx_reply_draft"], ts)
    calls = await qbx.slack.wait_for(lambda cs: any(c.method == "chat.postEphemeral" for c in cs))
    [fallback] = [c for c in calls if c.method == "chat.postEphemeral"]
    assert fallback.args["user"] == USER
    assert qbx.scenarios["bounced"]["ids"]["message_id"] in dumps(fallback)
