"""Where results go and the few Web API calls qbx makes, named for what they do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import get_logger
from bot.render.blocks import Message

log = get_logger("qbx.slack.poster")


def _code(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or type(error).__name__)
    return type(error).__name__


@dataclass(frozen=True)
class Place:
    """A channel, or a thread in it (`thread_ts`): where a result is posted."""

    channel: str
    thread_ts: str | None = None

    def thread_of(self, parent_ts: str) -> Place:
        """The thread the checklist goes in: this thread, or the new parent's."""
        return Place(self.channel, self.thread_ts or parent_ts)


class Poster:
    """The Slack Web API calls qbx makes; errors surface as slack_sdk's SlackApiError."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def post(self, place: Place, message: Message) -> str:
        response = await self.client.chat_postMessage(
            channel=place.channel,
            thread_ts=place.thread_ts,
            text=message["text"],
            blocks=message["blocks"],
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])

    async def update(self, channel: str, ts: str, message: Message) -> None:
        await self.client.chat_update(
            channel=channel, ts=ts, text=message["text"], blocks=message["blocks"]
        )

    async def try_update(self, channel: str, ts: str, message: Message) -> bool:
        """An update that may fail without failing its caller (progress, a failure notice):
        False, logged, when Slack did not take it even after the client's retries."""
        try:
            await self.update(channel, ts, message)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            log.warning("slack_update_skipped", channel=channel, ts=ts, error=_code(error))
            return False
        return True

    async def ephemeral(
        self, channel: str, user: str, message: Message, thread: str | None
    ) -> None:
        await self.client.chat_postEphemeral(
            channel=channel,
            user=user,
            thread_ts=thread,
            text=message["text"],
            blocks=message["blocks"],
        )

    async def upload_pdf(self, place: Place, filename: str, content: bytes, title: str) -> None:
        await self.client.files_upload_v2(
            channel=place.channel,
            thread_ts=place.thread_ts,
            filename=filename,
            content=content,
            title=title,
        )

    async def thread_root(self, channel: str, thread_ts: str) -> dict[str, Any] | None:
        """The first message of a thread (conversations.replies, then .history as fallback)."""
        replies = await self.client.conversations_replies(channel=channel, ts=thread_ts, limit=1)
        messages = replies.get("messages") or []
        if not messages:
            history = await self.client.conversations_history(
                channel=channel, latest=thread_ts, inclusive=True, limit=1
            )
            messages = history.get("messages") or []
        return dict(messages[0]) if messages else None
