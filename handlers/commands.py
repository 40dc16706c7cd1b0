"""`/qbx`: acknowledge at once (before any I/O), then run the command in the background."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.commands import SlashCommand, run_command
from bot.slack.deps import SlackDeps
from bot.slack.journal import AckedWork, WorkKind
from bot.slack.poster import Poster
from handlers.failures import failure_handler
from handlers.replies import private_reply


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.command("/qbx")
    async def qbx(
        ack: AsyncAck,
        command: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        slash = SlashCommand(
            text=str(command.get("text") or ""),
            user=str(command["user_id"]),
            channel=str(command["channel_id"]),
            trigger_id=str(command.get("trigger_id") or ""),
        )
        poster = Poster(client)
        reply = private_reply(respond, poster, slash.channel, slash.user, deps.sleep)
        work = run_command(deps, poster, slash, reply)
        acked = AckedWork(WorkKind.COMMAND, slash.user, slash.channel, slash.text,
                          str(body.get("response_url") or ""))  # fmt: skip
        on_error = failure_handler(deps, body, client, respond)
        await deps.background.start_acked(work, on_error, acked)
