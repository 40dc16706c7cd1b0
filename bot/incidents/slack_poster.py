"""The IncidentPoster over Slack's Web API: chat.postMessage with metadata, chat.update, threaded
replies, files_upload_v2 for the chart, and conversations.history to adopt an unrecorded parent.

A channel the bot cannot post in (not_in_channel, channel_not_found) becomes one ConfigError
naming the channel and how to invite the bot, logged once per call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import ConfigError
from bot.incidents.ports import Message
from bot.logs import get_logger

EVENT_TYPE: Final = "qbx_incident"
HISTORY_PAGE: Final = 200  # messages per conversations.history page
HISTORY_PAGES: Final = 5  # at most 1,000 messages are searched for a parent
HISTORY_SLACK_SECONDS: Final = 120  # search from this long before the incident started
CHART_FILENAME: Final = "incident-chart.png"
CHANNEL_ERRORS: Final = frozenset({"not_in_channel", "channel_not_found", "is_archived"})

_log = get_logger(__name__)


def incident_metadata(incident_id: str) -> dict[str, Any]:
    """The message metadata that tags a parent with its incident id."""
    return {"event_type": EVENT_TYPE, "event_payload": {"incident_id": incident_id}}


def tagged_with(message: dict[str, Any], incident_id: str) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return bool(
        metadata.get("event_type") == EVENT_TYPE and payload.get("incident_id") == incident_id
    )


def started_epoch(incident_id: str) -> int | None:
    """The Unix second an incident opened, from its id (`<key>@<epoch>`); None if absent."""
    _, at, epoch = incident_id.rpartition("@")
    return int(epoch) if at and epoch.isdigit() else None


def unreachable_channel(channel: str, code: str) -> ConfigError:
    return ConfigError(
        f"qbx cannot post incidents in channel {channel} ({code}): invite the bot there with "
        f"`/invite @qbx` (a private channel looks 'not found' until it is), or fix "
        "QBX_INCIDENT_CHANNEL (a channel id such as C0123ABCD)."
    )


@contextmanager
def channel_errors(channel: str) -> Iterator[None]:
    """Turn Slack's not_in_channel / channel_not_found into a logged ConfigError saying the fix."""
    try:
        yield
    except SlackApiError as exc:
        code = str(exc.response.get("error") or "")
        if code in CHANNEL_ERRORS:
            error = unreachable_channel(channel, code)
            _log.error("incident_channel_unreachable", channel=channel, error=code, fix=str(error))
            raise error from exc
        raise


class SlackIncidentPoster:
    """IncidentPoster over one AsyncWebClient (built by bot.slack.client.build_web_client)."""

    def __init__(self, client: AsyncWebClient, *, history_page: int = HISTORY_PAGE) -> None:
        self._client = client
        self._history_page = history_page

    async def post_parent(self, channel: str, incident_id: str, message: Message) -> str:
        return await self._post(channel, message, metadata=incident_metadata(incident_id))

    async def find_parent(self, channel: str, incident_id: str) -> str | None:
        epoch = started_epoch(incident_id)
        oldest = None if epoch is None else str(max(0, epoch - HISTORY_SLACK_SECONDS))
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            page = await self._history(channel, oldest, cursor)
            found = [m for m in page.get("messages") or [] if tagged_with(m, incident_id)]
            if found:
                return str(found[0]["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not page.get("has_more") or cursor is None:
                return None
        return None

    async def update_parent(self, channel: str, ts: str, message: Message) -> None:
        with channel_errors(channel):
            await self._client.chat_update(
                channel=channel, ts=ts, text=message["text"], blocks=message["blocks"]
            )

    async def post_thread(self, channel: str, ts: str, message: Message) -> str:
        return await self._post(channel, message, thread_ts=ts)

    async def upload_chart(self, channel: str, ts: str, png: bytes, title: str) -> None:
        with channel_errors(channel):
            await self._client.files_upload_v2(
                channel=channel, thread_ts=ts, content=png, filename=CHART_FILENAME, title=title
            )

    async def _post(
        self,
        channel: str,
        message: Message,
        *,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        with channel_errors(channel):
            response = await self._client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text=message["text"],
                blocks=message["blocks"],
                metadata=metadata,
                unfurl_links=False,
                unfurl_media=False,
            )
        return str(response["ts"])

    async def _history(self, channel: str, oldest: str | None, cursor: str | None) -> Any:
        with channel_errors(channel):
            return await self._client.conversations_history(
                channel=channel,
                oldest=oldest,
                cursor=cursor,
                limit=self._history_page,
                include_all_metadata=True,
            )
