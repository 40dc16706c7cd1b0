"""What a surviving process does with work a dead one acknowledged (bot.slack.journal): a
`/qbx` command is run again; any other work is told, where it came from, to try again."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import notice_message
from bot.slack.commands import SlashCommand, run_command
from bot.slack.deps import SlackDeps
from bot.slack.explanations import failure_handler
from bot.slack.journal import AckedWork, Rescue, WorkKind
from bot.slack.origin import origin_of, reply_to
from bot.slack.poster import Place, Poster

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
        poster = Poster(client)
        on_error = failure_handler(deps, poster, _body(work))
        await deps.background.start_acked(_answer(deps, poster, work), on_error, work)

    return rescue


async def _answer(deps: SlackDeps, poster: Poster, work: AckedWork) -> None:
    reply = reply_to(deps, poster, origin_of(_body(work)))
    if work.kind is WorkKind.COMMAND:
        await run_command(deps, poster, SlashCommand(work.text, work.user, work.channel), reply)
    elif work.kind is WorkKind.PASTE:
        await poster.post(Place(work.channel, work.thread_ts), notice_message(RESTARTED[work.kind]))
    else:
        await reply(notice_message(RESTARTED[work.kind]))


def _body(work: AckedWork) -> dict[str, Any]:
    """The request body, as Slack sent it, that says where to answer."""
    if work.response_url:
        return {"response_url": work.response_url, "user_id": work.user, "channel_id": work.channel}
    return {"event": {"channel": work.channel, "user": work.user, "thread_ts": work.thread_ts}}
