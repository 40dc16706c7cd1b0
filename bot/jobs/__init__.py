"""Background jobs (deeper traces, PDF fetches, incident checks): one registry, two queues.

Jobs are `async def job(ctx: JobContext[D], payload) -> object` (ctx.deps: their dependencies),
retried with back-off, then reported to `on_give_up`; on arq with Redis, else in-process.
"""

from __future__ import annotations

from bot.jobs.arq_queue import (
    ArqQueue,
    NoWorker,
    WorkerQueue,
    arq_function,
    build_worker,
    close_worker,
    work_until_stopped,
)
from bot.jobs.local import FallbackQueue, InProcessQueue
from bot.jobs.registry import (
    GaveUp,
    GiveUpHandler,
    JobContext,
    JobFunction,
    JobQueue,
    JobRegistry,
    Payload,
    RetryPolicy,
    UnknownJob,
)

__all__ = [
    "ArqQueue",
    "FallbackQueue",
    "GaveUp",
    "GiveUpHandler",
    "InProcessQueue",
    "JobContext",
    "JobFunction",
    "JobQueue",
    "JobRegistry",
    "NoWorker",
    "Payload",
    "RetryPolicy",
    "UnknownJob",
    "WorkerQueue",
    "arq_function",
    "build_worker",
    "close_worker",
    "work_until_stopped",
]
