"""The one error handler: an exception raised in a listener is reported as any failure of work
started after the ack is (bot/slack/explanations.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.deps import SlackDeps
from bot.slack.explanations import report_failure
from bot.slack.poster import Poster


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.error
    async def on_error(error: Exception, body: dict[str, Any], client: AsyncWebClient) -> None:
        await report_failure(deps, Poster(client), error, body)
