"""*Narrow the search*: a modal asks for the recipient and the day, then the trace runs again.

The button appears on an inconclusive result. Its modal carries the result's opaque key (no
address or id in the view); the submission is checked (a real address, a real day within
TraceMail's history) before anything runs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.recognition.ids import recognise
from bot.recognition.targets import TargetKind
from bot.render.blocks import narrow_modal, notice_message
from bot.slack.deps import SlackDeps
from bot.slack.limits import admit, slow_down
from bot.slack.poster import Poster
from bot.slack.replies import Reply
from bot.slack.tracing import context_from_json, run_trace

OpenView = Callable[[dict[str, Any]], Awaitable[None]]


EXPIRED = "This result has expired (results keep their buttons for 7 days). Trace the id again."
NEED_ONE = "Give the recipient, the day it was sent, or both."


@dataclass(frozen=True)
class Narrowing:
    """What the engineer added to the search."""

    recipient: str | None = None
    day: date | None = None


def read_narrowing(values: Mapping[str, Any]) -> Narrowing | dict[str, str]:
    """The modal's state values -> a Narrowing, or per-block errors to show in the modal."""
    recipient = str(_input(values, "recipient", "value") or "").strip()
    picked = str(_input(values, "day", "selected_date") or "")
    if recipient and not _is_address(recipient):
        return {"recipient": "That is not an email address (e.g. anna@example.com)."}
    day = _day(picked)
    if picked and day is None:
        return {"day": "That is not a day."}
    if not recipient and day is None:
        return {"recipient": NEED_ONE}
    return Narrowing(recipient.lower() or None, day)


def _is_address(text: str) -> bool:
    found = recognise(text).targets
    only = found[0] if len(found) == 1 else None
    return only is not None and only.kind == TargetKind.ADDRESS and only.value == text.lower()


def _input(values: Mapping[str, Any], block: str, field: str) -> object:
    return ((values.get(block) or {}).get(block) or {}).get(field)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


async def open_narrow_modal(deps: SlackDeps, key: str, open_view: OpenView, reply: Reply) -> None:
    """Open the modal for the result behind `key` (or say privately that it has expired)."""
    if await deps.store.get_context(key) is None:
        await reply(notice_message(EXPIRED))
        return
    await open_view(narrow_modal(key))


async def run_narrowed(
    deps: SlackDeps, poster: Poster, key: str, narrowing: Narrowing, user: str
) -> None:
    """Trace again with the recipient and day given; the answer goes in the result's thread."""
    raw = await deps.store.get_context(key)
    if raw is None:
        return
    context = context_from_json(raw)  # who may ask there: checked before (bot/slack/refusals.py)
    admitted, decision = await admit(deps, user, 1)  # a narrowed search is a trace too
    if not admitted:
        notice = slow_down(deps.traces_per_minute, decision, 1)
        await poster.ephemeral(context.channel, user, notice, None)
        return
    spec = context.spec.narrowed(narrowing.recipient, narrowing.day)
    await run_trace(deps, poster, spec, context.thread, user)
