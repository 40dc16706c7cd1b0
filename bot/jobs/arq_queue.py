"""The Redis job queue on arq: enqueueing, the job wrapper (retry, give-up), the worker."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Collection
from typing import Any, cast

from arq import Retry, Worker
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import health_check_key_suffix, in_progress_key_prefix, job_key_prefix
from arq.worker import Function, func

from bot.errors import StoreUnavailable
from bot.jobs.registry import (
    D,
    GaveUp,
    JobContext,
    JobRegistry,
    Payload,
    RetryPolicy,
    UnknownJob,
    log,
    reason,
    run_try,
)
from bot.store import Keys, redis_errors

KEEP_RESULT_SECONDS = 3600  # arq keeps a finished job's result (and refuses its id again) this long
TIMEOUT_MARGIN_SECONDS = 1.0  # arq's own timeout sits behind ours, so ours retries first
WORKER_RESTART_SECONDS = 2.0  # pause before a worker reconnects after Redis went away
HEALTH_SECONDS = 10  # a worker renews its health key this often (it lives one second longer)
PICKUP_SECONDS = HEALTH_SECONDS + 2  # a live worker starts a job well within this
# Take a queued job back unless a worker has started it: not in progress -> out of the queue
# and its data deleted (a worker that read the queue a moment earlier then finds no job).
RECLAIM_LUA = """
if redis.call('exists', KEYS[1]) == 1 then return 0 end
if redis.call('zrem', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('del', KEYS[3])
return 1
"""


class NoWorker(Exception):
    """No `qbx worker` has reported to this queue lately: queued work would wait for nobody."""


class ArqQueue:
    """Queues jobs in Redis for `qbx worker` processes (arq); ids carry the key prefix."""

    def __init__(
        self,
        pool: ArqRedis,
        keys: Keys,
        known: Collection[str],
        *,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._pool = pool
        self._keys = keys
        self._known = frozenset(known)
        self._new_id = new_id

    @classmethod
    async def connect(cls, redis_url: str, keys: Keys, known: Collection[str]) -> ArqQueue:
        with redis_errors():
            pool = await create_pool(arq_settings(redis_url), default_queue_name=keys.job_queue)
        return cls(pool, keys, known)

    async def enqueue(self, name: str, payload: Payload) -> str:
        if name not in self._known:
            raise UnknownJob(name)
        job_id = self._keys.job_id(self._new_id())
        with redis_errors():
            await self._pool.enqueue_job(name, payload, _job_id=job_id)
        return job_id

    async def reclaim(self, job_id: str) -> bool:
        """Take job `job_id` back if no worker has started it; True when it was taken."""
        keys = (in_progress_key_prefix + job_id, self._keys.job_queue, job_key_prefix + job_id)
        with redis_errors():
            taken = self._pool.eval(RECLAIM_LUA, 3, *keys, job_id)
            return bool(await cast(Awaitable[Any], taken))

    async def worker_alive(self) -> bool:
        """Has a worker renewed its health key within the last HEALTH_SECONDS + 1?"""
        with redis_errors():
            return bool(await self._pool.exists(self._keys.job_queue + health_check_key_suffix))

    async def aclose(self) -> None:
        await self._pool.aclose()


class WorkerQueue:
    """The web process's Redis queue: connects on first use (Redis may be down at start-up) and
    refuses work (NoWorker) while no worker is alive, so a FallbackQueue runs it here instead."""

    def __init__(self, redis_url: str, keys: Keys, known: Collection[str]) -> None:
        self._url, self._keys, self._known = redis_url, keys, tuple(known)
        self._queue: ArqQueue | None = None
        self._connecting = asyncio.Lock()

    async def _connected(self) -> ArqQueue:
        async with self._connecting:
            if self._queue is None:
                self._queue = await ArqQueue.connect(self._url, self._keys, self._known)
            return self._queue

    async def worker_alive(self) -> bool:
        return await (await self._connected()).worker_alive()

    async def enqueue(self, name: str, payload: Payload) -> str:
        queue = await self._connected()
        if not await queue.worker_alive():
            raise NoWorker("no qbx worker is running")
        return await queue.enqueue(name, payload)

    async def reclaim(self, job_id: str) -> bool:
        return await (await self._connected()).reclaim(job_id)

    async def aclose(self) -> None:
        if self._queue is not None:
            await self._queue.aclose()
            self._queue = None


def arq_settings(redis_url: str) -> RedisSettings:
    settings = RedisSettings.from_dsn(redis_url)
    settings.conn_retries = 1  # fail fast: callers fall back or report Redis down
    return settings


def arq_function(registry: JobRegistry[D], name: str, policy: RetryPolicy) -> Function:
    """The arq coroutine for job `name`: our timeout, Retry with back-off, give-up on the last."""

    async def run(ctx: dict[str, Any], payload: Payload) -> object:
        attempt = int(ctx["job_try"])
        job = JobContext(str(ctx["job_id"]), name, attempt, policy.max_tries, registry.deps)
        if attempt > policy.max_tries:  # its worker died during the last try
            await registry.give_up(GaveUp(job.job_id, name, payload, attempt - 1, "worker lost"))
            return None
        try:
            return await run_try(registry, job, payload, policy.timeout)
        except Exception as exc:  # retried by arq, or reported to the thread on the last try
            log.info("job.failed", job=name, job_id=job.job_id, attempt=attempt, error=reason(exc))
            if attempt < policy.max_tries:
                raise Retry(defer=policy.delay(attempt)) from exc
            await registry.give_up(GaveUp(job.job_id, name, payload, attempt, reason(exc)))
            raise

    # One extra arq try lets a job lost on its last try reach give_up above.
    limit = policy.timeout + TIMEOUT_MARGIN_SECONDS
    return func(run, name=name, max_tries=policy.max_tries + 1, timeout=limit)


def build_worker(
    registry: JobRegistry[D],
    policy: RetryPolicy,
    *,
    redis_url: str,
    keys: Keys,
    burst: bool = False,
    handle_signals: bool = True,
    poll_delay: float = 0.5,
) -> Worker:
    """An arq Worker for every registered job. Construct it inside a running event loop."""
    functions = [arq_function(registry, name, policy) for name in registry.names()]
    worker = Worker(
        functions=functions,
        queue_name=keys.job_queue,
        redis_settings=RedisSettings.from_dsn(redis_url),
        burst=burst,
        handle_signals=handle_signals,
        poll_delay=poll_delay,
        keep_result=KEEP_RESULT_SECONDS,
        max_tries=policy.max_tries + 1,
        job_timeout=policy.timeout + TIMEOUT_MARGIN_SECONDS,
        health_check_interval=HEALTH_SECONDS,
    )
    # arq re-runs a job whose worker died once its in-progress key expires: by default the
    # longest timeout + 10 s; QBX_JOB_LOST_GRACE_SECONDS sets that margin.
    worker.in_progress_timeout_s = policy.timeout + TIMEOUT_MARGIN_SECONDS + policy.lost_grace
    return worker


async def close_worker(worker: Worker) -> None:
    """Worker.close() without its deprecated redis close(): finish tasks, drop health, close."""
    if worker.tasks:
        await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
    pool = worker._pool  # arq keeps its pool private; None when it never connected
    if pool is not None:
        with contextlib.suppress(StoreUnavailable), redis_errors():
            await pool.delete(worker.health_check_key)
        await pool.aclose()
        worker._pool = None


async def work_until_stopped(
    make_worker: Callable[[], Worker],
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    pause_seconds: float = WORKER_RESTART_SECONDS,
) -> None:
    """Run arq workers until a signal stops them; Redis going away only pauses the work."""
    while True:
        worker = make_worker()
        try:
            with redis_errors():
                await worker.async_run()
            return  # a burst worker emptied the queue
        except asyncio.CancelledError:  # SIGINT/SIGTERM: arq cancelled its main task
            return
        except StoreUnavailable as exc:
            if worker.burst:
                raise
            log.warning("worker.redis_unavailable", reason=str(exc), retry_in=pause_seconds)
        finally:
            await close_worker(worker)
        await sleep(pause_seconds)
