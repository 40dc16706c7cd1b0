"""The one access check, on every surface a person uses: someone not allowed is answered
privately, where the request came from, and nothing else happens; watched channels' pasted ids
and the Home tab are not checked (anyone, people or bots, may post there)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.render.blocks import VIEW_NARROW
from bot.render.home import TRACE_MODAL
from tests.slack import signing
from tests.slack.conftest import CHANNEL, USER, WATCHED, Harness, buttons, dumps
from tests.slack.standin import TEAM, Call
from tests.slack.test_narrow import inconclusive_result, narrowing
from tests.slack.test_pasted_ids import message, results

INTRUDER = "U0INTRUDER"
REFUSED = "allowed users"


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"qbx_allowed_users": (USER,), "qbx_scan_budget": 1}


def ephemerals(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "chat.postEphemeral"]


def traced(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "chat.postMessage"]


async def nothing_else_happens(qbx: Harness, posts_before: int) -> None:
    await qbx.runtime.deps.background.drain(30)
    assert len(traced(qbx.slack.calls)) == posts_before


async def test_a_mention_is_refused_in_its_thread_once_whatever_the_retries(qbx: Harness) -> None:
    mention = {"type": "app_mention", "channel": CHANNEL, "user": INTRUDER, "text": "<@UQBX>",
               "ts": "1700000000.000900", "thread_ts": "1700000000.000100"}  # fmt: skip
    await qbx.event(mention, event_id="EvREFUSED")
    await qbx.event(mention, event_id="EvREFUSED", retry_num=1)
    calls = await qbx.slack.wait_for(lambda cs: bool(ephemerals(cs)))
    await nothing_else_happens(qbx, 0)
    [refusal] = ephemerals(qbx.slack.calls)
    assert REFUSED in dumps(refusal)
    assert refusal.args["user"] == INTRUDER
    assert refusal.args["thread_ts"] == "1700000000.000100"
    assert not [c for c in calls if c.method == "conversations.replies"]


async def test_the_message_shortcut_is_refused_privately(qbx: Harness) -> None:
    target = message(f"is {qbx.trace_id('delivered')} ok?", channel=CHANNEL)
    await qbx.shortcut(target, channel=CHANNEL, user=INTRUDER)
    calls = await qbx.slack.wait_for(lambda cs: any(c.method == "response_url" for c in cs))
    assert REFUSED in dumps(next(c for c in calls if c.method == "response_url"))
    await nothing_else_happens(qbx, 0)


async def test_the_trace_form_is_refused_in_its_channel(qbx: Harness) -> None:
    state = {"values": {"what": {"what": {"type": "plain_text_input",
                                          "value": qbx.trace_id("delivered")}}}}  # fmt: skip
    view = {
        "id": "V1",
        "type": "modal",
        "callback_id": TRACE_MODAL,
        "private_metadata": "C0OTHER",
        "state": state,
    }
    payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": INTRUDER},
               "api_app_id": "AQBX", "trigger_id": "1.2.5", "view": view}  # fmt: skip
    answer = await qbx.post(signing.interactive_body(payload), signing.FORM)
    assert answer.status_code == 200
    assert not answer.content.strip()  # the modal closes
    calls = await qbx.slack.wait_for(lambda cs: bool(ephemerals(cs)))
    [refusal] = ephemerals(calls)
    assert (refusal.args["channel"], refusal.args["user"]) == ("C0OTHER", INTRUDER)
    assert REFUSED in dumps(refusal)
    await nothing_else_happens(qbx, 0)


async def test_a_narrowed_search_is_refused_in_its_results_channel(qbx: Harness) -> None:
    found = await inconclusive_result(qbx)
    posts_before = len(traced(qbx.slack.calls))
    key = found["qbx_narrow"]["value"]
    ids = qbx.scenarios["delivered"]["ids"]
    await qbx.submit_view(VIEW_NARROW, key, narrowing(ids["to"], ids["date"]), user=INTRUDER)
    calls = await qbx.slack.wait_for(lambda cs: bool(ephemerals(cs)))
    [refusal] = ephemerals(calls)
    assert (refusal.args["channel"], refusal.args["user"]) == (CHANNEL, INTRUDER)
    assert REFUSED in dumps(refusal)
    await nothing_else_happens(qbx, posts_before)


async def test_a_follow_up_button_is_refused_privately(qbx: Harness) -> None:
    await qbx.command(f"trace {qbx.trace_id('bounced')}")
    calls = await qbx.slack.wait_for(
        lambda cs: any(c.method == "chat.update" and buttons(c) for c in cs)
    )
    final = [c for c in calls if c.method == "chat.update" and buttons(c)][-1]
    draft = next(b for b in buttons(final) if b["action_id"] == "qbx_reply_draft")
    await qbx.click(draft, user=INTRUDER)
    calls = await qbx.slack.wait_for(lambda cs: any(c.method == "response_url" for c in cs))
    [answer] = [c for c in calls if c.method == "response_url"]
    assert REFUSED in dumps(answer)
    assert "Reply draft" not in dumps(answer)


async def test_ids_pasted_in_a_watched_channel_are_answered_for_anyone(qbx: Harness) -> None:
    pasted = {**message(f"customer says {qbx.trace_id('bounced')} never arrived"),
              "user": INTRUDER}  # fmt: skip
    assert pasted["channel"] == WATCHED
    await qbx.event(pasted)
    await qbx.slack.wait_for(results(1))
    assert ephemerals(qbx.slack.calls) == []
