"""A watch as a value, its back-off schedule and its API budget (pure: no I/O).

A watch re-traces one message on the schedule below until the verdict is final (anything but
queued or deferred: delivered, bounced — expiry included —, suppressed, ...) or its time is up.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any, Final

# Seconds from one check to the next: quick at first (greylisting retries within minutes),
# then every 30 minutes (Qboxmail's queue retries 30 min, 1 h, 2 h, ... apart).
BACKOFF: Final[tuple[int, ...]] = (60, 120, 300, 600, 900, 1800)
POLL_SECONDS: Final = 30.0  # how often a poller looks for due watches
OPEN_CODES: Final = frozenset({"queued", "deferred"})  # verdicts that may still change
CALLS_PER_CHECK: Final = 6  # API calls of one message re-trace, at most (measured in the tests)


class WatchStatus(StrEnum):
    WATCHING = "watching"
    FINISHED = "finished"  # reached a final verdict
    EXPIRED = "expired"  # QBX_WATCH_TTL_HOURS passed first
    STOPPED = "stopped"  # someone pressed Stop watching


@dataclass(frozen=True)
class Watch:
    watch_id: str
    spec: dict[str, Any]  # the TraceSpec as JSON
    subject: str  # what is watched, as the result names it
    channel: str
    parent_ts: str  # the result message updated in place
    user: str
    started_at: float  # epoch seconds
    next_at: float
    checks: int = 0
    code: str = ""  # the last verdict code
    key: str = ""  # the opaque key of the last result's context (its report and buttons)
    status: WatchStatus = WatchStatus.WATCHING

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Watch:
        return cls(**{**data, "status": WatchStatus(data["status"])})

    def due(self, now: float) -> bool:
        return self.status is WatchStatus.WATCHING and self.next_at <= now


def delay_after(checks: int) -> int:
    """Seconds until the next check, after `checks` checks so far."""
    return BACKOFF[min(checks, len(BACKOFF) - 1)]


def is_final(code: str) -> bool:
    return code not in OPEN_CODES


def after_check(watch: Watch, code: str, now: float, ttl_seconds: float, key: str = "") -> Watch:
    """The watch after one check that found `code` at `now` (its result kept under `key`)."""
    checks = watch.checks + 1
    status = WatchStatus.WATCHING
    if is_final(code):
        status = WatchStatus.FINISHED
    elif now - watch.started_at >= ttl_seconds:
        status = WatchStatus.EXPIRED
    next_at = now + delay_after(checks)
    key = key or watch.key
    return replace(watch, checks=checks, code=code, status=status, next_at=next_at, key=key)


def max_checks_per_hour() -> int:
    """The most checks one watch makes in any hour: its first hour, when the back-off is short."""
    elapsed, checks = 0, 0
    while True:
        elapsed += delay_after(checks)
        if elapsed > 3600:
            return checks
        checks += 1


def max_calls_per_hour() -> int:
    return max_checks_per_hour() * CALLS_PER_CHECK
