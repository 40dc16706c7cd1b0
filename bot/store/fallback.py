"""Redis first, the process when Redis is down: the bot keeps answering and recovers by itself.

Dedupe, single flight, caches, contexts, limits, audit and state fall back to memory; the
ledger does not (it raises StoreUnavailable, so POST /ledger answers 503 instead of dropping).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TypeVar

from bot.clocks import EpochClock
from bot.diagnostics.report import Report
from bot.errors import StoreUnavailable
from bot.logs import get_logger
from bot.store.base import (
    AuditEntry,
    CachedReport,
    IndexedRecord,
    JsonValue,
    RateDecision,
    Work,
)
from bot.store.memory import MemoryStore
from bot.store.redis_store import RedisStore

log = get_logger(__name__)
T = TypeVar("T")
FIRST_RETRY_SECONDS = 2.0  # after an outage is seen, the primary is tried again this soon
MAX_RETRY_SECONDS = 30.0  # ... doubling up to this while it stays down


class FallbackStore:
    """A Store over a RedisStore (primary) with a MemoryStore to fall back on."""

    def __init__(self, primary: RedisStore, fallback: MemoryStore, *, clock: EpochClock) -> None:
        self.primary = primary
        self.fallback = fallback
        self._clock = clock
        self._degraded = False
        self._retry_at = 0.0
        self._backoff = FIRST_RETRY_SECONDS

    @property
    def degraded(self) -> bool:
        """True while Redis is unreachable and state lives in this process (for /healthz)."""
        return self._degraded

    async def _call(
        self, primary: Callable[[], Awaitable[T]], fallback: Callable[[], Awaitable[T]]
    ) -> T:
        if self._degraded and self._clock() < self._retry_at:
            return await fallback()
        try:
            result = await primary()
        except StoreUnavailable as exc:
            self._outage(exc)
            return await fallback()
        self._recovered()
        return result

    async def _primary_only(self, primary: Callable[[], Awaitable[T]]) -> T:
        try:
            result = await primary()
        except StoreUnavailable as exc:
            self._outage(exc)
            raise
        self._recovered()
        return result

    def _outage(self, exc: StoreUnavailable) -> None:
        if not self._degraded:
            log.warning("store.degraded", reason=str(exc), fallback="process memory")
            self._degraded = True
            self._backoff = FIRST_RETRY_SECONDS
        else:
            self._backoff = min(self._backoff * 2, MAX_RETRY_SECONDS)
        self._retry_at = self._clock() + self._backoff

    def _recovered(self) -> None:
        if self._degraded:
            log.warning("store.recovered")
            self._degraded = False

    async def ping(self) -> bool:
        return await self.primary.ping()

    async def claim_event(self, event_id: str) -> bool:
        won = await self._call(
            lambda: self.primary.claim_event(event_id),
            lambda: self.fallback.claim_event(event_id),
        )
        return won and not self._claimed_during_outage(self.fallback.keys.event(event_id))

    async def claim(self, key: str, ttl_seconds: float) -> bool:
        won = await self._call(
            lambda: self.primary.claim(key, ttl_seconds),
            lambda: self.fallback.claim(key, ttl_seconds),
        )
        return won and not self._claimed_during_outage(self.fallback.keys.claim(key))

    def _claimed_during_outage(self, key: str) -> bool:
        """Redis said first, but this process took the claim while Redis was down."""
        return not self._degraded and self.fallback.has(key)

    async def single_flight(self, key: str, work: Work, *, ttl_seconds: float) -> str:
        return await self._call(
            lambda: self.primary.single_flight(key, work, ttl_seconds=ttl_seconds),
            lambda: self.fallback.single_flight(key, work, ttl_seconds=ttl_seconds),
        )

    async def put_report(self, target_key: str, report: Report, ttl_seconds: float) -> None:
        await self._call(
            lambda: self.primary.put_report(target_key, report, ttl_seconds),
            lambda: self.fallback.put_report(target_key, report, ttl_seconds),
        )

    async def get_report(self, target_key: str) -> CachedReport | None:
        found = await self._call(
            lambda: self.primary.get_report(target_key),
            lambda: self.fallback.get_report(target_key),
        )
        return found or await self.fallback.get_report(target_key)

    async def put_context(self, value: JsonValue) -> str:
        return await self._call(
            lambda: self.primary.put_context(value), lambda: self.fallback.put_context(value)
        )

    async def get_context(self, key: str) -> JsonValue | None:
        found = await self._call(
            lambda: self.primary.get_context(key), lambda: self.fallback.get_context(key)
        )
        return found if found is not None else await self.fallback.get_context(key)

    async def hit_rate_limit(self, user_id: str, limit_per_minute: int) -> RateDecision:
        return await self._call(
            lambda: self.primary.hit_rate_limit(user_id, limit_per_minute),
            lambda: self.fallback.hit_rate_limit(user_id, limit_per_minute),
        )

    async def audit(self, entry: AuditEntry) -> None:
        await self._call(lambda: self.primary.audit(entry), lambda: self.fallback.audit(entry))

    async def recent_audit(self, n: int) -> list[AuditEntry]:
        return await self._call(
            lambda: self.primary.recent_audit(n), lambda: self.fallback.recent_audit(n)
        )

    async def get_json(self, key: str) -> JsonValue | None:
        found = await self._call(
            lambda: self.primary.get_json(key), lambda: self.fallback.get_json(key)
        )
        return found if found is not None else await self.fallback.get_json(key)

    async def put_json(self, key: str, value: JsonValue, ttl_seconds: float | None) -> None:
        await self._call(
            lambda: self.primary.put_json(key, value, ttl_seconds),
            lambda: self.fallback.put_json(key, value, ttl_seconds),
        )

    @asynccontextmanager
    async def lock(self, name: str, ttl_seconds: float) -> AsyncIterator[bool]:
        async with AsyncExitStack() as stack:
            acquired = await self._call(
                lambda: stack.enter_async_context(self.primary.lock(name, ttl_seconds)),
                lambda: stack.enter_async_context(self.fallback.lock(name, ttl_seconds)),
            )
            yield acquired

    async def pending_put(self, item_id: str, value: JsonValue) -> None:
        """Acknowledged work is only worth recording where other replicas can see it."""
        await self._primary_only(lambda: self.primary.pending_put(item_id, value))

    async def pending_drop(self, item_id: str) -> None:
        await self._primary_only(lambda: self.primary.pending_drop(item_id))

    async def pending_all(self) -> dict[str, JsonValue]:
        return await self._primary_only(self.primary.pending_all)

    async def put_records(self, records: Sequence[IndexedRecord], ttl_seconds: float) -> None:
        await self._primary_only(lambda: self.primary.put_records(records, ttl_seconds))

    async def find_records(self, index: str, value: str, limit: int) -> list[str]:
        return await self._primary_only(lambda: self.primary.find_records(index, value, limit))

    async def aclose(self) -> None:
        await self.primary.aclose()
        await self.fallback.aclose()
