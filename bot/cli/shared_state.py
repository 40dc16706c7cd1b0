"""How command-line tools reach the shared state: the Redis the serving processes use."""

from __future__ import annotations

import asyncio
import sys
import time

from bot.cli import EXIT_UNREACHABLE, EXIT_USAGE
from bot.errors import ConfigError, StoreUnavailable
from bot.settings import Settings, load_settings
from bot.store import AuditEntry, RedisStore


def load_or_explain() -> Settings | None:
    """The settings, or None after printing why they are invalid."""
    try:
        return load_settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return None


def open_redis(settings: Settings, command: str) -> RedisStore | None:
    """The shared Redis store, or None after explaining that `command` needs REDIS_URL."""
    if settings.redis_url is None:
        print(
            f"qbx {command} works on the shared state in Redis: set REDIS_URL "
            "(without it, each qbx serve process keeps its state in its own memory).",
            file=sys.stderr,
        )
        return None
    return RedisStore.from_url(
        settings.redis_url, prefix=settings.qbx_redis_prefix, clock=time.time
    )


def read_audit(command: str, n: int) -> list[AuditEntry] | int:
    """The newest `n` entries of the shared audit log, or the exit code after saying why not
    (bad -n, bad settings, no REDIS_URL, Redis unreachable). `qbx audit` and `qbx feedback`."""
    if n < 1:
        print(f"qbx {command}: -n must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    settings = load_or_explain()
    store = open_redis(settings, command) if settings else None
    if store is None:
        return EXIT_USAGE
    try:
        return asyncio.run(_recent(store, n))
    except StoreUnavailable as exc:
        print(f"qbx {command}: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE


async def _recent(store: RedisStore, n: int) -> list[AuditEntry]:
    try:
        return await store.recent_audit(n)
    finally:
        await store.aclose()
