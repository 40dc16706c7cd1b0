"""The buttons on a result: Log PDF, Deeper trace, Re-run, Escalation bundle.

A button's value is an opaque key to a ButtonContext in the store. Unknown or expired keys,
refused users and double clicks get a clear ephemeral answer and no work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.diagnostics.report import LogRef
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
from bot.render.mrkdwn import escape
from bot.slack.ports import SlackDeps
from bot.slack.poster import Poster
from bot.slack.tracing import ButtonContext, context_from_json, run_trace
from bot.store.base import AuditEntry

Reply = Callable[[Message], Awaitable[None]]

EXPIRED = (
    "This button has expired or is unknown (results keep their buttons for 7 days). "
    "Run `/qbx trace <id>` again for fresh buttons."
)
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
    if not await deps.store.claim(f"click:{click.key}:{click.action_id}", deps.click_ttl_seconds):
        await reply(notice_message(ALREADY))
        return
    context = context_from_json(raw)
    await _dispatch(deps, poster, click, context)
    await deps.store.audit(
        AuditEntry(
            actor=click.user,
            action=f"button:{click.action_id}",
            target=context.spec.subject,
            where=click.channel,
        )
    )


async def _dispatch(deps: SlackDeps, poster: Poster, click: Click, context: ButtonContext) -> None:
    action = click.action_id
    if action.startswith(ACTION_LOG_PDF):
        await fetch_log_pdf(deps, poster, context, _log_index(action))
    elif action == ACTION_DEEPER:
        await run_trace(deps, poster, context.spec.deeper(), context.thread, click.user)
    elif action == ACTION_RERUN:
        await run_trace(deps, poster, context.spec, context.thread, click.user, fresh=True)
    elif action == ACTION_BUNDLE:
        await post_escalation_bundle(deps, poster, context)


def _log_index(action_id: str) -> int:
    _, _, index = action_id.partition(":")
    return int(index or 0)


async def fetch_log_pdf(
    deps: SlackDeps, poster: Poster, context: ButtonContext, index: int
) -> None:
    """Download an Email log analysis entry's PDF and upload it into the result's thread."""
    logs = context.report.logs
    if not 0 <= index < len(logs):
        await poster.post(context.thread, notice_message("That log entry is no longer listed."))
        return
    log = logs[index]
    content = await deps.pdfs.log_pdf(log.domain_code, log.log_type, log.log_id)
    await poster.upload_pdf(context.thread, pdf_filename(log), content, escape(log.title))


def pdf_filename(log: LogRef) -> str:
    safe_id = "".join(ch for ch in log.log_id if ch.isalnum())
    safe_type = "".join(ch for ch in log.log_type if ch.isalnum())
    return f"qboxmail-{safe_type}-log-{safe_id}.pdf"


async def post_escalation_bundle(deps: SlackDeps, poster: Poster, context: ButtonContext) -> None:
    """Post the support-ready summary (request_id, message_id, ...) in the result's thread."""
    report = context.report
    style = style_for(report, mask_recipients=deps.mask_recipients)
    await poster.post(context.thread, bundle_message(report, style))
