"""The one mapping from an exception to what a Slack user reads (walks the class hierarchy), and
the one report of a failed request: every listener's exception (raised in Bolt, or in work started
after the ack) becomes words for the user; unexpected ones get a reference id, logged with the
traceback."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.errors import (
    ApiAuthError,
    ApiRateLimited,
    ApiUnreachable,
    InputError,
    QboxmailError,
    StoreUnavailable,
)
from bot.logs import bound_trace_id, get_logger
from bot.render.blocks import Message, notice_message, usage_message
from bot.render.mrkdwn import escape
from bot.slack.background import OnError
from bot.slack.deps import SlackDeps
from bot.slack.origin import origin_of, reply_to
from bot.slack.poster import Poster
from bot.slack.replies import Reply, ResponseUrlFailed, via_ephemeral

NOT_IN_CHANNEL = (
    ":wave: I am not a member of this channel, so I cannot post results here. "
    "Invite me with `/invite @qbx` and try again."
)
CHANNEL_ERRORS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
log = get_logger("qbx.slack")


class TraceTimedOut(Exception):
    """A trace ran past its total deadline (QBX_TRACE_DEADLINE_SECONDS) and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the trace did not finish within {seconds:g} s")
        self.seconds = seconds


@dataclass(frozen=True)
class UserFacing:
    message: Message
    reference: str | None = None  # set when the error was unexpected: log it with the traceback


def explain(error: BaseException, new_reference: Callable[[], str]) -> UserFacing:
    """What to tell the user about `error`. An unexpected one gets a reference to quote: the
    request's trace id, carried by every log line of the request (outside one, a new id)."""
    error = _first_leaf(error)
    for kind in type(error).__mro__:
        words = _WORDS.get(kind)
        if words is not None:
            message = words(error)
            if message is not None:
                return UserFacing(message)
    reference = bound_trace_id() or new_reference()
    text = f":boom: Something went wrong on qbx's side. Reference `{reference}` (in qbx's logs)."
    return UserFacing(notice_message(text), reference)


def slack_error_code(error: BaseException) -> str | None:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or "") or None
    return None


def _first_leaf(error: BaseException) -> BaseException:
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def _input(error: BaseException) -> Message:
    assert isinstance(error, InputError)
    return usage_message(str(error), error.usage, error.example)


def _slack(error: BaseException) -> Message | None:
    code = slack_error_code(error)
    if code in CHANNEL_ERRORS:
        return notice_message(NOT_IN_CHANNEL)
    if code == "ratelimited":
        return notice_message(
            ":snail: Slack is rate-limiting qbx right now; try again in a minute."
        )
    return None


def _qboxmail(error: BaseException) -> Message:
    return notice_message(f":warning: Qboxmail API error: {escape(str(error))}")


def _unreachable(error: BaseException) -> Message:
    return notice_message(
        ":electric_plug: Qboxmail's API did not answer in time. Try again in a few minutes; "
        f"if it persists check https://status.qboxmail.com. ({escape(str(error))})"
    )


def _auth(error: BaseException) -> Message:
    return notice_message(
        ":lock: Qboxmail refused qbx's API token (QBOXMAIL_API_TOKEN). An admin must fix it."
    )


def _limited(error: BaseException) -> Message:
    return notice_message(":snail: Qboxmail is rate-limiting qbx; try again in a minute.")


def _store(error: BaseException) -> Message:
    return notice_message(":floppy_disk: qbx's shared state (Redis) is unavailable; try shortly.")


def _timed_out(error: BaseException) -> Message:
    assert isinstance(error, TraceTimedOut)
    return notice_message(
        f":hourglass: The trace did not finish within {error.seconds:g} s: Qboxmail's API is "
        "slow or not answering. Try again in a few minutes."
    )


_WORDS: dict[type[BaseException], Callable[[BaseException], Message | None]] = {
    InputError: _input,
    SlackApiError: _slack,
    ApiAuthError: _auth,
    ApiRateLimited: _limited,
    ApiUnreachable: _unreachable,
    QboxmailError: _qboxmail,
    StoreUnavailable: _store,
    TraceTimedOut: _timed_out,
}


def failure_handler(deps: SlackDeps, poster: Poster, body: Mapping[str, Any]) -> OnError:
    """The error handler, bound to one request, for work that runs after the ack."""

    async def on_error(error: Exception) -> None:
        await report_failure(deps, poster, error, body)

    return on_error


async def report_failure(
    deps: SlackDeps, poster: Poster, error: Exception, body: Mapping[str, Any]
) -> None:
    """Log the failure; tell the person who asked, privately, where the request says how."""
    facing = explain(error, deps.new_reference)
    if facing.reference is not None:
        log.error("slack_listener_failed", reference=facing.reference, exc_info=error)
    else:
        log.warning("slack_request_refused", error=type(error).__name__, detail=str(error))
    reply = _reply_for(deps, poster, error, body)
    if reply is None:
        return
    try:
        await reply(facing.message)
    except (ResponseUrlFailed, SlackApiError, aiohttp.ClientError, TimeoutError) as failed:
        log.error("slack_failure_unreported", error=type(failed).__name__)


def _reply_for(
    deps: SlackDeps, poster: Poster, error: Exception, body: Mapping[str, Any]
) -> Reply | None:
    """A response_url's private answer; for an event, an ephemeral one in its thread (unless
    the failure is that qbx cannot post in that channel); else nowhere (views, the Home tab)."""
    origin = origin_of(body)
    if origin.response_url:
        return reply_to(deps, poster, origin)
    can_post = slack_error_code(error) not in CHANNEL_ERRORS
    if "event" in body and origin.channel and origin.user and can_post:
        return via_ephemeral(poster, origin.channel, origin.user, origin.thread_ts)
    return None
