"""The job queue of the composition: the retry policy from settings, and the serving process's
queue for the button jobs (Redis for `qbx worker` when one is alive, else this process)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from bot.jobs import FallbackQueue, InProcessQueue, JobQueue, JobRegistry, RetryPolicy, WorkerQueue
from bot.settings import Settings
from bot.slack.button_jobs import SLACK_JOBS, SlackWork, register_slack_jobs
from bot.store import Keys

Closable = InProcessQueue[None] | WorkerQueue | FallbackQueue


def policy_from(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_tries=settings.qbx_job_max_tries,
        first_delay=settings.qbx_job_retry_seconds,
        timeout=settings.qbx_job_timeout_seconds,
        lost_grace=settings.qbx_job_lost_grace_seconds,
    )


def slack_jobs(work: SlackWork) -> JobRegistry[None]:
    """A registry of the Slack button jobs (Deeper trace, Log PDF), all running on `work`."""
    registry: JobRegistry[None] = JobRegistry(None)

    async def source() -> SlackWork:
        return work

    register_slack_jobs(registry, source)
    return registry


@dataclass(frozen=True)
class Jobs:
    """The serving process's queue, what to close at shutdown (the local queue first), and the
    Redis queue when there is one (it knows whether a worker is alive)."""

    queue: JobQueue
    closables: tuple[Closable, ...]
    remote: WorkerQueue | None


def job_queue(settings: Settings, work: SlackWork) -> Jobs:
    local: InProcessQueue[None] = InProcessQueue(slack_jobs(work), policy_from(settings))
    if settings.redis_url is None:
        return Jobs(local, (local,), None)
    remote = WorkerQueue(settings.redis_url, Keys(settings.qbx_redis_prefix), SLACK_JOBS)
    fallback = FallbackQueue(remote, local)
    return Jobs(fallback, (fallback, local, remote), remote)


async def close_jobs(jobs: Jobs, grace: float) -> None:
    for item in jobs.closables:
        if isinstance(item, InProcessQueue):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(item.join(), grace)
        await item.aclose()
