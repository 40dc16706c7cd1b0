"""Background jobs (deeper traces, PDF fetches, incident checks): one registry, two queues.

Job functions are plain `async def job(ctx: JobContext[D], payload) -> object`; `ctx.deps` holds
their dependencies. A failing job is retried with doubling back-off; when it gives up, the
registry's `on_give_up` hears of it. With Redis the queue is arq's and `qbx worker` runs the
jobs (a job whose worker died runs again); without Redis they run in-process.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from arq import Retry, Worker
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.worker import Function, func

from bot.errors import StoreUnavailable
from bot.logs import get_logger
from bot.store import Keys, redis_errors

D = TypeVar("D")
Payload = dict[str, Any]  # JSON-shaped: it crosses processes
log = get_logger(__name__)
KEEP_RESULT_SECONDS = 3600  # arq keeps a finished job's result (and refuses its id again) this long
TIMEOUT_MARGIN_SECONDS = 1.0  # arq's own timeout sits behind ours, so ours retries first


@dataclass(frozen=True)
class JobContext(Generic[D]):
    job_id: str
    name: str
    attempt: int  # 1 on the first try
    max_tries: int
    deps: D


JobFunction = Callable[[JobContext[D], Payload], Awaitable[object]]


@dataclass(frozen=True)
class GaveUp:
    """A job that failed its last try: what the Slack layer tells the thread."""

    job_id: str
    name: str
    payload: Payload
    attempts: int
    error: str


GiveUpHandler = Callable[[GaveUp], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    max_tries: int = 3
    first_delay: float = 5.0  # seconds before the second try; doubles per try
    timeout: float = 300.0  # seconds one try may run
    lost_grace: float = 10.0  # after timeout + this, a job whose worker died runs again

    def delay(self, attempt: int) -> float:
        return float(self.first_delay * 2 ** (attempt - 1))


class UnknownJob(KeyError):
    """No job function is registered under this name."""


class JobRegistry(Generic[D]):
    """Job functions by name, the dependencies they get, and who hears when one gives up."""

    def __init__(self, deps: D, *, on_give_up: GiveUpHandler | None = None) -> None:
        self.deps = deps
        self._on_give_up = on_give_up
        self._functions: dict[str, JobFunction[D]] = {}

    def register(self, name: str, function: JobFunction[D]) -> None:
        if name in self._functions:
            raise ValueError(f"job {name!r} is registered twice")
        self._functions[name] = function

    def names(self) -> tuple[str, ...]:
        return tuple(self._functions)

    def function(self, name: str) -> JobFunction[D]:
        try:
            return self._functions[name]
        except KeyError:
            raise UnknownJob(name) from None

    async def give_up(self, gave_up: GaveUp) -> None:
        log.warning("job.gave_up", job=gave_up.name, job_id=gave_up.job_id, error=gave_up.error)
        if self._on_give_up is not None:
            await self._on_give_up(gave_up)


async def run_try(
    registry: JobRegistry[D], ctx: JobContext[D], payload: Payload, limit_seconds: float
) -> object:
    """One try of a job, bounded by `limit_seconds`."""
    async with asyncio.timeout(limit_seconds):
        return await registry.function(ctx.name)(ctx, payload)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class JobQueue(Protocol):
    async def enqueue(self, name: str, payload: Payload) -> str:
        """Queue job `name`; return its id. UnknownJob for an unregistered name."""
        ...


# --- in process ---------------------------------------------------------------------------------
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
                error = _reason(exc)
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


# --- arq (Redis) --------------------------------------------------------------------------------
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

    async def aclose(self) -> None:
        await self._pool.aclose()


class FallbackQueue:
    """Redis's queue first; while Redis is down, jobs run in this process instead of failing."""

    def __init__(self, primary: JobQueue, fallback: JobQueue) -> None:
        self._primary = primary
        self._fallback = fallback

    async def enqueue(self, name: str, payload: Payload) -> str:
        try:
            return await self._primary.enqueue(name, payload)
        except StoreUnavailable as exc:
            log.warning("jobs.queue_unavailable", job=name, reason=str(exc), fallback="process")
            return await self._fallback.enqueue(name, payload)


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
            if attempt < policy.max_tries:
                raise Retry(defer=policy.delay(attempt)) from exc
            await registry.give_up(GaveUp(job.job_id, name, payload, attempt, _reason(exc)))
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
        health_check_interval=60,
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
        with redis_errors():
            await pool.delete(worker.health_check_key)
        await pool.aclose()
        worker._pool = None


# --- the built-in registry (the Slack layer registers its jobs beside these) --------------------
async def ping(ctx: JobContext[Any], payload: Payload) -> Payload:
    """A demo job: answers with its payload and try number (checks a worker end to end)."""
    return {"pong": payload.get("token"), "attempt": ctx.attempt}


def builtin_jobs(settings: object) -> JobRegistry[None]:
    """`qbx worker`'s default job factory."""
    registry: JobRegistry[None] = JobRegistry(None)
    registry.register("ping", ping)
    return registry
