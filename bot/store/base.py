"""The Store protocol every shared-state backend implements, and the values it trades in.

Redis errors never leave a store: an unreachable server raises StoreUnavailable, anything else
StoreError. Times are epoch seconds from an injected clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.diagnostics.report import Report
from bot.errors import StoreError

JsonValue = Any
"""A value json.dumps accepts (dict, list, str, int, float, bool, None)."""

Work = Callable[[], Awaitable[str]]
"""A single flight's work: returns its result as text (a Report's JSON, say)."""


class FlightFailed(StoreError):
    """The caller that ran a single flight failed; every waiter gets this with its reason."""


@dataclass(frozen=True)
class CachedReport:
    report: Report
    stored_at: datetime

    def age_seconds(self, now: float) -> float:
        return max(0.0, now - self.stored_at.timestamp())


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after_seconds: float = 0.0  # when refused: until the oldest hit leaves the window


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: who did what, to what, where."""

    actor: str  # Slack user id, "cli", or an application name
    action: str  # "trace", "check", "button:log_pdf", "ledger:import", ...
    target: str = ""  # what was traced or acted on
    where: str = ""  # Slack channel id, "cli", "http"
    detail: str = ""
    at: datetime | None = None  # set by the store when the entry is written

    def fields(self) -> dict[str, str]:
        at = self.at.isoformat() if self.at else ""
        names = ("actor", "action", "target", "where", "detail")
        return {"at": at, **{name: str(getattr(self, name)) for name in names}}

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> AuditEntry:
        at = datetime.fromisoformat(fields["at"]) if fields.get("at") else None
        return cls(
            actor=fields.get("actor", ""),
            action=fields.get("action", ""),
            target=fields.get("target", ""),
            where=fields.get("where", ""),
            detail=fields.get("detail", ""),
            at=at,
        )


@dataclass(frozen=True)
class IndexedRecord:
    """A ledger record as the store sees it: an id, its JSON, and where to find it."""

    record_id: str
    body: str  # JSON text
    score: float  # epoch seconds (submitted_at): newest first, and aged out by it
    index: tuple[tuple[str, str], ...]  # (index name, value), e.g. ("message", "<id>")


def utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class Store(Protocol):
    """Shared state: dedupe, single flight, caches, contexts, limits, audit, ledger, locks."""

    async def ping(self) -> bool:
        """True when the backend answers."""
        ...

    async def claim_event(self, event_id: str) -> bool:
        """First claimer of a Slack event_id / client_msg_id wins (kept EVENT_TTL)."""
        ...

    async def claim(self, key: str, ttl_seconds: float) -> bool:
        """First claimer of `key` within `ttl_seconds` wins (thread+id, button clicks)."""
        ...

    async def single_flight(self, key: str, work: Work, *, ttl_seconds: float) -> str:
        """Run `work` once for concurrent callers of `key`; all get its result.

        `ttl_seconds` bounds how long the runner may take: if it dies, a waiter takes over
        after that long. Waiters of a runner that failed get FlightFailed.
        """
        ...

    async def put_report(self, target_key: str, report: Report, ttl_seconds: float) -> None: ...

    async def get_report(self, target_key: str) -> CachedReport | None: ...

    async def put_context(self, value: JsonValue) -> str:
        """Keep `value` CONTEXT_TTL; return an opaque, URL-safe key for a button's value."""
        ...

    async def get_context(self, key: str) -> JsonValue | None: ...

    async def hit_rate_limit(self, user_id: str, limit_per_minute: int) -> RateDecision:
        """Count one trace for `user_id` if under the limit (sliding minute)."""
        ...

    async def audit(self, entry: AuditEntry) -> None: ...

    async def recent_audit(self, n: int) -> list[AuditEntry]:
        """The newest `n` entries, newest first."""
        ...

    async def get_json(self, key: str) -> JsonValue | None: ...

    async def put_json(self, key: str, value: JsonValue, ttl_seconds: float | None) -> None: ...

    def lock(self, name: str, ttl_seconds: float) -> AbstractAsyncContextManager[bool]:
        """Try once to hold `name` for up to `ttl_seconds`; yields whether it was acquired."""
        ...

    async def put_records(self, records: Sequence[IndexedRecord], ttl_seconds: float) -> None:
        """Store ledger records and index them (one round trip per batch)."""
        ...

    async def find_records(self, index: str, value: str, limit: int) -> list[str]:
        """Bodies of the newest live records indexed under (index, value)."""
        ...

    async def aclose(self) -> None: ...
