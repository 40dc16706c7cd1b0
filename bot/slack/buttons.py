"""Every button on a result, one mechanism: the table says what a click is checked for (the
follow-up features configured, the result's key still known, the result's channel, the trace
limit, a double click) and what it does; `press_button` runs those checks, then the work, once.

Who may click at all is checked before (bot/slack/refusals.py). Every refusal is private.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.render.blocks import Message, notice_message
from bot.render.buttons import (
    ACTION_BUNDLE,
    ACTION_DEEPER,
    ACTION_EVIDENCE,
    ACTION_FEEDBACK_DOWN,
    ACTION_FEEDBACK_UP,
    ACTION_LOG_PDF,
    ACTION_NARROW,
    ACTION_REACTIVATE,
    ACTION_REPLY_DRAFT,
    ACTION_RERUN,
    ACTION_UNWATCH,
    ACTION_WATCH,
)
from bot.slack import followup_buttons as f
from bot.slack import result_buttons as r
from bot.slack.clicks import ALREADY, ELSEWHERE, EXPIRED, Click, Pressed
from bot.slack.deps import SlackDeps
from bot.slack.limits import admit, slow_down
from bot.slack.poster import Poster
from bot.slack.replies import Reply
from bot.slack.tracing import ButtonContext, context_from_json
from bot.store.base import AuditEntry


@dataclass(frozen=True)
class Button:
    """What one kind of button does, and what a click on it is checked for first."""

    press: Callable[[Pressed], Awaitable[None]]
    keyed: bool = True  # its value is a result's key: an unknown or expired one does nothing
    same_channel: bool = False  # refused outside its result's channel (a copied key)
    counts_as_trace: bool = False  # counted against the per-user trace limit
    once: bool = False  # a double click does its work once
    audited: bool = False
    followup: bool = False  # needs the follow-up features configured


def _result_work(press: Callable[[Pressed], Awaitable[None]], *, trace: bool = False) -> Button:
    """A button that works on its result: in its channel, once, recorded in the audit log."""
    return Button(press, same_channel=True, counts_as_trace=trace, once=True, audited=True)


BUTTONS: dict[str, Button] = {
    ACTION_NARROW: Button(r.narrow, keyed=False),  # the modal says itself when a key expired
    ACTION_EVIDENCE: Button(r.show_evidence),  # private and read-only: no claim needed
    ACTION_LOG_PDF: _result_work(r.log_pdf),
    ACTION_DEEPER: _result_work(r.deeper, trace=True),
    ACTION_RERUN: _result_work(r.rerun, trace=True),
    ACTION_BUNDLE: _result_work(r.escalate),
    ACTION_UNWATCH: Button(f.unwatch, keyed=False, followup=True),
    ACTION_WATCH: Button(f.watch, same_channel=True, followup=True),
    ACTION_REPLY_DRAFT: Button(f.draft, same_channel=True, followup=True),
    ACTION_REACTIVATE: Button(f.reactivate, same_channel=True, followup=True),
    ACTION_FEEDBACK_UP: Button(f.feedback, same_channel=True, followup=True),
    ACTION_FEEDBACK_DOWN: Button(f.feedback, same_channel=True, followup=True),
}
ACTION_IDS = re.compile(
    "^(" + "|".join(re.escape(a) for a in BUTTONS) + f"|{re.escape(ACTION_LOG_PDF)}:\\d+)$"
)


def button_for(action_id: str) -> Button:
    """The row of an action id (`qbx_log_pdf:<n>` is the Log PDF row)."""
    return BUTTONS[action_id.partition(":")[0]]


async def press_button(deps: SlackDeps, poster: Poster, click: Click, reply: Reply) -> None:
    """Check the click as its button's row says, then do what the button says, once."""
    button = button_for(click.action_id)
    if button.followup and deps.followup is None:
        await reply(notice_message(f.OFF))
        return
    if not button.keyed:
        await button.press(Pressed(deps, poster, click, reply))
        return
    raw = await deps.store.get_context(click.key)
    if raw is None:
        await reply(notice_message(EXPIRED))
        return
    context = context_from_json(raw)
    refusal = await _refused(deps, button, click, context)
    if refusal is not None:
        await reply(refusal)
        return
    await button.press(Pressed(deps, poster, click, reply, context))
    if button.audited:
        entry = AuditEntry(click.user, f"button:{click.action_id}", context.spec.subject,
                           where=click.channel)  # fmt: skip
        await deps.store.audit(entry)


async def _refused(
    deps: SlackDeps, button: Button, click: Click, context: ButtonContext
) -> Message | None:
    """Why this click does nothing: another channel's key, the trace limit, a double click."""
    if button.same_channel and context.thread.channel != click.channel:
        return notice_message(ELSEWHERE)
    if button.counts_as_trace:
        admitted, decision = await admit(deps, click.user, 1)
        if not admitted:
            return slow_down(deps.traces_per_minute, decision, 1)
    claim = f"click:{click.key}:{click.action_id}"
    if button.once and not await deps.store.claim(claim, deps.click_ttl_seconds):
        return notice_message(ALREADY)
    return None
