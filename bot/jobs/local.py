"""Queues without Redis: jobs as asyncio tasks of this process, and Redis-else-process."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Generic

from bot.errors import StoreUnavailable
from bot.jobs.arq_queue import NoWorker
from bot.jobs.registry import (
    D,
    GaveUp,
    JobContext,
    JobQueue,
    JobRegistry,
    Payload,
    RetryPolicy,
    log,
    reason,
    run_try,
)


class InProcessQueue(Generic[D]):
    """Runs jobs as asyncio tasks of this process (no Redis): retries, back-off, give-up."""

    def __init__(
        self,
        registry: JobRegistry[D],
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._registry = registry
        self._policy = policy
        self._sleep = sleep
        self._new_id = new_id
        self._tasks: set[asyncio.Task[None]] = set()

    async def enqueue(self, name: str, payload: Payload) -> str:
        self._registry.function(name)
        job_id = self._new_id()
        task = asyncio.create_task(self._run(job_id, name, payload), name=f"job:{name}:{job_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job_id

    async def _run(self, job_id: str, name: str, payload: Payload) -> None:
        tries = self._policy.max_tries
        for attempt in range(1, tries + 1):
            ctx = JobContext(job_id, name, attempt, tries, self._registry.deps)
            try:
                await run_try(self._registry, ctx, payload, self._policy.timeout)
                return
            except Exception as exc:  # a job's failure is retried, then reported; never lost
                error = reason(exc)
                log.info("job.failed", job=name, job_id=job_id, attempt=attempt, error=error)
            if attempt < tries:
                await self._sleep(self._policy.delay(attempt))
        await self._registry.give_up(GaveUp(job_id, name, payload, tries, error))

    async def join(self) -> None:
        """Wait for every queued job to finish (tests, graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks)

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


class FallbackQueue:
    """Redis's queue first; while Redis is down (or no worker is alive), jobs run in this
    process instead of failing or waiting for nobody."""

    def __init__(self, primary: JobQueue, fallback: JobQueue) -> None:
        self._primary = primary
        self._fallback = fallback

    async def enqueue(self, name: str, payload: Payload) -> str:
        try:
            return await self._primary.enqueue(name, payload)
        except (StoreUnavailable, NoWorker) as exc:
            log.warning("jobs.queue_unavailable", job=name, reason=str(exc), fallback="process")
            return await self._fallback.enqueue(name, payload)
