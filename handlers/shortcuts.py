"""The message shortcut "Trace ids in this message" (callback_id `trace_message`)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import notice_message
from bot.slack.pasted import message_text, thread_of, trace_ids_in
from bot.slack.ports import SlackDeps
from bot.slack.poster import Place, Poster
from handlers.replies import via_response_url

CALLBACK_ID = "trace_message"
NOTHING = "I found no ids in that message (or they were already traced in its thread)."


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.message_shortcut(CALLBACK_ID)
    async def trace_message(
        ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        reply = via_response_url(respond)
        user, channel = str(shortcut["user"]["id"]), str(shortcut["channel"]["id"])
        refusal = deps.access.refusal(user, channel)
        if refusal is not None:
            await reply(notice_message(refusal))
            return
        message = shortcut["message"]
        thread = Place(channel, thread_of(message))
        if not await trace_ids_in(deps, Poster(client), message_text(message), thread, user):
            await reply(notice_message(NOTHING))
