"""Every button on a result (its own and the follow-ups): acknowledge, then press it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.buttons import ACTION_IDS
from bot.slack.deps import SlackDeps
from bot.slack.intake import start_click


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(ACTION_IDS)
    async def button(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await start_click(deps, client, body)
