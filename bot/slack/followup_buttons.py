"""The follow-up buttons: Watch, Stop watching, Reply draft (private), Reactivate address, 👍/👎.

Every answer to the clicker is private. Reactivate is refused, privately and without any call
to Qboxmail, to anyone not in QBX_REMEDIATION_USERS; a double click reactivates once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.errors import InputError
from bot.remediation import reactivation as r
from bot.render.blocks import Message, notice_message
from bot.render.followup import (
    ACTION_FEEDBACK_DOWN,
    ACTION_FEEDBACK_UP,
    ACTION_REACTIVATE,
    ACTION_REPLY_DRAFT,
    ACTION_UNWATCH,
    ACTION_WATCH,
    with_watch_line,
)
from bot.render.mrkdwn import Masker, escape, safe
from bot.render.reply_draft import reply_draft
from bot.slack.buttons import ALREADY, ELSEWHERE, EXPIRED, Reply
from bot.slack.deps import SlackDeps
from bot.slack.feedback import Vote, judge
from bot.slack.poster import Poster
from bot.slack.results import clock_time, fresh_result
from bot.slack.tracing import ButtonContext, context_from_json
from bot.slack.watching import start_watch, stop_watch

OFF: Final = "This qbx has no follow-up features configured."


@dataclass(frozen=True)
class FollowClick:
    action_id: str
    value: str  # the result's opaque key (Stop watching: the watch id)
    user: str
    channel: str
    message_ts: str  # the result message the button is on ("" when Slack did not say)
    trigger_id: str = ""  # lets a 👎 open its modal


async def press_followup(deps: SlackDeps, poster: Poster, click: FollowClick, reply: Reply) -> None:
    """Check the click, then do what the button says, once."""
    refusal = deps.access.refusal(click.user, click.channel)
    if refusal is not None or deps.followup is None:
        await reply(notice_message(refusal or OFF))
        return
    if click.action_id == ACTION_UNWATCH:
        await reply(await stop_watch(deps, poster, click.value, click.user))
        return
    raw = await deps.store.get_context(click.value)
    if raw is None:
        await reply(notice_message(EXPIRED))
        return
    context = context_from_json(raw)
    if context.thread.channel != click.channel:  # a key copied into another channel
        await reply(notice_message(ELSEWHERE))
        return
    await reply(await _dispatch(deps, poster, click, context))


async def _dispatch(
    deps: SlackDeps, poster: Poster, click: FollowClick, context: ButtonContext
) -> Message:
    parent_ts = click.message_ts or context.thread_ts
    if click.action_id == ACTION_REPLY_DRAFT:
        return draft_message(context)
    if click.action_id == ACTION_WATCH:
        return await start_watch(deps, poster, context, click.value, parent_ts, click.user)
    if click.action_id in (ACTION_FEEDBACK_UP, ACTION_FEEDBACK_DOWN):
        vote = Vote(click.action_id, click.value, click.user, click.channel, click.trigger_id)
        return await judge(deps, poster, vote, context)
    if click.action_id == ACTION_REACTIVATE:
        return await reactivate_from_slack(deps, poster, click, context, parent_ts)
    return notice_message(EXPIRED)


def draft_message(context: ButtonContext) -> Message:
    """The customer reply draft, privately and unmasked (only the clicker sees it)."""
    draft = reply_draft(context.report)
    head = ":memo: *Reply draft for the customer* (only you can see this; edit before sending)"
    return notice_message(f"{head}\n```{escape(draft)}```")


def _address(context: ButtonContext) -> str:
    bundle = context.report.bundle
    return (bundle.recipient if bundle and bundle.recipient else context.report.target.value) or ""


async def reactivate_from_slack(
    deps: SlackDeps, poster: Poster, click: FollowClick, context: ButtonContext, parent_ts: str
) -> Message:
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
