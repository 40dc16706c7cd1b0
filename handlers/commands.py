"""`/qbx`: acknowledge at once (before any I/O), then run the command in the background."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.deps import SlackDeps
from bot.slack.intake import start_command


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.command("/qbx")
    async def qbx(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await start_command(deps, client, body)
