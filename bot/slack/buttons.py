"""The buttons on a result: Log PDF, Deeper trace, Re-run, Escalation bundle.

A button's value is an opaque key to a ButtonContext in the store. Unknown or expired keys,
refused users and double clicks get a clear ephemeral answer and no work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.logs import get_logger
from bot.render.blocks import (
    ACTION_BUNDLE,
    ACTION_DEEPER,
    ACTION_EVIDENCE,
    ACTION_LOG_PDF,
    ACTION_NARROW,
    ACTION_RERUN,
    Message,
    notice_message,
    style_for,
)
from bot.render.bundle import bundle_message
from bot.render.checklist import evidence_message
from bot.slack.button_jobs import DEEPER_JOB, LOG_PDF_JOB, payload_for, start_slack_job
from bot.slack.deps import SlackDeps
from bot.slack.inplace import rerun_in_place
from bot.slack.limits import admit, slow_down
from bot.slack.narrow import OpenView, open_narrow_modal
from bot.slack.poster import Poster
from bot.slack.tracing import ButtonContext, context_from_json
from bot.store.base import AuditEntry

Reply = Callable[[Message], Awaitable[None]]
log = get_logger("qbx.slack.buttons")

EXPIRED = (
    "This button has expired or is unknown (results keep their buttons for 7 days). "
    "Run `/qbx trace <id>` again for fresh buttons."
)
TRACING_ACTIONS = frozenset({ACTION_RERUN, ACTION_DEEPER})
ELSEWHERE = "This button belongs to a result in another channel; use it there."
ALREADY = "That button was just used; its result is (or soon will be) in the thread."


@dataclass(frozen=True)
class Click:
    action_id: str
    key: str
    user: str
    channel: str
    trigger_id: str = ""


async def press_button(deps: SlackDeps, poster: Poster, click: Click, reply: Reply) -> None:
    """Check the click, then do what the button says, once."""
    refusal = deps.access.refusal(click.user, click.channel)
    if refusal is not None:
        await reply(notice_message(refusal))
        return
    if click.action_id == ACTION_NARROW:  # opens a modal: no work until it is submitted
        await open_narrow_modal(deps, click.key, _view_opener(poster, click), reply)
        return
    if click.action_id == ACTION_EVIDENCE:  # private and read-only: no claim needed
        await show_evidence(deps, click.key, reply)
        return
    raw = await deps.store.get_context(click.key)
    if raw is None:
        await reply(notice_message(EXPIRED))
        return
    context = context_from_json(raw)
    refusal_message = await _refused(deps, click, context)
    if refusal_message is not None:
        await reply(refusal_message)
        return
    await _dispatch(deps, poster, click, context, reply)
    await deps.store.audit(
        AuditEntry(
            actor=click.user,
            action=f"button:{click.action_id}",
            target=context.spec.subject,
            where=click.channel,
        )
    )


async def _refused(deps: SlackDeps, click: Click, context: ButtonContext) -> Message | None:
    """Why this click does nothing: another channel's key, the trace limit, a double click."""
    if context.thread.channel != click.channel:  # a key copied into another channel
        return notice_message(ELSEWHERE)
    if click.action_id in TRACING_ACTIONS:  # Re-run and Deeper trace count as traces
        admitted, decision = await admit(deps, click.user, 1)
        if not admitted:
            return slow_down(deps.traces_per_minute, decision, 1)
    if not await deps.store.claim(f"click:{click.key}:{click.action_id}", deps.click_ttl_seconds):
        return notice_message(ALREADY)
    return None


async def _dispatch(
    deps: SlackDeps, poster: Poster, click: Click, context: ButtonContext, reply: Reply
) -> None:
    action = click.action_id
    if action.startswith(ACTION_LOG_PDF):
        payload = payload_for(context, click.user, _log_index(action))
        await start_slack_job(deps, poster, LOG_PDF_JOB, payload)
    elif action == ACTION_DEEPER:
        await start_slack_job(deps, poster, DEEPER_JOB, payload_for(context, click.user))
    elif action == ACTION_RERUN:
        await rerun_in_place(deps, poster, context, click.user)
    elif action == ACTION_BUNDLE:
        await post_escalation_bundle(deps, poster, context, reply)


async def show_evidence(deps: SlackDeps, key: str, reply: Reply) -> None:
    """Every fact with its source, for the person who clicked only (unmasked: it is private)."""
    raw = await deps.store.get_context(key)
    if raw is None:
        await reply(notice_message(EXPIRED))
        return
    report = context_from_json(raw).report
    await reply(evidence_message(report, style_for(report, mask_recipients=False)))


def _view_opener(poster: Poster, click: Click) -> OpenView:
    async def open_view(view: dict[str, Any]) -> None:
        await poster.client.views_open(trigger_id=click.trigger_id, view=view)

    return open_view


def _log_index(action_id: str) -> int:
    _, _, index = action_id.partition(":")
    return int(index or 0)


async def post_escalation_bundle(
    deps: SlackDeps, poster: Poster, context: ButtonContext, reply: Reply
) -> None:
    """The support-ready bundle: masked in the result's thread, whole for the asker only."""
    report, link = context.report, await _permalink(poster, context)
    masked = style_for(report, mask_recipients=deps.mask_recipients)
    await poster.post(context.thread, bundle_message(report, masked, link))
    if deps.mask_recipients:
        whole = style_for(report, mask_recipients=False)
        await reply(bundle_message(report, whole, link, private=True))


async def _permalink(poster: Poster, context: ButtonContext) -> str | None:
    """A link to the result (chat.getPermalink); None when Slack will not give one."""
    ts = context.parent_ts or context.thread_ts
    try:
        answer = await poster.client.chat_getPermalink(channel=context.channel, message_ts=ts)
    except SlackApiError as error:
        log.info("slack_permalink_refused", error=error.response.get("error"))
        return None
    return str(answer.get("permalink") or "") or None
