"""👍 / 👎 on an answer: recorded once per person and answer in the audit log; a 👎 opens a
private modal asking for one line of why, recorded when submitted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from bot.feedback import vote_entry, why_entry
from bot.render.blocks import Message, notice_message
from bot.render.buttons import ACTION_FEEDBACK_UP
from bot.render.followup import WHY_BLOCK, why_modal
from bot.slack.deps import SlackDeps
from bot.slack.poster import Poster
from bot.slack.tracing import ButtonContext
from bot.store.keys import CONTEXT_TTL

THANKS: Final = ":pray: Thanks — recorded. It helps tune the checklists."
ALREADY_JUDGED: Final = "You have already judged this answer; thanks."


@dataclass(frozen=True)
class Vote:
    action_id: str
    key: str  # the answer's id (its opaque context key)
    user: str
    channel: str
    trigger_id: str


async def judge(deps: SlackDeps, poster: Poster, vote: Vote, context: ButtonContext) -> Message:
    """Record the vote once; after a 👎, ask privately why."""
    if not await deps.store.claim(f"feedback:{vote.key}:{vote.user}", CONTEXT_TTL):
        return notice_message(ALREADY_JUDGED)
    code = context.report.verdict.code.value
    agree = vote.action_id == ACTION_FEEDBACK_UP
    await deps.store.audit(vote_entry(vote.user, code, vote.key, vote.channel, agree))
    if not agree and vote.trigger_id:
        metadata = json.dumps({"answer": vote.key, "code": code, "channel": vote.channel})
        await poster.client.views_open(trigger_id=vote.trigger_id, view=why_modal(metadata))
    return notice_message(THANKS)


def _why_text(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    return str(((values.get(WHY_BLOCK) or {}).get(WHY_BLOCK) or {}).get("value") or "")


async def record_why(deps: SlackDeps, user: str, view: dict[str, Any]) -> bool:
    """Record a submitted reason; False (nothing recorded) for a view qbx did not make."""
    try:
        meta = json.loads(str(view.get("private_metadata") or ""))
    except ValueError:
        return False
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k), str) for k in
                                             ("answer", "code", "channel")):  # fmt: skip
        return False
    why = _why_text(view).strip()
    if not why:
        return False
    await deps.store.audit(why_entry(user, meta["code"], meta["answer"], meta["channel"], why))
    return True
