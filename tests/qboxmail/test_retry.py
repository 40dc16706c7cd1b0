"""The retry backoff on its own: backoff and jitter bounds, Retry-After parsing, the time budget."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import (
    ApiAuthError,
    ApiNotFound,
    ApiRateLimited,
    ApiServerError,
    ApiTimeout,
    ApiUnreachable,
    ApiValidationError,
    QboxmailError,
)
from bot.qboxmail.retry import RetryBackoff, Timing, parse_retry_after, retryable, run_with_retries

from .conftest import FakeTime

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


def err(cls: type[QboxmailError], status: int | None = None) -> QboxmailError:
    return cls("boom", method="GET", path="/api/domains", status=status)


@pytest.mark.parametrize("retry", [0, 1, 2, 3, 4, 5, 8])
def test_backoff_stays_within_half_and_full_ceiling(retry: int) -> None:
    policy = RetryBackoff(base_delay=0.25, max_delay=8.0)
    ceiling = min(8.0, 0.25 * 2**retry)
    assert policy.backoff(retry, 0.0) == pytest.approx(ceiling / 2)
    assert policy.backoff(retry, 1.0) == pytest.approx(ceiling)
    assert ceiling / 2 <= policy.backoff(retry, 0.37) <= ceiling


def test_backoff_grows_exponentially_until_the_cap() -> None:
    policy = RetryBackoff(base_delay=0.5, max_delay=4.0)
    assert [policy.backoff(n, 1.0) for n in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]


@pytest.mark.parametrize("bad_jitter", [-3.0, 7.5])
def test_jitter_out_of_range_is_clamped(bad_jitter: float) -> None:
    policy = RetryBackoff(base_delay=1.0, max_delay=10.0)
    assert 0.5 <= policy.backoff(0, bad_jitter) <= 1.0


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (err(ApiUnreachable), True),
        (err(ApiTimeout), True),
        (err(ApiServerError, 503), True),
        (err(ApiRateLimited, 429), True),
        (err(ApiAuthError, 401), False),
        (err(ApiNotFound, 404), False),
        (err(ApiValidationError, 422), False),
    ],
    ids=["unreachable", "timeout", "5xx", "429", "401", "404", "422"],
)
def test_only_transient_errors_are_retryable(error: QboxmailError, expected: bool) -> None:
    assert retryable(error) is expected


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        (" 1.5 ", 1.5),
        ("0", 0.0),
        ("-4", 0.0),
        ("Mon, 23 Nov 2026 12:00:07 GMT", 7.0),
        ("Mon, 23 Nov 2026 11:59:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
    ids=[
        "int",
        "float",
        "zero",
        "negative",
        "http-date",
        "date-in-past",
        "garbage",
        "empty",
        "absent",
    ],
)
def test_retry_after_accepts_seconds_and_http_dates(
    header: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(header, NOW) == seconds


def test_retry_after_above_the_cap_means_give_up() -> None:
    policy = RetryBackoff(max_retry_after=30.0)
    limited = err(ApiRateLimited, 429)
    assert isinstance(limited, ApiRateLimited)
    assert policy.delay(limited.with_retry_after(12.0), 0, 0.5) == 12.0
    assert policy.delay(limited.with_retry_after(31.0), 0, 0.5) is None


async def test_budget_stops_retries_before_sleeping_past_it(fake_time: FakeTime) -> None:
    policy = RetryBackoff(max_retries=10, budget=5.0, base_delay=1.0, max_delay=100.0)
    calls: list[tuple[int, float]] = []

    async def always_down(retry: int, left: float) -> str:
        calls.append((retry, left))
        raise err(ApiServerError, 503)

    with pytest.raises(ApiServerError):
        await run_with_retries(
            always_down, policy, Timing(fake_time.sleep, fake_time.clock, lambda: 1.0)
        )
    # waits 1 + 2 = 3 s; the next wait (4 s) would end past the 5 s budget, so it gives up
    assert fake_time.sleeps == [1.0, 2.0]
    assert [left for _, left in calls] == [5.0, 4.0, 2.0]
    assert sum(fake_time.sleeps) <= policy.budget


async def test_slow_attempts_count_against_the_budget(fake_time: FakeTime) -> None:
    policy = RetryBackoff(max_retries=10, budget=10.0, base_delay=1.0, max_delay=1.0)

    async def slow_and_down(retry: int, left: float) -> str:
        fake_time.now += 4.0  # each attempt takes 4 s before it fails
        raise err(ApiUnreachable)

    with pytest.raises(ApiUnreachable):
        await run_with_retries(
            slow_and_down, policy, Timing(fake_time.sleep, fake_time.clock, lambda: 1.0)
        )
    assert fake_time.sleeps == [
        1.0,
        1.0,
    ]  # 4+1+4+1+4 = 14 s: a third wait would end past the 10 s budget


async def test_max_retries_bounds_the_attempts(fake_time: FakeTime) -> None:
    policy = RetryBackoff(max_retries=2, budget=1_000.0)
    attempts: list[int] = []

    async def down(retry: int, left: float) -> str:
        attempts.append(retry)
        raise err(ApiTimeout)

    with pytest.raises(ApiTimeout):
        await run_with_retries(down, policy, Timing(fake_time.sleep, fake_time.clock, lambda: 0.0))
    assert attempts == [0, 1, 2]


async def test_success_after_failures_returns_the_value(fake_time: FakeTime) -> None:
    outcomes: list[QboxmailError | str] = [err(ApiServerError, 502), err(ApiUnreachable), "ok"]

    async def flaky(retry: int, left: float) -> str:
        outcome = outcomes[retry]
        if isinstance(outcome, QboxmailError):
            raise outcome
        return outcome

    timing = Timing(fake_time.sleep, fake_time.clock, lambda: 0.0)
    assert await run_with_retries(flaky, RetryBackoff(base_delay=0.5), timing) == "ok"
    assert fake_time.sleeps == [0.25, 0.5]
