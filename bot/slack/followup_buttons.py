"""What the follow-up buttons do: Watch, Stop watching, Reply draft (private), Reactivate
address, 👍/👎. Every answer to the clicker is private. Reactivate is refused, privately and
without any call to Qboxmail, to anyone not in QBX_REMEDIATION_USERS; a double click
reactivates once."""

from __future__ import annotations

from typing import Final

from bot.errors import InputError
from bot.remediation import reactivation as r
from bot.render.blocks import Message, notice_message
from bot.render.followup import with_watch_line
from bot.render.mrkdwn import Masker, escape, safe
from bot.render.reply_draft import reply_draft
from bot.slack.clicks import ALREADY, Pressed
from bot.slack.feedback import Vote, judge
from bot.slack.results import clock_time, fresh_result
from bot.slack.tracing import ButtonContext
from bot.slack.watching import start_watch, stop_watch

OFF: Final = "This qbx has no follow-up features configured."


async def unwatch(pressed: Pressed) -> None:
    """Stop watching (the button's value is the watch id, not a result's key)."""
    deps, poster, click = pressed.deps, pressed.poster, pressed.click
    await pressed.reply(await stop_watch(deps, poster, click.key, click.user))


async def watch(pressed: Pressed) -> None:
    deps, poster, click, context = pressed.deps, pressed.poster, pressed.click, pressed.result
    parent_ts = click.message_ts or context.thread_ts
    await pressed.reply(await start_watch(deps, poster, context, click.key, parent_ts, click.user))


async def draft(pressed: Pressed) -> None:
    await pressed.reply(draft_message(pressed.result))


async def feedback(pressed: Pressed) -> None:
    """👍 or 👎 (the action id says which)."""
    click = pressed.click
    vote = Vote(click.action_id, click.key, click.user, click.channel, click.trigger_id)
    await pressed.reply(await judge(pressed.deps, pressed.poster, vote, pressed.result))


async def reactivate(pressed: Pressed) -> None:
    parent_ts = pressed.click.message_ts or pressed.result.thread_ts
    await pressed.reply(await reactivate_from_slack(pressed, parent_ts))


def draft_message(context: ButtonContext) -> Message:
    """The customer reply draft, privately and unmasked (only the clicker sees it)."""
    draft = reply_draft(context.report)
    head = ":memo: *Reply draft for the customer* (only you can see this; edit before sending)"
    return notice_message(f"{head}\n```{escape(draft)}```")


def _address(context: ButtonContext) -> str:
    bundle = context.report.bundle
    return (bundle.recipient if bundle and bundle.recipient else context.report.target.value) or ""


async def reactivate_from_slack(pressed: Pressed, parent_ts: str) -> Message:
    deps, poster, click, context = pressed.deps, pressed.poster, pressed.click, pressed.result
    followup = deps.followup
    assert followup is not None
    refusal = followup.remediation.refusal(click.user)
    if refusal is not None:
        return notice_message(f":lock: {refusal}")
    bundle = context.report.bundle
    account = bundle.account_id if bundle else None
    request = r.Request(_address(context), click.user, click.channel, account)
    try:
        result = await r.reactivate(followup.suppressions, deps.store, request)
    except InputError as error:
        return notice_message(f"Nothing to reactivate: {escape(str(error))}")
    shown = safe(result.plan.address, Masker(enabled=deps.mask_recipients))
    if result.outcome is r.Outcome.IN_PROGRESS:
        return notice_message(ALREADY)
    if result.outcome is not r.Outcome.REACTIVATED:
        return notice_message(f"{shown} is not suppressed (any more): nothing was changed.")
    fresh = await fresh_result(deps, context.spec, context.channel, context.thread_ts)
    note = (
        f":unlock: <@{escape(click.user)}> reactivated {shown} at "
        f"{clock_time(followup.clock())} (recorded in the audit log)"
    )
    await poster.update(context.channel, parent_ts, with_watch_line(fresh.message, note, None))
    return notice_message(f":unlock: Reactivated {shown}. The result above shows the new state.")
