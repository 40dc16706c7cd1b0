"""The message shortcut "Trace ids in this message" (callback_id `trace_message`)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.deps import SlackDeps
from bot.slack.intake import start_shortcut

CALLBACK_ID = "trace_message"


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.message_shortcut(CALLBACK_ID)
    async def trace_message(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await start_shortcut(deps, client, body)
