"""Queues without Redis: jobs as asyncio tasks of this process, and Redis-else-process."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, runtime_checkable

from bot.errors import StoreUnavailable
from bot.jobs.arq_queue import PICKUP_SECONDS, NoWorker
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


@runtime_checkable
class Reclaimable(Protocol):
    async def reclaim(self, job_id: str) -> bool:
        """Take a queued job back unless a worker has started it; True when taken."""
        ...


class FallbackQueue:
    """Redis's queue first; while Redis is down (or no worker is alive), jobs run in this
    process instead of failing or waiting for nobody. A job queued for a worker that has not
    started it within `pickup_seconds` (its worker died before its health key expired) is
    taken back and run here: acknowledged work never waits for a worker that is not coming."""

    def __init__(
        self,
        primary: JobQueue,
        fallback: JobQueue,
        *,
        pickup_seconds: float = PICKUP_SECONDS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._primary = primary
        self._fallback = fallback
        self._pickup, self._sleep = pickup_seconds, sleep
        self._watches: set[asyncio.Task[None]] = set()

    async def enqueue(self, name: str, payload: Payload) -> str:
        try:
            job_id = await self._primary.enqueue(name, payload)
        except (StoreUnavailable, NoWorker) as exc:
            log.warning("jobs.queue_unavailable", job=name, reason=str(exc), fallback="process")
            return await self._fallback.enqueue(name, payload)
        if isinstance(self._primary, Reclaimable):
            watch = asyncio.create_task(self._unless_started(self._primary, job_id, name, payload))
            self._watches.add(watch)
            watch.add_done_callback(self._watches.discard)
        return job_id

    async def _unless_started(
        self, primary: Reclaimable, job_id: str, name: str, payload: Payload
    ) -> None:
        await self._sleep(self._pickup)
        try:
            taken = await primary.reclaim(job_id)
        except StoreUnavailable:  # the job waits in Redis for a worker once Redis is back
            log.warning("jobs.reclaim_unavailable", job=name, job_id=job_id)
            return
        if taken:
            log.warning("jobs.not_picked_up", job=name, job_id=job_id, fallback="process")
            await self._fallback.enqueue(name, payload)

    async def join(self) -> None:
        """Wait until every queued job was started by a worker or taken back (tests)."""
        await asyncio.gather(*self._watches)

    async def aclose(self) -> None:
        """Stop watching queued jobs (they stay queued for a worker)."""
        for watch in self._watches:
            watch.cancel()
        await asyncio.gather(*self._watches, return_exceptions=True)
