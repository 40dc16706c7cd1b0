"""What a result's own buttons do: Narrow the search (a modal), Evidence (private), Log PDF and
Deeper trace (as jobs), Re-run (in place) and Escalate (the support bundle)."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError

from bot.logs import get_logger
from bot.render.blocks import style_for
from bot.render.bundle import bundle_message
from bot.render.checklist import evidence_message
from bot.slack.button_jobs import DEEPER_JOB, LOG_PDF_JOB, payload_for, start_slack_job
from bot.slack.clicks import Pressed
from bot.slack.inplace import rerun_in_place
from bot.slack.narrow import OpenView, open_narrow_modal
from bot.slack.poster import Poster
from bot.slack.tracing import ButtonContext

log = get_logger("qbx.slack.buttons")


async def narrow(pressed: Pressed) -> None:
    """Opens the modal (no work until it is submitted)."""
    deps, click = pressed.deps, pressed.click
    await open_narrow_modal(deps, click.key, _view_opener(pressed), pressed.reply)


async def show_evidence(pressed: Pressed) -> None:
    """Every fact with its source, for the person who clicked only (unmasked: it is private)."""
    report = pressed.result.report
    await pressed.reply(evidence_message(report, style_for(report, mask_recipients=False)))


async def log_pdf(pressed: Pressed) -> None:
    payload = payload_for(pressed.result, pressed.click.user, _log_index(pressed.click.action_id))
    await start_slack_job(pressed.deps, pressed.poster, LOG_PDF_JOB, payload)


async def deeper(pressed: Pressed) -> None:
    payload = payload_for(pressed.result, pressed.click.user)
    await start_slack_job(pressed.deps, pressed.poster, DEEPER_JOB, payload)


async def rerun(pressed: Pressed) -> None:
    await rerun_in_place(pressed.deps, pressed.poster, pressed.result, pressed.click.user)


async def escalate(pressed: Pressed) -> None:
    """The support-ready bundle: masked in the result's thread, whole for the asker only."""
    deps, poster, context = pressed.deps, pressed.poster, pressed.result
    report, link = context.report, await _permalink(poster, context)
    masked = style_for(report, mask_recipients=deps.mask_recipients)
    await poster.post(context.thread, bundle_message(report, masked, link))
    if deps.mask_recipients:
        whole = style_for(report, mask_recipients=False)
        await pressed.reply(bundle_message(report, whole, link, private=True))


def _view_opener(pressed: Pressed) -> OpenView:
    async def open_view(view: dict[str, Any]) -> None:
        await pressed.poster.client.views_open(trigger_id=pressed.click.trigger_id, view=view)

    return open_view


def _log_index(action_id: str) -> int:
    _, _, index = action_id.partition(":")
    return int(index or 0)


async def _permalink(poster: Poster, context: ButtonContext) -> str | None:
    """A link to the result (chat.getPermalink); None when Slack will not give one."""
    ts = context.parent_ts or context.thread_ts
    try:
        answer = await poster.client.chat_getPermalink(channel=context.channel, message_ts=ts)
    except SlackApiError as error:
        log.info("slack_permalink_refused", error=error.response.get("error"))
        return None
    return str(answer.get("permalink") or "") or None
