"""Private answers: through a response_url (commands, buttons, shortcuts) or chat.postEphemeral."""

from __future__ import annotations

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.render.blocks import Message
from bot.slack.buttons import Reply
from bot.slack.poster import Poster


def via_response_url(respond: AsyncRespond) -> Reply:
    async def reply(message: Message) -> None:
        await respond(
            text=message["text"],
            blocks=message["blocks"],
            response_type="ephemeral",
            replace_original=False,
        )

    return reply


def via_ephemeral(poster: Poster, channel: str, user: str, thread: str | None) -> Reply:
    async def reply(message: Message) -> None:
        await poster.ephemeral(channel, user, message, thread)

    return reply
