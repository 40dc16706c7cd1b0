"""Bounces in Slack: a pasted bounce or an attached message file is answered per recipient in
its thread, then the original message is traced when its Message-ID is a Qboxmail one."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

from bot.bounces import BounceKind, BounceReport, read_bounce
from bot.bounces.pasted import bounce_in, original_target
from bot.render.blocks import notice_message
from bot.render.bounces import bounce_message, file_refused_message
from bot.slack.deps import SlackDeps
from bot.slack.files import FileRefused, download
from bot.slack.poster import Place, Poster
from bot.slack.replies import Reply
from bot.slack.tracing import TraceSpec, run_trace

MAX_FILES: Final = 3  # message files read per Slack message
_MESSAGE_TYPES: Final = frozenset({"message/rfc822", "application/vnd.ms-outlook"})
_MESSAGE_SUFFIXES: Final = (".eml", ".msg.txt", ".mbox", ".txt")


async def answer_pasted_bounce(
    deps: SlackDeps, poster: Poster, text: str, place: Place, user: str
) -> bool:
    """Answer `text` as a bounce when it is one; False (nothing posted) when it is not."""
    report = bounce_in(text)
    if report is None:
        return False
    await answer_bounce(deps, poster, report, place, user)
    return True


async def answer_command_bounce(
    deps: SlackDeps, poster: Poster, text: str, place: Place, user: str, reply: Reply
) -> bool:
    """`/qbx trace <a bounce's text>`: answered as a bounce (within the user's rate limit)."""
    parts = text.strip().split(None, 1)
    report = bounce_in(parts[1]) if len(parts) == 2 and parts[0].lower() == "trace" else None
    if report is None:
        return False
    decision = await deps.store.hit_rate_limit(user, deps.traces_per_minute)
    if not decision.allowed:
        wait = max(1, math.ceil(decision.retry_after_seconds))
        await reply(
            notice_message(f":hourglass: Too many traces this minute; try again in {wait} s.")
        )
        return True
    await answer_bounce(deps, poster, report, place, user)
    return True


async def answer_bounce(
    deps: SlackDeps, poster: Poster, report: BounceReport, place: Place, user: str, name: str = ""
) -> None:
    """Per-recipient answer at `place`, then the trace of a Qboxmail original in that thread."""
    target = original_target(report)
    addresses = ",".join(sorted(r.address for r in report.recipients))
    what = f"bounce:{name}:{report.original_message_id or ''}:{addresses}"[:400]
    if not await _first_time(deps, place, what):
        return
    message = bounce_message(report, mask=deps.mask_recipients, traced=target is not None,
                             name=name)  # fmt: skip
    ts = await poster.post(place, message)
    thread = place.thread_of(ts)
    if target is not None and await _first_time(deps, thread, target.key):
        await run_trace(deps, poster, TraceSpec(target=target), thread, user)


async def answer_files(
    deps: SlackDeps, poster: Poster, files: Sequence[Mapping[str, Any]], place: Place, user: str
) -> int:
    """Read the message files shared in a message (at most MAX_FILES); how many were answered."""
    answered = 0
    for shared in [f for f in files if is_message_file(f)][:MAX_FILES]:
        name = str(shared.get("name") or shared.get("id") or "file")
        try:
            data = await download(poster.client, str(shared.get("id") or ""))
        except FileRefused as refused:
            await poster.post(place, file_refused_message(name, str(refused)))
            continue
        report = read_bounce(data)
        if report.kind is BounceKind.NOT_BOUNCE and not name.lower().endswith(".eml"):
            continue  # a text file that is no bounce is none of qbx's business
        await answer_bounce(deps, poster, report, place, user, name=name)
        answered += 1
    return answered


def is_message_file(shared: Mapping[str, Any]) -> bool:
    name = str(shared.get("name") or "").lower()
    mimetype = str(shared.get("mimetype") or "").lower()
    filetype = str(shared.get("filetype") or "").lower()
    return mimetype in _MESSAGE_TYPES or filetype == "email" or name.endswith(_MESSAGE_SUFFIXES)


async def _first_time(deps: SlackDeps, place: Place, what: str) -> bool:
    if place.thread_ts is None:
        return True  # a new parent (a slash command): nothing to repeat
    key = f"thread:{place.channel}:{place.thread_ts}:{what}"
    return await deps.store.claim(key, deps.thread_claim_seconds)
