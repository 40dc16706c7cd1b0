"""The incident watcher's job on `qbx worker`: `incident_check`, one watcher pass on demand.

The periodic check runs beside the queue (bot/runtime/worker.py); each QBX_WATCH_INTERVAL_SECONDS
exactly one process checks (turns.py; the per-incident lock and the two-phase parent record are the
second guard).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

from bot.incidents.engine import CheckResult
from bot.jobs.registry import JobContext, JobFunction, JobRegistry, Payload

INCIDENT_CHECK: Final = "incident_check"
Check = Callable[[], Awaitable[CheckResult]]  # one watcher pass (IncidentWatcher.check)


def incident_check(check: Check) -> JobFunction[Any]:
    """One watcher pass, queued on demand; answers with what it saw and changed."""

    async def run(ctx: JobContext[Any], payload: Payload) -> Payload:
        result = await check()
        return {
            "observed": result.observed,
            "changes": [[c.kind.value, c.key] for c in result.changes],
            "failed": [list(f) for f in result.failed],
        }

    return run


def register_incident_jobs(registry: JobRegistry[Any], check: Check) -> None:
    registry.register(INCIDENT_CHECK, incident_check(check))
