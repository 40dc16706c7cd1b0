"""A message's ids traced into its thread: pasted in a watched channel (people and other bots),
an `@qbx` mention (the thread's first message) and the message shortcut "Trace ids in this
message". Slack's event retries are answered once (by event_id)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.logs import get_logger
from bot.render.blocks import notice_message
from bot.slack.bounces import answer_files
from bot.slack.deps import SlackDeps
from bot.slack.pasted import message_text, thread_of, trace_ids_in
from bot.slack.poster import Place, Poster
from bot.slack.replies import Reply, via_ephemeral

NO_IDS = "I found no new ids in this thread's first message to trace."
NOTHING = "I found no new ids in that message (ids already answered in its thread are skipped)."
log = get_logger("qbx.slack.events")


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
    root = event
    if event.get("thread_ts"):
        root = await poster.thread_root(channel, str(event["thread_ts"])) or event
    thread = Place(channel, thread_of(event))
    root_ts = str(root.get("ts") or "") or None
    if not await trace_ids_in(deps, poster, message_text(root), thread, user, root_ts):
        reply = via_ephemeral(poster, channel, user, event.get("thread_ts"))
        await reply(notice_message(NO_IDS))


async def trace_shortcut(
    deps: SlackDeps, poster: Poster, shortcut: Mapping[str, Any], reply: Reply
) -> None:
    """The message shortcut: the ids of the message it was used on, into that message's thread."""
    user, channel = str(shortcut["user"]["id"]), str(shortcut["channel"]["id"])
    message = shortcut["message"]
    thread = Place(channel, thread_of(message))
    source = str(message["ts"])
    if not await trace_ids_in(deps, poster, message_text(message), thread, user, source):
        await reply(notice_message(NOTHING))


async def first_delivery(deps: SlackDeps, body: Mapping[str, Any], retry: str | None) -> bool:
    """False for a Slack retry (X-Slack-Retry-Num) or any redelivery of a claimed event_id."""
    event_id = str(body.get("event_id") or "")
    if not event_id or await deps.store.claim_event(event_id):
        return True
    log.info("slack_event_redelivered", event_id=event_id, retry=retry)
    return False
