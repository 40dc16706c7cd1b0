"""Who sent a Slack request and from where, read once from its payload (a command, an
interaction or an event), and how to answer that person privately."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.render.home import TRACE_MODAL
from bot.slack.deps import SlackDeps
from bot.slack.poster import Poster
from bot.slack.replies import Reply, private_reply, via_ephemeral


@dataclass(frozen=True)
class Origin:
    """The person, the channel ("" when the request has none) and the private ways back."""

    user: str
    channel: str
    response_url: str = ""
    thread_ts: str | None = None  # an event's thread: where its ephemeral answers go


def origin_of(body: Mapping[str, Any]) -> Origin:
    """The origin of any request body Slack sends (or a survivor rebuilds, bot.slack.rescue)."""
    url = str(body.get("response_url") or "")
    if "user_id" in body:  # a slash command
        return Origin(str(body["user_id"]), str(body.get("channel_id") or ""), url)
    event = body.get("event")
    if isinstance(event, Mapping):
        user, thread = str(event.get("user") or ""), event.get("thread_ts") or None  # not a bot
        return Origin(user, str(event.get("channel") or ""), thread_ts=thread)
    user = str((body.get("user") or {}).get("id") or "")
    return Origin(user, _channel_of(body), url)


def _channel_of(body: Mapping[str, Any]) -> str:
    channel = str((body.get("channel") or {}).get("id") or "")
    view = body.get("view") or {}
    if not channel and view.get("callback_id") == TRACE_MODAL:  # the form keeps its channel
        channel = str(view.get("private_metadata") or "")
    return channel


def reply_to(deps: SlackDeps, poster: Poster, origin: Origin) -> Reply:
    """The response_url (falling back to an ephemeral message), or an ephemeral message."""
    if origin.response_url:
        return private_reply(origin.response_url, poster, origin.channel, origin.user, deps.sleep)
    return via_ephemeral(poster, origin.channel, origin.user, origin.thread_ts)
