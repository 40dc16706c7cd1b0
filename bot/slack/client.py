"""Build the Slack Web API client: base URL from settings, 429s retried after Retry-After,
5xx answers and dropped connections retried with exponential back-off.

The retry handlers take an injected `sleep`, so tests never wait for real.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

Sleep = Callable[[float], Awaitable[None]]
RATE_LIMIT_RETRIES = 3
CONNECTION_RETRIES = 2
CONNECTION_BACKOFF = 0.5
SERVER_ERROR_RETRIES = 3
SERVER_ERROR_BACKOFF = 0.5  # then 1 s, 2 s (or the answer's Retry-After when it gives one)
MAX_RETRY_AFTER = 30.0


def retry_after_seconds(response: HttpResponse) -> float:
    """Slack's Retry-After in seconds (1 when the header is missing or unreadable)."""
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values[0]))
            except ValueError:
                return 1.0
    return 1.0


class RateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """Retries a 429 after Retry-After (plus up to 1 s jitter), sleeping through `sleep`."""

    def __init__(self, *, sleep: Sleep, jitter: Callable[[], float], max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep
        self._jitter = jitter

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        wait = retry_after_seconds(response) if response is not None else 1.0
        await self._sleep(wait + self._jitter())
        state.increment_current_attempt()


class ConnectionRetry(AsyncConnectionErrorRetryHandler):
    """Retries a dropped connection with a short exponential back-off through `sleep`."""

    def __init__(self, *, sleep: Sleep, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        await self._sleep(CONNECTION_BACKOFF * (2**state.current_attempt))
        state.increment_current_attempt()


class ServerErrorRetry(AsyncRetryHandler):
    """Retries a 5xx answer (Slack's 500/502/503/504 are transient) with exponential back-off,
    or after its Retry-After, through `sleep`."""

    def __init__(self, *, sleep: Sleep, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and 500 <= response.status_code <= 599

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        wait = SERVER_ERROR_BACKOFF * (2**state.current_attempt)
        if response is not None and _has_retry_after(response):
            wait = min(retry_after_seconds(response), MAX_RETRY_AFTER)
        await self._sleep(wait)
        state.increment_current_attempt()


def _has_retry_after(response: HttpResponse) -> bool:
    return any(name.lower() == "retry-after" for name in response.headers)


def retry_handlers(sleep: Sleep, jitter: Callable[[], float]) -> list[AsyncRetryHandler]:
    return [
        RateLimitRetry(sleep=sleep, jitter=jitter, max_retry_count=RATE_LIMIT_RETRIES),
        ServerErrorRetry(sleep=sleep, max_retry_count=SERVER_ERROR_RETRIES),
        ConnectionRetry(sleep=sleep, max_retry_count=CONNECTION_RETRIES),
    ]


def build_web_client(
    *,
    token: str,
    base_url: str,
    session: aiohttp.ClientSession | None = None,
    sleep: Sleep = asyncio.sleep,
    jitter: Callable[[], float] = random.random,
    timeout: int = 30,
) -> AsyncWebClient:
    """The one AsyncWebClient the app uses (Bolt listeners receive it as `client`)."""
    if not base_url.endswith("/"):
        base_url += "/"
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        session=session,
        timeout=timeout,
        retry_handlers=retry_handlers(sleep, jitter),
    )
