"""A click on a result's button, what the button's work receives, and the private words every
button shares (an unknown key, another channel, a double click)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.slack.deps import SlackDeps
from bot.slack.poster import Poster
from bot.slack.replies import Reply
from bot.slack.tracing import ButtonContext

EXPIRED: Final = (
    "This button has expired or is unknown (results keep their buttons for 7 days). "
    "Run `/qbx trace <id>` again for fresh buttons."
)
ELSEWHERE: Final = "This button belongs to a result in another channel; use it there."
ALREADY: Final = "That button was just used; its result is (or soon will be) in the thread."


@dataclass(frozen=True)
class Click:
    action_id: str
    key: str  # the button's value: the result's opaque key (Stop watching: the watch id)
    user: str
    channel: str
    message_ts: str = ""  # the result message the button is on ("" when Slack did not say)
    trigger_id: str = ""  # lets a button open a modal


@dataclass(frozen=True)
class Pressed:
    """A checked click and what its work needs (`context` is None for a button whose value is
    not a result's key)."""

    deps: SlackDeps
    poster: Poster
    click: Click
    reply: Reply
    context: ButtonContext | None = None

    @property
    def result(self) -> ButtonContext:
        assert self.context is not None, "a keyed button's work always has its result"
        return self.context
