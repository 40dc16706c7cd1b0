"""The HTTP retry budget of idempotent Qboxmail calls: exponential backoff with jitter,
Retry-After, at most `max_retries` retries, and never sleeping past a total time budget.

Pure apart from the injected sleep, clock and jitter, so tests drive time by hand.
"""

from __future__ import annotations

import email.utils
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from bot.clocks import Monotonic
from bot.errors import ApiRateLimited, ApiServerError, ApiUnreachable, QboxmailError
from bot.logs import get_logger

log = get_logger("bot.qboxmail")

T = TypeVar("T")

Sleep = Callable[[float], Awaitable[None]]
Jitter = Callable[[], float]
Attempt = Callable[[int, float], Awaitable[T]]  # (retry number, budget seconds left) -> result


@dataclass(frozen=True)
class RetryBackoff:
    """How often and how long to retry. `budget` bounds the whole call, sleeps included."""

    max_retries: int = 4
    budget: float = 20.0
    base_delay: float = 0.25
    max_delay: float = 8.0
    max_retry_after: float = 30.0  # a server asking for a longer wait gets no retry

    def backoff(self, retry: int, jitter: float) -> float:
        """Delay before retry number `retry` (0-based): within [ceiling/2, ceiling]."""
        ceiling = min(self.max_delay, self.base_delay * 2.0**retry)
        return ceiling * (0.5 + 0.5 * min(max(jitter, 0.0), 1.0))

    def delay(self, error: QboxmailError, retry: int, jitter: float) -> float | None:
        """Seconds to wait before retrying after `error`, or None to give up now."""
        if retry >= self.max_retries or not retryable(error):
            return None
        retry_after = error.retry_after if isinstance(error, ApiRateLimited) else None
        if retry_after is None:
            return self.backoff(retry, jitter)
        return retry_after if retry_after <= self.max_retry_after else None


@dataclass(frozen=True)
class Timing:
    """The injected passage of time."""

    sleep: Sleep
    clock: Monotonic
    jitter: Jitter


def retryable(error: QboxmailError) -> bool:
    """Connection errors, timeouts, 5xx and 429 may succeed later; nothing else will."""
    return isinstance(error, ApiUnreachable | ApiServerError | ApiRateLimited)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from `now`: delta-seconds or an HTTP date; None if absent/bad."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


async def run_with_retries(attempt: Attempt[T], backoff: RetryBackoff, timing: Timing) -> T:
    """Call `attempt` until it succeeds or `backoff` gives up; then raise the last error."""
    started = timing.clock()
    retry = 0
    while True:
        left = backoff.budget - (timing.clock() - started)
        try:
            return await attempt(retry, left)
        except QboxmailError as error:
            wait = backoff.delay(error, retry, timing.jitter())
            spent = timing.clock() - started
            if wait is None or spent + wait > backoff.budget:
                raise
            log.debug(
                "qboxmail.retry",
                method=error.method,
                path=error.path,
                status=error.status,
                error=type(error).__name__,
                retry=retry + 1,
                wait_s=round(wait, 3),
            )
            await timing.sleep(wait)
            retry += 1
