"""The buttons on a result: Log PDF, Deeper trace, Re-run, Escalation bundle.

A button's value is an opaque key to a ButtonContext in the store. Unknown or expired keys,
refused users and double clicks get a clear ephemeral answer and no work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.render.blocks import (
    ACTION_BUNDLE,
    ACTION_DEEPER,
    ACTION_LOG_PDF,
    ACTION_RERUN,
    Message,
    bundle_message,
    notice_message,
    style_for,
)
from bot.slack.jobs import DEEPER_JOB, LOG_PDF_JOB, payload_for, start_slack_job
from bot.slack.limits import admit, slow_down
from bot.slack.ports import SlackDeps
from bot.slack.poster import Poster
from bot.slack.tracing import ButtonContext, context_from_json, run_trace
from bot.store.base import AuditEntry

Reply = Callable[[Message], Awaitable[None]]

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


async def press_button(deps: SlackDeps, poster: Poster, click: Click, reply: Reply) -> None:
    """Check the click, then do what the button says, once."""
    refusal = deps.access.refusal(click.user, click.channel)
    if refusal is not None:
        await reply(notice_message(refusal))
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
    await _dispatch(deps, poster, click, context)
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


async def _dispatch(deps: SlackDeps, poster: Poster, click: Click, context: ButtonContext) -> None:
    action = click.action_id
    if action.startswith(ACTION_LOG_PDF):
        payload = payload_for(context, click.user, _log_index(action))
        await start_slack_job(deps, poster, LOG_PDF_JOB, payload)
    elif action == ACTION_DEEPER:
        await start_slack_job(deps, poster, DEEPER_JOB, payload_for(context, click.user))
    elif action == ACTION_RERUN:
        await run_trace(deps, poster, context.spec, context.thread, click.user, fresh=True)
    elif action == ACTION_BUNDLE:
        await post_escalation_bundle(deps, poster, context)


def _log_index(action_id: str) -> int:
    _, _, index = action_id.partition(":")
    return int(index or 0)


async def post_escalation_bundle(deps: SlackDeps, poster: Poster, context: ButtonContext) -> None:
    """Post the support-ready summary (request_id, message_id, ...) in the result's thread."""
    report = context.report
    style = style_for(report, mask_recipients=deps.mask_recipients)
    await poster.post(context.thread, bundle_message(report, style))
