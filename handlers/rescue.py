"""What a surviving process does with work a dead one acknowledged (bot.slack.journal): a
`/qbx` command is run again; any other work is told, where it came from, to try again."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import notice_message
from bot.slack.buttons import Reply
from bot.slack.commands import SlashCommand, run_command
from bot.slack.deps import SlackDeps
from bot.slack.journal import AckedWork, Rescue, WorkKind
from bot.slack.poster import Place, Poster
from handlers.failures import failure_handler
from handlers.replies import private_reply, via_ephemeral

RESTARTED = {
    WorkKind.CLICK: "qbx restarted while it worked on your click; click the button again.",
    WorkKind.SHORTCUT: "qbx restarted while it traced that message; run the shortcut again.",
    WorkKind.MENTION: "qbx restarted while it traced this thread; mention @qbx again.",
    WorkKind.PASTE: "qbx restarted while it traced the ids in this message; "
    "mention @qbx in this thread to trace them again.",
}


def rescuer(deps: SlackDeps, client: AsyncWebClient) -> Rescue:
    """Starts each rescue in the background (a sweep never waits for one) and journals it."""

    async def rescue(work: AckedWork) -> None:
        on_error = failure_handler(deps, _body(work), client, _respond(work))
        await deps.background.start_acked(_answer(deps, Poster(client), work), on_error, work)

    return rescue


async def _answer(deps: SlackDeps, poster: Poster, work: AckedWork) -> None:
    reply = _reply(deps, poster, work)
    if work.kind is WorkKind.COMMAND:
        await run_command(deps, poster, SlashCommand(work.text, work.user, work.channel), reply)
    elif work.kind is WorkKind.PASTE:
        await poster.post(Place(work.channel, work.thread_ts), notice_message(RESTARTED[work.kind]))
    else:
        await reply(notice_message(RESTARTED[work.kind]))


def _reply(deps: SlackDeps, poster: Poster, work: AckedWork) -> Reply:
    respond = _respond(work)
    if respond is not None:
        return private_reply(respond, poster, work.channel, work.user, deps.sleep)
    return via_ephemeral(poster, work.channel, work.user, work.thread_ts or None)


def _respond(work: AckedWork) -> AsyncRespond | None:
    return AsyncRespond(response_url=work.response_url) if work.response_url else None


def _body(work: AckedWork) -> dict[str, Any]:
    """The request body the error handler reads to find where to answer."""
    if work.response_url:
        return {"response_url": work.response_url, "user_id": work.user, "channel_id": work.channel}
    return {"event": {"channel": work.channel, "user": work.user, "thread_ts": work.thread_ts}}
