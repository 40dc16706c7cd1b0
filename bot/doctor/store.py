"""Store checks: Redis answers (or the embedded in-process state is in use), and whether a
`qbx worker` has renewed its health key lately."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from bot.doctor.report import Area, Check, Status
from bot.errors import StoreError
from bot.jobs import ArqQueue
from bot.jobs.arq_queue import HEALTH_SECONDS
from bot.store import Keys, RedisStore


def redis_place(url: str) -> str:
    """host:port of a Redis URL, without its password or database."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path or "a unix socket"
    return f"{parts.hostname or '?'}:{parts.port or 6379}"


def memory_checks() -> list[Check]:
    return [
        Check(
            Area.STORE, "shared state", Status.OK,
            "REDIS_URL unset: state lives in this process (one qbx serve process only)",
        ),
        Check(Area.STORE, "worker", Status.OK, "not needed: without Redis, jobs run in qbx serve"),
    ]  # fmt: skip


async def redis_up(url: str, prefix: str) -> bool:
    store = RedisStore.from_url(url, prefix=prefix, clock=time.time)
    try:
        return await store.ping()
    finally:
        await store.aclose()


async def worker_alive(url: str, prefix: str) -> bool:
    queue = await ArqQueue.connect(url, Keys(prefix), ())
    try:
        return await queue.worker_alive()
    finally:
        await queue.aclose()


async def store_checks(url: str | None, prefix: str) -> list[Check]:
    if url is None:
        return memory_checks()
    place = redis_place(url)
    if not await redis_up(url, prefix):
        return [
            Check(
                Area.STORE, "shared state", Status.FAIL, f"Redis at {place} does not answer "
                "(qbx would keep answering from process memory, degraded)",
                "start Redis or correct REDIS_URL",
            ),
            Check(Area.STORE, "worker", Status.WARN, "cannot tell while Redis is down"),
        ]  # fmt: skip
    return [Check(Area.STORE, "shared state", Status.OK, f"Redis at {place} answers"),
            await _worker_check(url, prefix)]  # fmt: skip


async def _worker_check(url: str, prefix: str) -> Check:
    try:
        alive = await worker_alive(url, prefix)
    except StoreError as error:
        return Check(Area.STORE, "worker", Status.WARN, f"cannot tell: {error}")
    if alive:
        return Check(
            Area.STORE, "worker", Status.OK, f"a qbx worker reported within {HEALTH_SECONDS + 1} s"
        )
    return Check(
        Area.STORE, "worker", Status.WARN, "no qbx worker alive: Deeper trace, PDF and incident "
        "jobs run in the web process", "run `qbx worker` beside `qbx serve` (Procfile: worker)",
    )  # fmt: skip
