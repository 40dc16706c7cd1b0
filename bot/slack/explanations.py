"""The one mapping from an exception to what a Slack user reads (walks the class hierarchy).

Unexpected errors get a short reference id that the caller logs with the traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from bot.errors import (
    ApiAuthError,
    ApiRateLimited,
    ApiUnreachable,
    InputError,
    QboxmailError,
    StoreUnavailable,
)
from bot.render.blocks import Message, notice_message, usage_message
from bot.render.mrkdwn import escape

NOT_IN_CHANNEL = (
    ":wave: I am not a member of this channel, so I cannot post results here. "
    "Invite me with `/invite @qbx` and try again."
)
CHANNEL_ERRORS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


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
    """What to tell the user about `error`."""
    error = _first_leaf(error)
    for kind in type(error).__mro__:
        words = _WORDS.get(kind)
        if words is not None:
            message = words(error)
            if message is not None:
                return UserFacing(message)
    reference = new_reference()
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
