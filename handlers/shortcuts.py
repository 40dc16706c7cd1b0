"""The message shortcut "Trace ids in this message" (callback_id `trace_message`)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import notice_message
from bot.slack.buttons import Reply
from bot.slack.deps import SlackDeps
from bot.slack.journal import AckedWork, WorkKind
from bot.slack.pasted import message_text, thread_of, trace_ids_in
from bot.slack.poster import Place, Poster
from handlers.failures import failure_handler
from handlers.replies import private_reply

CALLBACK_ID = "trace_message"
NOTHING = "I found no new ids in that message (ids already answered in its thread are skipped)."


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.message_shortcut(CALLBACK_ID)
    async def trace_message(
        ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        poster = Poster(client)
        user, channel = str(shortcut["user"]["id"]), str(shortcut["channel"]["id"])
        reply = private_reply(respond, poster, channel, user, deps.sleep)
        work = trace_shortcut(deps, poster, shortcut, reply)
        url = str(shortcut.get("response_url") or "")
        acked = AckedWork(WorkKind.SHORTCUT, user, channel, response_url=url)
        await deps.background.start_acked(
            work, failure_handler(deps, shortcut, client, respond), acked
        )


async def trace_shortcut(
    deps: SlackDeps, poster: Poster, shortcut: dict[str, Any], reply: Reply
) -> None:
    user, channel = str(shortcut["user"]["id"]), str(shortcut["channel"]["id"])
    refusal = deps.access.refusal(user, channel)
    if refusal is not None:
        await reply(notice_message(refusal))
        return
    message = shortcut["message"]
    thread = Place(channel, thread_of(message))
    source = str(message["ts"])
    if not await trace_ids_in(deps, poster, message_text(message), thread, user, source):
        await reply(notice_message(NOTHING))
