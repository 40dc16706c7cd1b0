"""Pure parts of the Slack side: the chat.update throttle, the error words, the Retry-After
reader, and message text extraction (attachments, blocks)."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.errors import ApiAuthError, ApiUnreachable, InputError, StoreUnavailable
from bot.logs import bind_request
from bot.slack.client import retry_after_seconds
from bot.slack.explanations import explain
from bot.slack.pasted import message_text
from bot.slack.progress import UpdateThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_spaces_updates_of_one_message() -> None:
    clock = Clock()
    throttle = UpdateThrottle(clock=clock, per_minute=45, per_message_interval=1.5)
    assert throttle.allow("ts1") is True
    assert throttle.allow("ts1") is False
    clock.now += 1.5
    assert throttle.allow("ts1") is True


def test_throttle_caps_updates_across_messages_at_the_tier_budget() -> None:
    clock = Clock()
    throttle = UpdateThrottle(clock=clock, per_minute=45, per_message_interval=0)
    allowed = sum(throttle.allow(f"ts{i}") for i in range(100))
    assert allowed == 7, "a burst is capped at a sixth of the minute's budget"
    clock.now += 60
    allowed_after_a_minute = sum(throttle.allow(f"later{i}") for i in range(100))
    assert allowed_after_a_minute <= 8


def slack_error(code: str) -> SlackApiError:
    response = AsyncSlackResponse(
        client=None,  # type: ignore[arg-type]
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": code},
        headers={},
        status_code=200,
    )
    return SlackApiError(code, response)


def qerror(cls: type[Exception]) -> Exception:
    return cls("boom", method="GET", path="/api/x")


@pytest.mark.parametrize(
    ("error", "words", "has_reference"),
    [
        (InputError("bad id", usage="/qbx trace <id>", example="/qbx trace x"), "Usage", False),
        (slack_error("not_in_channel"), "/invite @qbx", False),
        (slack_error("channel_not_found"), "/invite @qbx", False),
        (slack_error("ratelimited"), "rate-limiting", False),
        (slack_error("invalid_blocks"), "Reference", True),
        (qerror(ApiAuthError), "API token", False),
        (qerror(ApiUnreachable), "did not answer", False),
        (StoreUnavailable("down"), "Redis", False),
        (ExceptionGroup("many", [slack_error("not_in_channel")]), "/invite @qbx", False),
        (RuntimeError("surprise"), "Reference", True),
    ],
    ids=[
        "input", "not-in-channel", "channel-not-found", "slack-429", "other-slack-error",
        "qboxmail-auth", "qboxmail-down", "store-down", "group", "unexpected",
    ],
)  # fmt: skip
def test_each_error_has_words_for_the_user(
    error: Exception, words: str, has_reference: bool
) -> None:
    facing = explain(error, lambda: "ref12345")
    assert words in str(facing.message)
    assert (facing.reference == "ref12345") is has_reference


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [({"Retry-After": ["7"]}, 7.0), ({"retry-after": ["x"]}, 1.0), ({}, 1.0)],
    ids=["given", "unreadable", "missing"],
)
def test_retry_after_is_read_from_the_429(headers: dict[str, list[str]], seconds: float) -> None:
    response = HttpResponse(status_code=429, headers=headers, data={})
    assert retry_after_seconds(response) == seconds


def test_message_text_reads_attachments_and_blocks() -> None:
    message = {
        "text": "alert",
        "attachments": [{"title": "T1", "fields": [{"title": "id", "value": "V1"}]}],
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "B1"}}],
    }
    text = message_text(message)
    for part in ("alert", "T1", "V1", "B1"):
        assert part in text


def test_throttle_forgets_idle_messages_whose_final_update_never_came() -> None:
    clock = Clock()
    throttle = UpdateThrottle(clock=clock, per_minute=1_000_000, per_message_interval=1.0)
    for i in range(1001):
        throttle.allow(f"ts{i}")
    clock.now += 2
    assert throttle.tracked == 1001
    assert throttle.allow("fresh") is True
    assert throttle.tracked == 1, "idle messages are forgotten: memory stays bounded"


def test_an_unexpected_error_is_quoted_by_its_requests_trace_id() -> None:
    async def inside_a_request() -> str | None:
        bind_request(trace_id="feed5eed", slack_user="U1", slack_channel="C1")
        return explain(RuntimeError("boom"), lambda: "ref12345").reference

    assert asyncio.run(inside_a_request()) == "feed5eed"  # the id every log line of it carries
