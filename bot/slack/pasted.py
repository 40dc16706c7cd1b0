"""Ids in messages: pasted in watched channels, in a mentioned thread's first message, or picked
with the "Trace ids in this message" shortcut. Each id is answered once per thread."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.diagnostics.report import Report
from bot.logs import get_logger
from bot.recognition.ids import recognise
from bot.recognition.targets import Target
from bot.render.blocks import Style, overflow_message
from bot.render.summary import summary_message
from bot.slack.bounces import answer_pasted_bounce
from bot.slack.deps import SlackDeps
from bot.slack.limits import admit, slow_down
from bot.slack.poster import Place, Poster
from bot.slack.tracing import TraceSpec, answer_at, post_placeholder, run_trace

log = get_logger("qbx.slack.pasted")
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


async def trace_ids_in(
    deps: SlackDeps,
    poster: Poster,
    text: str,
    thread: Place,
    user: str,
    source_ts: str | None = None,
) -> int:
    """Trace the ids in `text` into `thread`, skipping ids already answered there; 👀 on the
    message `source_ts` while working, ✅ when done. A pasted bounce is answered as one (per
    recipient, then its original traced)."""
    if await answer_pasted_bounce(deps, poster, text, thread, user):
        return 1
    recognition = recognise(text, limit=deps.max_ids)
    fresh = [t for t in recognition.targets if await _first_time(deps, thread, t.key)]
    if recognition.overflow and await _first_time(deps, thread, "overflow"):
        style = Style(mask_recipients=deps.mask_recipients)
        await poster.post(thread, overflow_message(recognition.overflow, deps.max_ids, style))
    fresh = await _within_limit(deps, poster, fresh, thread, user)
    if not fresh:
        return 0
    reactions = Reactions(poster, thread.channel, source_ts)
    await reactions.working()
    answered = False
    try:
        if len(fresh) == 1:
            await run_trace(deps, poster, TraceSpec(target=fresh[0]), thread, user)
        else:
            await trace_several(deps, poster, fresh, thread, user)
        answered = True
    finally:
        await reactions.finished(answered)
    return len(fresh)


async def trace_several(
    deps: SlackDeps, poster: Poster, targets: list[Target], thread: Place, user: str
) -> None:
    """One summary reply (one line per id, in the order given), then each id's own result."""
    style = Style(mask_recipients=deps.mask_recipients)
    waiting: list[Report | str | None] = [None] * len(targets)
    summary_ts = await poster.post(thread, summary_message(targets, waiting, style))
    specs = [TraceSpec(target=t) for t in targets]
    parents = [await post_placeholder(deps, poster, spec, thread) for spec in specs]
    answers = await asyncio.gather(
        *(answer_at(deps, poster, s, thread, p, user) for s, p in zip(specs, parents, strict=True)),
        return_exceptions=True,
    )
    shown = [a if isinstance(a, Report) else "see its reply" for a in answers]
    await poster.update(thread.channel, summary_ts, summary_message(targets, shown, style))
    failure = next((a for a in answers if isinstance(a, BaseException)), None)
    if failure is not None:
        raise failure  # the one error handler tells the user (with a reference id)


class Reactions:
    """👀 while qbx works on a pasted message, ✅ when it is done (⚠️ if it failed). A reaction
    Slack refuses
    (no reactions:write scope, message gone) is logged and never stops a trace."""

    def __init__(self, poster: Poster, channel: str, ts: str | None) -> None:
        self._client, self._channel, self._ts = poster.client, channel, ts

    async def working(self) -> None:
        await self._call("reactions_add", "eyes")

    async def finished(self, answered: bool) -> None:
        await self._call("reactions_remove", "eyes")
        await self._call("reactions_add", "white_check_mark" if answered else "warning")

    async def _call(self, method: str, name: str) -> None:
        if not self._ts:
            return
        try:
            await getattr(self._client, method)(
                channel=self._channel, timestamp=self._ts, name=name
            )
        except SlackApiError as error:
            log.info("slack_reaction_refused", name=name, error=error.response.get("error"))


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
