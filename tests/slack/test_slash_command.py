"""`/qbx` end to end: ack, one parent updated in place, the checklist in its thread, and the
ways it can go wrong (bad input, refused user, bot not in channel, Slack 429, crashes)."""

from __future__ import annotations

from typing import Any

import pytest
from structlog.testing import capture_logs

from bot.simulator import Fault
from tests.slack.conftest import (
    CHANNEL,
    Harness,
    buttons,
    dumps,
    in_thread,
    parents,
    updates_of,
)
from tests.slack.standin import Call


def answered(calls: list[Call]) -> bool:
    return any(c.method == "response_url" for c in calls)


def finished(channel: str = CHANNEL):  # type: ignore[no-untyped-def]
    """The verdict (an update with buttons) and the checklist have both been posted."""

    def check(calls: list[Call]) -> bool:
        final = [c for c in calls if c.method == "chat.update" and buttons(c)]
        return bool(final) and any(
            c.args.get("thread_ts")
            for c in calls
            if c.method == "chat.postMessage" and c.args.get("channel") == channel
        )

    return check


async def test_slash_command_posts_one_parent_updated_in_place_and_a_threaded_checklist(
    qbx: Harness,
) -> None:
    response = await qbx.command(f"trace {qbx.trace_id('bounced')}")
    assert response.status_code == 200
    calls = await qbx.slack.wait_for(finished())
    [parent] = parents(calls)
    parent_ts = "1800000000.000001"
    assert parent.args["channel"] == CHANNEL
    updates = updates_of(calls, parent_ts)
    assert updates, "the parent is updated in place"
    assert all(u.args["channel"] == CHANNEL for u in updates)
    verdict = updates[-1]
    assert ":x: *Bounced*" in dumps(verdict)
    assert {b["action_id"] for b in buttons(verdict)} >= {"qbx_deeper", "qbx_rerun"}
    [checklist] = in_thread(calls, parent_ts)
    assert "*Outcome*" in dumps(checklist)  # the failing step, with its evidence
    assert "checks passed: found, accepted" in dumps(checklist)  # the passes, in one line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("frobnicate 1234", "Usage"),
        ("trace not-an-id!!", "Usage"),
    ],
    ids=["unknown-verb", "malformed-id"],
)
async def test_bad_input_gets_a_private_usage_line_with_an_example(
    qbx: Harness, text: str, expected: str
) -> None:
    response = await qbx.command(text)
    assert response.status_code == 200
    calls = await qbx.slack.wait_for(answered)
    answer = next(c for c in calls if c.method == "response_url")
    assert answer.args["response_type"] == "ephemeral"
    assert expected in answer.text or expected in dumps(answer)
    assert "Example" in dumps(answer)
    assert parents(calls) == []


async def test_bot_not_in_channel_tells_the_user_how_to_invite_it(qbx: Harness) -> None:
    await qbx.command(f"trace {qbx.trace_id('bounced')}", channel="C_NOT_IN")
    calls = await qbx.slack.wait_for(answered)
    answer = next(c for c in calls if c.method == "response_url")
    assert "/invite @qbx" in dumps(answer)


async def test_slack_429_is_retried_after_retry_after(qbx: Harness) -> None:
    await qbx.command(f"trace {qbx.trace_id('delivered')}", channel="C_RATE")
    calls = await qbx.slack.wait_for(finished("C_RATE"))
    limited = [c for c in calls if c.status == 429]
    assert limited, "the stand-in answered 429 first"
    assert len(parents(calls, "C_RATE")) == 1, "the retried post is not duplicated"
    assert any(1.0 <= s < 2.0 for s in qbx.sleeps), "waited Retry-After (1 s) plus jitter"


async def test_unexpected_error_shows_a_reference_that_is_logged(qbx: Harness) -> None:
    with capture_logs() as logs:
        await qbx.command(f"trace {qbx.trace_id('delivered')}", channel="C_BROKEN")
        calls = await qbx.slack.wait_for(answered)
    answer = next(c for c in calls if c.method == "response_url")
    logged = [e for e in logs if e["event"] == "slack_listener_failed"]
    assert logged, "the failure is logged"
    reference = logged[0]["reference"]
    assert f"`{reference}`" in answer.text or reference in dumps(answer)
    assert logged[0].get("exc_info") is not None


async def test_slow_or_failing_qboxmail_still_acks_and_answers(qbx: Harness) -> None:
    qbx.sim.faults.set("*", Fault(error_rate=1.0, error_status=503))
    response = await qbx.command(f"trace {qbx.trace_id('bounced')}")
    assert response.status_code == 200
    calls = await qbx.slack.wait_for(finished(), within=60)
    verdict = [c for c in calls if c.method == "chat.update" and buttons(c)][-1]
    assert "Unknown" in dumps(verdict) or "could not" in dumps(verdict).lower()


async def test_check_command_runs_the_named_checklist(qbx: Harness) -> None:
    await qbx.command("check domain promo.acme-shop.example")
    calls = await qbx.slack.wait_for(finished())
    verdict = [c for c in calls if c.method == "chat.update" and buttons(c)][-1]
    assert "promo.acme-shop.example" in dumps(verdict)


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {}


class TestRefusedUser:
    @pytest.fixture
    def overrides(self) -> dict[str, Any]:
        return {"qbx_allowed_users": ("U0SOMEONEELSE",)}

    async def test_a_user_not_allowed_gets_a_private_explanation(self, qbx: Harness) -> None:
        await qbx.command(f"trace {qbx.trace_id('bounced')}")
        calls = await qbx.slack.wait_for(answered)
        answer = next(c for c in calls if c.method == "response_url")
        assert "allowed users" in dumps(answer)
        assert "QBX_" not in dumps(answer)  # words for a person, not an environment variable
        assert parents(calls) == []
