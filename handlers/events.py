"""Events: ids pasted in watched channels (people and other bots), and `@qbx` mentions.

Bolt acknowledges events before these run; Slack's retries are dropped by event_id.
"""

from __future__ import annotations

from collections.abc import Sequence
from re import Pattern
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import get_logger
from bot.render.blocks import notice_message
from bot.slack.bounces import answer_files
from bot.slack.deps import SlackDeps
from bot.slack.journal import AckedWork, WorkKind
from bot.slack.pasted import message_text, thread_of, trace_ids_in
from bot.slack.poster import Place, Poster
from handlers.failures import failure_handler
from handlers.replies import via_ephemeral

SUBTYPES: tuple[str | None, ...] = (None, "bot_message", "thread_broadcast", "file_share")
MESSAGES: dict[str, str | Sequence[str | Pattern[str] | None] | None] = {
    "type": "message",
    "subtype": SUBTYPES,
}
NO_IDS = "I found no new ids in this thread's first message to trace."
log = get_logger("qbx.slack.events")


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def watched(event: dict[str, Any]) -> bool:
        return event.get("channel") in deps.access.watch_channels

    # Not app.message(): it skips messages without text, such as attachment-only incident posts.
    @app.event(MESSAGES, matchers=[watched])
    async def pasted(
        event: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        request: AsyncBoltRequest,
    ) -> None:
        work = trace_pasted(deps, Poster(client), event, body, retry_number(request))
        acked = acked_event(WorkKind.PASTE, event)
        on_error = failure_handler(deps, body, client, None)
        await deps.background.start_acked(work, on_error, acked)

    @app.event("message")
    async def elsewhere() -> None:
        """Other messages (unwatched channels, edits): acknowledged and ignored."""

    @app.event("app_mention")
    async def mentioned(
        event: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        request: AsyncBoltRequest,
    ) -> None:
        work = trace_mentioned_thread(deps, Poster(client), event, body, retry_number(request))
        acked = acked_event(WorkKind.MENTION, event)
        on_error = failure_handler(deps, body, client, None)
        await deps.background.start_acked(work, on_error, acked)


async def trace_pasted(
    deps: SlackDeps, poster: Poster, event: dict[str, Any], body: dict[str, Any], retry: str | None
) -> None:
    """Ids in a watched channel's message (a person's or another bot's) -> its thread."""
    if not await first_delivery(deps, body, retry):
        return
    author = str(event.get("user") or event.get("bot_id") or "")
    thread = Place(str(event["channel"]), thread_of(event))
    if event.get("files"):  # a bounce attached as a message file
        await answer_files(deps, poster, event["files"], thread, author)
    await trace_ids_in(deps, poster, message_text(event), thread, author, str(event["ts"]))


async def trace_mentioned_thread(
    deps: SlackDeps, poster: Poster, event: dict[str, Any], body: dict[str, Any], retry: str | None
) -> None:
    """`@qbx` in a thread traces the ids of the thread's first message."""
    if not await first_delivery(deps, body, retry):
        return
    user, channel = str(event.get("user") or ""), str(event["channel"])
    reply = via_ephemeral(poster, channel, user, event.get("thread_ts"))
    refusal = deps.access.refusal(user, channel)
    if refusal is not None:
        await reply(notice_message(refusal))
        return
    root = event
    if event.get("thread_ts"):
        root = await poster.thread_root(channel, str(event["thread_ts"])) or event
    thread = Place(channel, thread_of(event))
    root_ts = str(root.get("ts") or "") or None
    if not await trace_ids_in(deps, poster, message_text(root), thread, user, root_ts):
        await reply(notice_message(NO_IDS))


async def first_delivery(deps: SlackDeps, body: dict[str, Any], retry: str | None) -> bool:
    """False for a Slack retry (X-Slack-Retry-Num) or any redelivery of a claimed event_id."""
    event_id = str(body.get("event_id") or "")
    if not event_id or await deps.store.claim_event(event_id):
        return True
    log.info("slack_event_redelivered", event_id=event_id, retry=retry)
    return False


def acked_event(kind: WorkKind, event: dict[str, Any]) -> AckedWork:
    """What a survivor needs to tell the thread (never the message's text: it stays in Slack)."""
    author = str(event.get("user") or event.get("bot_id") or "")
    thread = str(event.get("thread_ts") or event.get("ts") or "")
    return AckedWork(kind, author, str(event.get("channel") or ""), thread_ts=thread)


def retry_number(request: AsyncBoltRequest) -> str | None:
    values = request.headers.get("x-slack-retry-num") or []
    return values[0] if values else None
