"""Events: ids pasted in watched channels (people and other bots, files too), `@qbx` mentions,
the Home tab opened. Bolt acknowledges events when these return; Slack's retries are dropped
by event_id (bot/slack/messages.py)."""

from __future__ import annotations

from collections.abc import Sequence
from re import Pattern
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import intake
from bot.slack.deps import SlackDeps

SUBTYPES: tuple[str | None, ...] = (None, "bot_message", "thread_broadcast", "file_share")
MESSAGES: dict[str, str | Sequence[str | Pattern[str] | None] | None] = {
    "type": "message",
    "subtype": SUBTYPES,
}


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def watched(event: dict[str, Any]) -> bool:
        return event.get("channel") in deps.access.watch_channels

    # Not app.message(): it skips messages without text, such as attachment-only incident posts.
    @app.event(MESSAGES, matchers=[watched])
    async def pasted(
        body: dict[str, Any], client: AsyncWebClient, request: AsyncBoltRequest
    ) -> None:
        await intake.start_message_event(deps, client, body, retry_number(request))

    @app.event("message")
    async def elsewhere() -> None:
        """Other messages (unwatched channels, edits): acknowledged and ignored."""

    @app.event("app_mention")
    async def mentioned(
        body: dict[str, Any], client: AsyncWebClient, request: AsyncBoltRequest
    ) -> None:
        await intake.start_message_event(deps, client, body, retry_number(request))

    @app.event("app_home_opened")
    async def home_opened(body: dict[str, Any], client: AsyncWebClient) -> None:
        intake.start_home(deps, client, body)


def retry_number(request: AsyncBoltRequest) -> str | None:
    values = request.headers.get("x-slack-retry-num") or []
    return values[0] if values else None
