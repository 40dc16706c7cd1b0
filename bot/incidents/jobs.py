"""The incident watcher on `qbx worker`: a job registry whose deps also run a periodic check.

`qbx worker` uses `incident_jobs` by default when QBX_INCIDENT_CHANNEL is set: every worker (and
every `qbx serve`) runs the periodic loop, and each QBX_WATCH_INTERVAL_SECONDS exactly one of them
checks (turns.py; the per-incident lock and the two-phase parent record are the second guard).
The `incident_check` job runs one check on demand.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack

from bot.incidents.engine import CheckResult, IncidentWatcher, policy_from_settings
from bot.incidents.wiring import Sleep, bot_token, open_watcher, watch_forever
from bot.jobs.builtin import ping
from bot.jobs.registry import JobContext, JobRegistry, Payload
from bot.settings import Settings

Opener = Callable[[], AbstractAsyncContextManager[IncidentWatcher]]


class IncidentJobs:
    """The jobs' dependencies: the watcher, opened on first use inside the worker's event loop."""

    def __init__(self, open_: Opener, interval: float) -> None:
        self._open = open_
        self.interval = interval
        self._stack = AsyncExitStack()
        self._opening = asyncio.Lock()  # the periodic loop and a queued job may start together
        self._watcher: IncidentWatcher | None = None

    async def watcher(self) -> IncidentWatcher:
        async with self._opening:
            if self._watcher is None:
                self._watcher = await self._stack.enter_async_context(self._open())
            return self._watcher

    async def check(self) -> CheckResult:
        return await (await self.watcher()).check()

    async def run_periodic(self, *, sleep: Sleep = asyncio.sleep) -> None:
        """Check every `interval` seconds until cancelled (the worker cancels it on shutdown)."""
        await watch_forever(self.check, self.interval, sleep=sleep, turn=self.my_turn)

    async def my_turn(self) -> bool:
        return await (await self.watcher()).my_turn()

    async def aclose(self) -> None:
        self._watcher = None
        await self._stack.aclose()


async def incident_check(ctx: JobContext[IncidentJobs], payload: Payload) -> Payload:
    """One watcher pass, queued on demand; answers with what it saw and changed."""
    result = await ctx.deps.check()
    return {
        "observed": result.observed,
        "changes": [[c.kind.value, c.key] for c in result.changes],
        "failed": [list(f) for f in result.failed],
    }


def incident_jobs(settings: Settings) -> JobRegistry[IncidentJobs]:
    """`qbx worker`'s job factory when QBX_INCIDENT_CHANNEL is set (ping stays available).

    Raises ConfigError at start-up when the channel or the Slack token is missing."""
    policy_from_settings(settings)
    bot_token(settings)

    def opener() -> AbstractAsyncContextManager[IncidentWatcher]:
        return open_watcher(settings)

    registry: JobRegistry[IncidentJobs] = JobRegistry(
        IncidentJobs(opener, settings.qbx_watch_interval_seconds)
    )
    registry.register("ping", ping)
    registry.register("incident_check", incident_check)
    return registry
