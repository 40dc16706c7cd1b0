"""Watches in Slack: *Watch* / `/qbx watch <id>` start one on a result, *Stop watching* ends it,
and the checker re-traces the message and updates that same result in place as it changes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from bot.render.blocks import Message, notice_message
from bot.render.buttons import watchable
from bot.render.followup import with_watch_line
from bot.render.mrkdwn import Masker, escape, safe
from bot.slack.deps import SlackDeps
from bot.slack.followup import FollowUp
from bot.slack.poster import Place, Poster
from bot.slack.results import (
    clock_time,
    fresh_result,
    render,
    spec_from_json,
    spec_to_json,
    stored_result,
)
from bot.slack.tracing import ButtonContext
from bot.store.base import AuditEntry
from bot.watch.engine import Checked
from bot.watch.model import Watch, WatchStatus, delay_after, is_final

NOT_WATCHABLE: Final = (
    "Only a message that is queued or deferred can be watched: this one has reached its final "
    "state ({code})."
)
ENDED: Final = {
    WatchStatus.FINISHED: ":checkered_flag: Watch ended: the message is *{code}*",
    WatchStatus.EXPIRED: ":hourglass: Stopped watching after {hours} h; last state *{code}*",
    WatchStatus.STOPPED: ":octagonal_sign: Stopped watching; last state *{code}*",
}


def watch_id_for(channel: str, parent_ts: str) -> str:
    return f"{channel}-{parent_ts}"


def watching_line(watch: Watch) -> str:
    minutes = max(1, round((watch.next_at - watch.started_at) / 60)) if not watch.checks else None
    nxt = f"next check about {clock_time(watch.next_at)}"
    done = f"checked {watch.checks} time{'s' if watch.checks != 1 else ''}"
    since = f"since {clock_time(watch.started_at)}"
    first = f" (first in {minutes} min)" if minutes else ""
    return f":eyes: Watching {since} · {done} · {nxt}{first} — updated here as it changes"


def ended_line(watch: Watch, ttl_seconds: float) -> str:
    hours = round(ttl_seconds / 3600)
    return ENDED[watch.status].format(code=escape(watch.code or "unknown"), hours=hours)


@dataclass(frozen=True)
class SlackWatchChecker:
    """The engine's Checker: re-trace, then update the watched result in place."""

    deps: SlackDeps
    poster: Poster
    followup: FollowUp

    async def check(self, watch: Watch) -> Checked:
        spec = spec_from_json(watch.spec)
        result = await fresh_result(self.deps, spec, watch.channel, watch.parent_ts)
        code = result.report.verdict.code.value
        if not is_final(code):
            ahead = replace(watch, checks=watch.checks + 1)
            ahead = replace(ahead, next_at=self.followup.clock() + delay_after(ahead.checks))
            message = with_watch_line(result.message, watching_line(ahead), watch.watch_id)
            await self.poster.update(watch.channel, watch.parent_ts, message)
        return Checked(code, result.key)

    async def ended(self, watch: Watch) -> None:
        line = ended_line(watch, self.followup.ttl_seconds)
        stored = await stored_result(self.deps, watch.key) if watch.key else None
        if stored is not None:
            message = with_watch_line(stored[1], line, None)
            await self.poster.update(watch.channel, watch.parent_ts, message)
        await self.poster.post(Place(watch.channel, watch.parent_ts), notice_message(line))


async def start_watch(
    deps: SlackDeps, poster: Poster, context: ButtonContext, key: str, parent_ts: str, user: str
) -> Message:
    """Watch the result at `parent_ts`; the private answer to whoever asked."""
    followup = deps.followup
    assert followup is not None
    report = context.report
    if not watchable(report):
        return notice_message(NOT_WATCHABLE.format(code=escape(report.verdict.code.value)))
    now = followup.clock()
    watch = Watch(
        watch_id=watch_id_for(context.channel, parent_ts), spec=spec_to_json(context.spec),
        subject=context.spec.subject, channel=context.channel, parent_ts=parent_ts, user=user,
        started_at=now, next_at=now + delay_after(0), code=report.verdict.code.value, key=key,
    )  # fmt: skip
    added = await followup.book.add(watch)
    if added.full:
        return notice_message(full_answer(followup.max_watches))
    if not added.new:
        return notice_message(":eyes: That message is already being watched here.")
    message = with_watch_line(
        render(deps, context.report, key), watching_line(watch), watch.watch_id
    )
    await poster.update(context.channel, parent_ts, message)
    await deps.store.audit(AuditEntry(user, "watch:start", watch.subject, context.channel))
    return notice_message(watch_started(followup.ttl_seconds))


def full_answer(max_watches: int) -> str:
    return (
        f":no_entry: qbx is already watching {max_watches} messages, its limit "
        "(QBX_MAX_WATCHES). Stop one with *Stop watching* on its result, or try again later."
    )


def watch_started(ttl_seconds: float) -> str:
    hours = round(ttl_seconds / 3600)
    return (
        ":eyes: Watching. The result updates in place as the message moves (next attempt, "
        f"delivered, bounced, expired); I stop at a final state or after {hours} h."
    )


async def stop_watch(deps: SlackDeps, poster: Poster, watch_id: str, user: str) -> Message:
    followup = deps.followup
    assert followup is not None
    stopped = await followup.book.stop(watch_id)
    if stopped is None:
        return notice_message("That watch has already ended.")
    checker = SlackWatchChecker(deps, poster, followup)
    await checker.ended(replace(stopped, status=WatchStatus.STOPPED))
    await deps.store.audit(AuditEntry(user, "watch:stop", stopped.subject, stopped.channel))
    shown = safe(stopped.subject, Masker(enabled=deps.mask_recipients))
    return notice_message(f":octagonal_sign: Stopped watching {shown}.")
