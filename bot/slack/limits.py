"""The per-user trace limit (QBX_USER_TRACES_PER_MINUTE): every trace counts, whatever started it
(a command of five ids is five traces; pastes, mentions, shortcuts and Re-run/Deeper clicks too).
"""

from __future__ import annotations

import math

from bot.render.blocks import Message, notice_message
from bot.render.mrkdwn import escape
from bot.slack.deps import SlackDeps
from bot.store.base import RateDecision


async def admit(deps: SlackDeps, user: str, wanted: int) -> tuple[int, RateDecision]:
    """How many of `wanted` traces `user` may start now (each one counted), and the decision
    that stopped the rest (allowed when none was stopped)."""
    for admitted in range(wanted):
        decision = await deps.store.hit_rate_limit(user, deps.traces_per_minute)
        if not decision.allowed:
            return admitted, decision
    return wanted, RateDecision(allowed=True)


def slow_down(per_minute: int, decision: RateDecision, skipped: int) -> Message:
    """What a user reads when `skipped` traces were not started."""
    wait = max(1, math.ceil(decision.retry_after_seconds))
    what = "it was" if skipped == 1 else f"{skipped} of them were"
    return notice_message(
        f":hourglass: You have run {per_minute} traces in the last minute, so {what} not "
        f"started. Try again in {escape(str(wait))} s."
    )
