"""Cold start: until the history reaches back an hour, rate rules judge today so far; where today
is still too quiet to judge (just after midnight), they judge yesterday and today together, so
a check right after a start already sees what the counters show of the last 24 hours."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from bot.errors import QboxmailError
from bot.incidents.observation import Observation, Scope
from bot.logs import get_logger
from bot.qboxmail.reads import QboxmailApi

_log = get_logger(__name__)


def needs_recent(obs: Observation, min_messages: int) -> bool:
    """No hour of history, and today's counters alone are too few to judge."""
    return obs.last_hour is None and obs.day.all < min_messages


async def with_recent(
    api: QboxmailApi, observations: Sequence[Observation], min_messages: int, concurrency: int
) -> list[Observation]:
    """Each observation, with yesterday-and-today counters where `needs_recent`."""
    limit = asyncio.Semaphore(concurrency)

    async def one(obs: Observation) -> Observation:
        if not needs_recent(obs, min_messages):
            return obs
        async with limit:
            return await _recent(api, obs)

    return list(await asyncio.gather(*(one(obs) for obs in observations)))


async def _recent(api: QboxmailApi, obs: Observation) -> Observation:
    ref, today = obs.resource, obs.observed_at.date()
    try:
        recent = await api.counters(
            account=int(ref.id) if ref.scope is Scope.ACCOUNT else None,
            domain=ref.id if ref.scope is Scope.DOMAIN else None,
            start_date=today - timedelta(days=1),
            end_date=today,
        )
    except QboxmailError as exc:  # today's counters still stand; the next check tries again
        _log.warning("incident_recent_counters_failed", resource=ref.key, error=str(exc))
        return obs
    return replace(obs, recent=recent)
