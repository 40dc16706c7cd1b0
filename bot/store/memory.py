"""The in-process Store: one process, no Redis (the embedded default and Redis's fallback).

Expiry follows the injected clock, so tests move time instead of sleeping.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from bot.clocks import EpochClock
from bot.diagnostics.report import Report
from bot.store import keys as k
from bot.store.base import (
    AuditEntry,
    CachedReport,
    FlightFailed,
    IndexedRecord,
    JsonValue,
    RateDecision,
    Work,
    utc,
)

SWEEP_EVERY = 1000  # writes between sweeps of expired entries


class _Abandoned(Exception):
    """The runner of a flight was cancelled: waiters contend again."""


class MemoryStore:
    """Store in a dict, with expiry by the injected clock."""

    def __init__(
        self,
        *,
        prefix: str = "qbx:",
        clock: EpochClock,
        token: Callable[[], str] = lambda: secrets.token_urlsafe(k.CONTEXT_KEY_BYTES),
    ) -> None:
        self.keys = k.Keys(prefix)
        self._clock = clock
        self._token = token
        self._values: dict[str, tuple[Any, float | None]] = {}
        self._indexes: dict[str, dict[str, float]] = {}
        self._hits: dict[str, deque[float]] = {}
        self._audit: deque[AuditEntry] = deque(maxlen=k.AUDIT_MAXLEN)
        self._flights: dict[str, asyncio.Future[str]] = {}
        self._writes = 0

    # --- expiring values ------------------------------------------------------------------
    def _get(self, key: str) -> Any:
        item = self._values.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and expires <= self._clock():
            del self._values[key]
            self._indexes.pop(key, None)
            return None
        return value

    def _set(self, key: str, value: Any, ttl_seconds: float | None) -> None:
        expires = None if ttl_seconds is None else self._clock() + ttl_seconds
        self._values[key] = (value, expires)
        self._writes += 1
        if self._writes % SWEEP_EVERY == 0:
            self._sweep()

    def _sweep(self) -> None:
        for key in list(self._values):
            self._get(key)

    def ttl(self, key: str) -> float | None:
        """Seconds `key` has left; None when it is missing or never expires."""
        if self._get(key) is None:
            return None
        expires = self._values[key][1]
        return None if expires is None else expires - self._clock()

    def has(self, key: str) -> bool:
        return self._get(key) is not None

    # --- Store ----------------------------------------------------------------------------
    async def ping(self) -> bool:
        return True

    async def claim_event(self, event_id: str) -> bool:
        return self._claim(self.keys.event(event_id), k.EVENT_TTL)

    async def claim(self, key: str, ttl_seconds: float) -> bool:
        return self._claim(self.keys.claim(key), ttl_seconds)

    def _claim(self, key: str, ttl_seconds: float) -> bool:
        if self._get(key) is not None:
            return False
        self._set(key, "1", ttl_seconds)
        return True

    async def single_flight(self, key: str, work: Work, *, ttl_seconds: float) -> str:
        while True:
            running = self._flights.get(key)
            if running is None:
                return await self._lead(key, work)
            try:
                return await asyncio.shield(running)
            except _Abandoned:
                continue

    async def _lead(self, key: str, work: Work) -> str:
        flight: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._flights[key] = flight
        try:
            value = await work()
        except asyncio.CancelledError:
            _settle(flight, _Abandoned())
            raise
        except Exception as exc:  # the runner re-raises; its waiters learn why
            _settle(flight, FlightFailed(f"{type(exc).__name__}: {exc}"))
            raise
        finally:
            self._flights.pop(key, None)
        flight.set_result(value)
        return value

    async def put_report(self, target_key: str, report: Report, ttl_seconds: float) -> None:
        stored = (report.to_json(), self._clock())
        self._set(self.keys.report(target_key), stored, ttl_seconds)

    async def get_report(self, target_key: str) -> CachedReport | None:
        stored = self._get(self.keys.report(target_key))
        if stored is None:
            return None
        text, at = stored
        return CachedReport(report=Report.from_json(text), stored_at=utc(at))

    async def put_context(self, value: JsonValue) -> str:
        key = self._token()
        self._set(self.keys.context(key), json.dumps(value), k.CONTEXT_TTL)
        return key

    async def get_context(self, key: str) -> JsonValue | None:
        text = self._get(self.keys.context(key))
        return None if text is None else json.loads(text)

    async def hit_rate_limit(self, user_id: str, limit_per_minute: int) -> RateDecision:
        now = self._clock()
        hits = self._hits.setdefault(user_id, deque())
        while hits and hits[0] <= now - k.RATE_WINDOW:
            hits.popleft()
        if len(hits) >= limit_per_minute:
            return RateDecision(False, hits[0] + k.RATE_WINDOW - now)
        hits.append(now)
        return RateDecision(True)

    async def audit(self, entry: AuditEntry) -> None:
        self._audit.append(_stamped(entry, self._clock()))

    async def recent_audit(self, n: int) -> list[AuditEntry]:
        return list(reversed(self._audit))[:n]

    async def get_json(self, key: str) -> JsonValue | None:
        text = self._get(self.keys.json(key))
        return None if text is None else json.loads(text)

    async def put_json(self, key: str, value: JsonValue, ttl_seconds: float | None) -> None:
        self._set(self.keys.json(key), json.dumps(value), ttl_seconds)

    @asynccontextmanager
    async def lock(self, name: str, ttl_seconds: float) -> AsyncIterator[bool]:
        key, token = self.keys.lock(name), self._token()
        acquired = self._get(key) is None
        if acquired:
            self._set(key, token, ttl_seconds)
        try:
            yield acquired
        finally:
            if acquired and self._get(key) == token:
                del self._values[key]

    async def put_records(self, records: Sequence[IndexedRecord], ttl_seconds: float) -> None:
        for record in records:
            self._set(self.keys.ledger_record(record.record_id), record.body, ttl_seconds)
            for index, value in record.index:
                self._add_to_index(self.keys.ledger_index(index, value), record, ttl_seconds)

    def _add_to_index(self, key: str, record: IndexedRecord, ttl_seconds: float) -> None:
        members = self._indexes.get(key) if self._get(key) is not None else None
        members = members if members is not None else {}
        members[record.record_id] = record.score
        self._set(key, "index", ttl_seconds)
        self._indexes[key] = members

    async def find_records(self, index: str, value: str, limit: int) -> list[str]:
        key = self.keys.ledger_index(index, value)
        members = self._indexes.get(key, {}) if self._get(key) is not None else {}
        newest = sorted(members, key=lambda rid: members[rid], reverse=True)
        bodies = (self._get(self.keys.ledger_record(rid)) for rid in newest)
        return [body for body in bodies if body is not None][:limit]

    async def aclose(self) -> None:
        return None


def _settle(flight: asyncio.Future[str], error: Exception) -> None:
    flight.set_exception(error)
    flight.exception()  # mark retrieved: a flight nobody waited for is not an error


def _stamped(entry: AuditEntry, now: float) -> AuditEntry:
    if entry.at is not None:
        return entry
    return AuditEntry(entry.actor, entry.action, entry.target, entry.where, entry.detail, utc(now))
