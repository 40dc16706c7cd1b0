"""Nothing before the signature: unsigned, malformed, huge and replayed requests over real HTTP.

An attacker's body names a response_url and a channel on the Slack stand-in, so any outbound
call qbx made for it would be recorded there; the log is captured to show no body reaches it.
"""

from __future__ import annotations

import hmac
import io
import json
import logging
import time
from hashlib import sha256
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.logs import BODY_WITHHELD, configure_logging
from bot.web.guard import SLACK_MAX_BODY_BYTES
from tests.slack import signing
from tests.slack.conftest import CHANNEL, USER, Harness, buttons, in_thread
from tests.slack.standin import TEAM
from tests.slack.test_shared_state import traced, verdicts

MARKER = "victim@example.test"  # in every hostile body; must never reach a log or Slack


@pytest.fixture
def log_lines() -> io.StringIO:
    buffer = io.StringIO()
    configure_logging(level="DEBUG", fmt="json", stream=buffer)
    return buffer


def attacker_command(qbx: Harness) -> str:
    url = f"{qbx.slack.base_url}/respond/attacker"
    text = f"trace {MARKER}"
    return signing.slash_body(text, user=USER, channel=CHANNEL, response_url=url, team=TEAM)


def malformed_bodies(qbx: Harness) -> dict[str, tuple[bytes, str]]:
    url = f"{qbx.slack.base_url}/respond/attacker"
    event = {"type": "event_callback", "event": {"channel": CHANNEL, "user": USER}}
    return {
        "not-utf8": (b"\xff\xfe" + MARKER.encode(), signing.FORM),
        "truncated-json": (f'{{"response_url": "{url}", "x": "{MARKER}'.encode(), signing.JSON),
        "deep-json": (b"[" * 100_000 + b"]" * 100_000, signing.JSON),
        "deep-object": (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, signing.JSON),
        "array": (json.dumps([event, MARKER]).encode(), signing.JSON),
        "null": (b"null", signing.JSON),
        "bad-payload": (urlencode({"payload": "{" + MARKER}).encode(), signing.FORM),
        "payload-array": (urlencode({"payload": json.dumps([MARKER])}).encode(), signing.FORM),
    }


def outbound(qbx: Harness) -> list[str]:
    return [c.method for c in qbx.slack.calls]


@pytest.mark.parametrize(
    "timestamp", ["", "soon", "12e3", "１２３", "-5", "99999999999999999999"], ids=repr
)
async def test_an_unsigned_command_with_a_bad_timestamp_is_401_and_calls_nothing(
    qbx: Harness, log_lines: io.StringIO, timestamp: str
) -> None:
    body = attacker_command(qbx)
    headers = {"Content-Type": signing.FORM, "X-Slack-Request-Timestamp": timestamp.encode(),
               "X-Slack-Signature": "v0=" + "0" * 64}  # fmt: skip
    response = await qbx.http.post("/slack/events", content=body.encode(), headers=headers)
    assert response.status_code == 401
    await qbx.runtime.deps.background.drain(5)
    assert outbound(qbx) == []
    assert MARKER not in log_lines.getvalue()


async def test_an_unsigned_event_naming_a_channel_posts_nothing(
    qbx: Harness, log_lines: io.StringIO
) -> None:
    event = {"type": "app_mention", "channel": CHANNEL, "user": USER, "text": MARKER, "ts": "1.2"}
    body = signing.event_body(event, event_id="EvATTACK", team=TEAM)
    headers = {"Content-Type": signing.JSON, "X-Slack-Request-Timestamp": "now"}
    response = await qbx.http.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 401
    await qbx.runtime.deps.background.drain(5)
    assert outbound(qbx) == []
    assert MARKER not in log_lines.getvalue()


async def test_malformed_unsigned_bodies_are_401_not_500(
    qbx: Harness, log_lines: io.StringIO
) -> None:
    for name, (body, kind) in malformed_bodies(qbx).items():
        headers = {"Content-Type": kind, "X-Slack-Request-Timestamp": "1", "X-Slack-Signature": ""}
        response = await qbx.http.post("/slack/events", content=body, headers=headers)
        assert response.status_code == 401, name
    assert outbound(qbx) == []
    assert MARKER not in log_lines.getvalue()
    assert "Traceback" not in log_lines.getvalue()


def signed_bytes(body: bytes, kind: str) -> dict[str, str]:
    """Headers signing `body` (bytes, UTF-8 or not) as Slack would, now."""
    timestamp = str(int(time.time()))
    digest = hmac.new(signing.SECRET.encode(), f"v0:{timestamp}:".encode() + body, sha256)
    return {"Content-Type": kind, "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": "v0=" + digest.hexdigest()}  # fmt: skip


async def test_malformed_signed_bodies_are_400_not_500(
    qbx: Harness, log_lines: io.StringIO
) -> None:
    for name, (body, kind) in malformed_bodies(qbx).items():
        response = await qbx.http.post(
            "/slack/events", content=body, headers=signed_bytes(body, kind)
        )
        assert response.status_code == 400, name
    await qbx.runtime.deps.background.drain(5)
    assert outbound(qbx) == []
    assert MARKER not in log_lines.getvalue()


async def test_a_huge_unsigned_body_is_413_and_never_logged(
    qbx: Harness, log_lines: io.StringIO
) -> None:
    body = ("text=" + MARKER * (10 * 1024 * 1024 // len(MARKER))).encode()
    headers = {"Content-Type": signing.FORM, "X-Slack-Request-Timestamp": "1"}
    response = await qbx.http.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 413
    assert MARKER not in log_lines.getvalue()
    assert len(log_lines.getvalue()) < 10_000


async def test_a_huge_body_without_a_length_is_cut_off_at_the_limit(qbx: Harness) -> None:
    async def chunks() -> Any:
        for _ in range(SLACK_MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536

    headers = {"Content-Type": signing.FORM, "X-Slack-Request-Timestamp": "1"}
    response = await qbx.http.post("/slack/events", content=chunks(), headers=headers)
    assert response.status_code == 413


async def test_a_replayed_signed_command_runs_once(qbx: Harness) -> None:
    url = f"{qbx.slack.base_url}/respond/replayed"
    body = signing.slash_body("help", user=USER, channel=CHANNEL, response_url=url, team=TEAM)
    headers = signing.signed_headers(body, content_type=signing.FORM)
    first = await qbx.http.post("/slack/events", content=body, headers=headers)
    again = await qbx.http.post("/slack/events", content=body, headers=headers)
    assert (first.status_code, again.status_code) == (200, 200)
    await qbx.slack.wait_for(lambda cs: any(c.method == "response_url" for c in cs))
    await qbx.runtime.deps.background.drain(5)
    assert [c.method for c in qbx.slack.calls if c.method != "auth.test"] == ["response_url"]


def test_bolt_lines_that_carry_a_body_are_withheld(log_lines: io.StringIO) -> None:
    logging.getLogger("slack_bolt.AsyncRequestVerification").info(
        "Invalid request signature detected (signature: v0=1, timestamp: 1, body: %s)", MARKER
    )
    logging.getLogger("qbx.bolt").warning("Unhandled request ({'text': '%s'})", MARKER)
    logging.getLogger("slack_bolt.AsyncApp").warning("a line about something else")
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    assert [line["event"] for line in lines] == [
        BODY_WITHHELD, BODY_WITHHELD, "a line about something else",
    ]  # fmt: skip
    assert [line["level"] for line in lines] == ["info", "warning", "warning"]


async def test_a_button_key_clicked_in_another_channel_posts_nothing(qbx: Harness) -> None:
    ts = await traced(qbx, f"trace {qbx.trace_id('bounced')}")
    found = {b["action_id"]: b for b in buttons(verdicts(qbx.slack.calls, ts)[-1])}
    await qbx.slack.wait_for(lambda cs: len(in_thread(cs, ts)) >= 1)
    await qbx.runtime.deps.background.drain(5)
    before = len(qbx.slack.calls)
    await qbx.click(found["qbx_bundle"], channel="C0ELSEWHERE")
    calls = await qbx.slack.wait_for(lambda cs: any(c.method == "response_url" for c in cs))
    await qbx.runtime.deps.background.drain(5)
    later = [c for c in calls[before:] if c.method != "auth.test"]
    assert [c.method for c in later] == ["response_url"]
    assert "another channel" in later[0].text
    await qbx.click(found["qbx_bundle"])  # in its own channel it still works
    await qbx.slack.wait_for(lambda cs: len(in_thread(cs, ts)) >= 2)
