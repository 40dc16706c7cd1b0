"""Composition of watches, remediation and Home: the FollowUp deps, the watch engine, the poller.

With Redis, `qbx worker` polls every POLL_SECONDS (the serving processes do not); without it, the
`qbx serve` process does. The engine's store lease lets one pass run at a time across processes,
and the watches themselves live in the store, so they survive restarts and any process carries on
where another stopped.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Protocol

from bot.clocks import EpochClock
from bot.errors import QbxError
from bot.remediation.policy import RemediationPolicy
from bot.remediation.reactivation import SuppressionApi
from bot.settings import Settings
from bot.slack.deps import SlackDeps
from bot.slack.followup import FollowUp
from bot.slack.poster import Poster
from bot.slack.watching import SlackWatchChecker
from bot.store.base import Store
from bot.watch.book import WatchBook
from bot.watch.engine import WatchEngine, poll_forever
from bot.watch.model import POLL_SECONDS


class HealthSource(Protocol):
    async def run(self) -> tuple[int, dict[str, object]]: ...


Alive = Callable[[], Awaitable[bool]]
IN_PROCESS = "workers (in this process)"


def health_probe(
    checks: HealthSource, workers: Alive | None
) -> Callable[[], Awaitable[Mapping[str, bool]]]:
    """The server's health checks as the Home tab shows them (component -> answers), plus
    whether a `qbx worker` answers (None: no Redis, jobs run in this process)."""

    async def probe() -> Mapping[str, bool]:
        _, body = await checks.run()
        components = body.get("components")
        found = {n: bool(c.get("ok")) for n, c in components.items()} if isinstance(
            components, dict) else {}  # fmt: skip
        return found | (await _workers(workers))

    return probe


async def _workers(workers: Alive | None) -> dict[str, bool]:
    if workers is None:
        return {IN_PROCESS: True}
    try:
        return {"workers": await workers()}
    except QbxError:  # Redis down: no worker can be reached either
        return {"workers": False}


def build_followup(
    settings: Settings,
    store: Store,
    api: SuppressionApi,
    clock: EpochClock,
    health: HealthSource | None = None,
    workers: Alive | None = None,
) -> FollowUp:
    return FollowUp(
        book=WatchBook(store, max_watches=settings.qbx_max_watches),
        remediation=RemediationPolicy(frozenset(settings.qbx_remediation_users)),
        suppressions=api,
        clock=clock,
        ttl_seconds=settings.qbx_watch_ttl_hours * 3600.0,
        max_watches=settings.qbx_max_watches,
        health=health_probe(health, workers) if health is not None else None,
        incident_channel=settings.qbx_incident_channel,
    )


def watch_engine(deps: SlackDeps, poster: Poster) -> WatchEngine:
    followup = deps.followup
    assert followup is not None
    checker = SlackWatchChecker(deps, poster, followup)
    return WatchEngine(
        deps.store, followup.book, checker, clock=followup.clock, ttl_seconds=followup.ttl_seconds
    )


@asynccontextmanager
async def watch_polling(
    engine: WatchEngine, *, interval: float = POLL_SECONDS
) -> AsyncIterator[WatchEngine]:
    """Poll in the background while the block runs."""
    task = asyncio.create_task(poll_forever(engine, interval=interval))
    try:
        yield engine
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
