"""Ids in messages: pasted in watched channels, in a mentioned thread's first message, or picked
with the "Trace ids in this message" shortcut. Each id is answered once per thread."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any

from bot.ids import recognise
from bot.render.blocks import Style, overflow_message
from bot.slack.bounces import answer_pasted_bounce
from bot.slack.ports import SlackDeps
from bot.slack.poster import Place, Poster
from bot.slack.tracing import TraceSpec, run_trace


def message_text(message: Mapping[str, Any]) -> str:
    """All readable text of a message: its text, attachments (alerting tools) and blocks."""
    return "\n".join(part for part in _parts(message) if part)


def _parts(message: Mapping[str, Any]) -> Iterator[str]:
    yield str(message.get("text") or "")
    for attachment in message.get("attachments") or []:
        for name in ("pretext", "title", "text", "fallback"):
            yield str(attachment.get(name) or "")
        for fld in attachment.get("fields") or []:
            yield f"{fld.get('title') or ''} {fld.get('value') or ''}"
    yield from _block_texts(message.get("blocks") or [])


def _block_texts(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        text = node.get("text")
        if isinstance(text, str) and node.get("type") in ("mrkdwn", "plain_text", "text"):
            yield text
        for value in node.values():
            if isinstance(value, list | Mapping):
                yield from _block_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _block_texts(item)


def thread_of(message: Mapping[str, Any]) -> str:
    """The thread a message belongs to (its own ts when it starts one)."""
    return str(message.get("thread_ts") or message["ts"])


async def trace_ids_in(deps: SlackDeps, poster: Poster, text: str, thread: Place, user: str) -> int:
    """Trace the ids in `text` into `thread`, skipping ids already answered there; a pasted
    bounce is answered as one (per recipient, then its original traced)."""
    if await answer_pasted_bounce(deps, poster, text, thread, user):
        return 1
    recognition = recognise(text, limit=deps.max_ids)
    fresh = [t for t in recognition.targets if await _first_time(deps, thread, t.key)]
    if recognition.overflow and await _first_time(deps, thread, "overflow"):
        style = Style(mask_recipients=deps.mask_recipients)
        await poster.post(thread, overflow_message(recognition.overflow, deps.max_ids, style))
    async with asyncio.TaskGroup() as group:
        for target in fresh:
            group.create_task(run_trace(deps, poster, TraceSpec(target=target), thread, user))
    return len(fresh)


async def _first_time(deps: SlackDeps, thread: Place, what: str) -> bool:
    key = f"thread:{thread.channel}:{thread.thread_ts}:{what}"
    return await deps.store.claim(key, deps.thread_claim_seconds)
