"""Ids in messages: pasted in watched channels, in a mentioned thread's first message, or picked
with the "Trace ids in this message" shortcut. Each id is answered once per thread."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any

from bot.ids import recognise
from bot.render.blocks import Style, overflow_message
from bot.slack.limits import admit, slow_down
from bot.slack.ports import SlackDeps
from bot.slack.poster import Place, Poster
from bot.slack.tracing import TraceSpec, run_trace
from bot.targets import Target

PERSON_PREFIXES = ("U", "W")  # Slack user ids; bots paste as B... (their alerts are not limited)


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
    """Trace the ids in `text` into `thread`, skipping ids already answered there."""
    recognition = recognise(text, limit=deps.max_ids)
    fresh = [t for t in recognition.targets if await _first_time(deps, thread, t.key)]
    if recognition.overflow and await _first_time(deps, thread, "overflow"):
        style = Style(mask_recipients=deps.mask_recipients)
        await poster.post(thread, overflow_message(recognition.overflow, deps.max_ids, style))
    fresh = await _within_limit(deps, poster, fresh, thread, user)
    async with asyncio.TaskGroup() as group:
        for target in fresh:
            group.create_task(run_trace(deps, poster, TraceSpec(target=target), thread, user))
    return len(fresh)


async def _within_limit(
    deps: SlackDeps, poster: Poster, targets: list[Target], thread: Place, user: str
) -> list[Target]:
    """The targets a person may trace now (each counts against their limit); the rest are
    refused privately. Bots and qbx's own actors (alerts, incidents) are not limited."""
    if not targets or not user.startswith(PERSON_PREFIXES):
        return targets
    admitted, decision = await admit(deps, user, len(targets))
    if admitted < len(targets):
        notice = slow_down(deps.traces_per_minute, decision, len(targets) - admitted)
        await poster.ephemeral(thread.channel, user, notice, thread.thread_ts)
    return targets[:admitted]


async def _first_time(deps: SlackDeps, thread: Place, what: str) -> bool:
    key = f"thread:{thread.channel}:{thread.thread_ts}:{what}"
    return await deps.store.claim(key, deps.thread_claim_seconds)
