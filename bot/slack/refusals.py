"""The one access check: every request a person makes of qbx (a command, a button, the message
shortcut, an `@qbx` mention, the trace form, a narrowed search) is checked here, before any
listener runs; a refused one is acknowledged and answered privately, and does nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.render.blocks import VIEW_NARROW, notice_message
from bot.render.home import TRACE_MODAL
from bot.slack.deps import SlackDeps
from bot.slack.explanations import failure_handler
from bot.slack.messages import first_delivery
from bot.slack.origin import Origin, origin_of, reply_to
from bot.slack.poster import Poster
from bot.slack.tracing import context_from_json

CHECKED_INTERACTIONS = frozenset({"block_actions", "message_action"})
CHECKED_VIEWS = frozenset({TRACE_MODAL, VIEW_NARROW})


@dataclass(frozen=True)
class Refused:
    """A request qbx will not serve: who asked, where, and why (mrkdwn)."""

    origin: Origin
    why: str


async def refusal_for(deps: SlackDeps, body: Mapping[str, Any]) -> Refused | None:
    """Why this request is refused, or None when it may go on (or is not a person's request:
    pasted ids in a watched channel, the Home tab, a 👎's why)."""
    origin = await _checked_origin(deps, body)
    if origin is None:
        return None
    why = deps.access.refusal(origin.user, origin.channel)
    return None if why is None else Refused(origin, why)


async def _checked_origin(deps: SlackDeps, body: Mapping[str, Any]) -> Origin | None:
    kind = str(body.get("type") or "")
    if "command" in body or kind in CHECKED_INTERACTIONS:
        return origin_of(body)
    if kind == "event_callback" and (body.get("event") or {}).get("type") == "app_mention":
        return origin_of(body)
    view = body.get("view") or {}
    if kind != "view_submission" or view.get("callback_id") not in CHECKED_VIEWS:
        return None
    if view.get("callback_id") == TRACE_MODAL:
        return origin_of(body)
    return await _narrowed_origin(deps, body, str(view.get("private_metadata") or ""))


async def _narrowed_origin(deps: SlackDeps, body: Mapping[str, Any], key: str) -> Origin | None:
    """A narrowed search runs in its result's channel (kept behind the view's key)."""
    raw = await deps.store.get_context(key)
    if raw is None:  # expired: the submission does nothing anyway
        return None
    return Origin(origin_of(body).user, context_from_json(raw).channel)


def start_refusal(
    deps: SlackDeps, poster: Poster, body: Mapping[str, Any], refused: Refused
) -> None:
    """Tell the person privately, after the ack (an event only on its first delivery)."""
    deps.background.start(_refuse(deps, poster, body, refused), failure_handler(deps, poster, body))


async def _refuse(
    deps: SlackDeps, poster: Poster, body: Mapping[str, Any], refused: Refused
) -> None:
    if "event" in body and not await first_delivery(deps, body, None):
        return
    await reply_to(deps, poster, refused.origin)(notice_message(refused.why))
