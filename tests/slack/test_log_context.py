"""Every log line of a Slack request carries its trace id, the Slack user and the channel: bound
once by the app's middleware, kept by the work the request starts after the ack, and by the
libraries' own lines (Bolt, slack_sdk) as much as by qbx's."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from bot.logs import configure_logging
from tests.slack.conftest import CHANNEL, USER, WATCHED, Harness, buttons
from tests.slack.standin import Call

OTHER = "U0OTHER"


@pytest.fixture
def log_lines() -> io.StringIO:
    buffer = io.StringIO()
    configure_logging(level="DEBUG", fmt="json", stream=buffer)
    return buffer


def events(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def answers(count: int):  # type: ignore[no-untyped-def]
    def check(calls: list[Call]) -> bool:
        return sum(1 for c in calls if c.method == "chat.update" and buttons(c)) >= count

    return check


async def test_every_line_of_a_command_carries_its_trace_id_user_and_channel(
    log_lines: io.StringIO, qbx: Harness
) -> None:
    await qbx.command(f"trace {qbx.trace_id('delivered')}")
    await qbx.slack.wait_for(answers(1))
    lines = events(log_lines)
    first = next(i for i, e in enumerate(lines) if "trace_id" in e)
    of_request = lines[first:]
    assert {e["event"] for e in of_request} >= {"trace_answered", "qboxmail.request"}
    assert any(e.get("logger") == "slack_sdk.web.async_base_client" for e in of_request)
    assert {(e.get("trace_id"), e.get("slack_user"), e.get("slack_channel")) for e in of_request} \
        == {(lines[first]["trace_id"], USER, CHANNEL)}  # fmt: skip


async def test_two_requests_never_share_a_context(log_lines: io.StringIO, qbx: Harness) -> None:
    await qbx.command(f"trace {qbx.trace_id('delivered')}")
    await qbx.slack.wait_for(answers(1))
    await qbx.command(f"trace {qbx.trace_id('bounced')}", user=OTHER, channel=WATCHED)
    await qbx.slack.wait_for(answers(2))
    traced = [e for e in events(log_lines) if e["event"] == "trace_answered"]
    assert [(e["slack_user"], e["slack_channel"]) for e in traced] == [
        (USER, CHANNEL),
        (OTHER, WATCHED),
    ]
    assert traced[0]["trace_id"] != traced[1]["trace_id"]
