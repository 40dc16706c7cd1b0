"""Shared state: the Store protocol, its memory and Redis versions, and Redis-with-fallback.

The only package that imports redis. The interface: bot.store.base.Store; key names and TTLs:
bot.store.keys. FallbackStore.degraded says when Redis is down (for /healthz).

    store = open_store(redis_url=None, prefix="qbx:", clock=time.time)   # MemoryStore
    store = open_store(redis_url="redis://...", prefix="qbx:", clock=time.time)  # FallbackStore
"""

from __future__ import annotations

from bot.clocks import EpochClock
from bot.store.base import (
    AuditEntry,
    CachedReport,
    FlightFailed,
    IndexedRecord,
    JsonValue,
    RateDecision,
    Store,
    Work,
)
from bot.store.fallback import FallbackStore
from bot.store.keys import Keys
from bot.store.memory import MemoryStore
from bot.store.redis_store import RedisStore, redis_errors


def open_store(
    *, redis_url: str | None, prefix: str, clock: EpochClock
) -> MemoryStore | FallbackStore:
    """Memory without a Redis URL; else Redis, falling back to memory while Redis is down."""
    memory = MemoryStore(prefix=prefix, clock=clock)
    if redis_url is None:
        return memory
    primary = RedisStore.from_url(redis_url, prefix=prefix, clock=clock)
    return FallbackStore(primary, memory, clock=clock)


__all__ = [
    "AuditEntry",
    "CachedReport",
    "FallbackStore",
    "FlightFailed",
    "IndexedRecord",
    "JsonValue",
    "Keys",
    "MemoryStore",
    "RateDecision",
    "RedisStore",
    "Store",
    "Work",
    "open_store",
    "redis_errors",
]
