"""The built-in job registry: `qbx worker`'s default (the Slack layer registers its own jobs)."""

from __future__ import annotations

from typing import Any

from bot.jobs.registry import JobContext, JobRegistry, Payload


async def ping(ctx: JobContext[Any], payload: Payload) -> Payload:
    """A demo job: answers with its payload and try number (checks a worker end to end)."""
    return {"pong": payload.get("token"), "attempt": ctx.attempt}


def builtin_jobs(settings: object) -> JobRegistry[None]:
    """`qbx worker`'s default job factory."""
    registry: JobRegistry[None] = JobRegistry(None)
    registry.register("ping", ping)
    return registry
