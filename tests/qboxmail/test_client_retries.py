"""Retries through the real client over httpx.MockTransport: what is retried, how long it waits."""

from __future__ import annotations

import httpx
import pytest

from bot.errors import (
    ApiAuthError,
    ApiNotFound,
    ApiRateLimited,
    ApiServerError,
    ApiTimeout,
    ApiUnreachable,
    ApiValidationError,
)

from .conftest import SEND_TOKEN, ClientFactory, FakeTime, Script, envelope, fail, reply

DASHBOARD = reply(200, envelope({"month_total": 12, "bounce_rate": "0.4"}))
MESSAGE = {"messages": [{"from": "a@shop.example", "to": ["b@example.org"], "subject": "hi"}]}


async def test_429_waits_exactly_what_retry_after_asks(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    script = Script([reply(429, {"message": "slow down"}, headers={"Retry-After": "3"}), DASHBOARD])
    async with make_client(script) as client:
        dashboard = await client.dashboard()
    assert dashboard.month_total == 12
    assert fake_time.sleeps == [3.0]
    assert len(script.requests) == 2


async def test_429_with_an_http_date_uses_the_servers_date_header(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    headers = {
        "Retry-After": "Mon, 23 Nov 2026 12:00:05 GMT",
        "Date": "Mon, 23 Nov 2026 12:00:00 GMT",
    }
    script = Script([reply(429, {"message": "slow down"}, headers=headers), DASHBOARD])
    async with make_client(script) as client:
        await client.dashboard()
    assert fake_time.sleeps == [5.0]


async def test_5xx_then_success_is_retried_with_backoff(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    script = Script([reply(500), reply(503, {"message": "busy"}), DASHBOARD])
    async with make_client(script) as client:
        assert (await client.dashboard()).bounce_rate == 0.4
    # jitter 0.5 -> three quarters of the 0.25 s, 0.5 s ceilings
    assert fake_time.sleeps == [pytest.approx(0.1875), pytest.approx(0.375)]


@pytest.mark.parametrize(
    "error", [httpx.ConnectError, httpx.ReadError, httpx.ConnectTimeout, httpx.ReadTimeout]
)
async def test_connection_errors_and_timeouts_are_retried(
    make_client: ClientFactory, error: type[httpx.TransportError]
) -> None:
    script = Script([fail(error), DASHBOARD])
    async with make_client(script) as client:
        assert (await client.dashboard()).month_total == 12
    assert len(script.requests) == 2


async def test_persistent_timeouts_end_as_api_timeout(make_client: ClientFactory) -> None:
    script = Script([fail(httpx.ReadTimeout)])
    async with make_client(script, max_retries=2) as client:
        with pytest.raises(ApiTimeout) as caught:
            await client.dashboard()
    assert len(script.requests) == 3
    assert caught.value.path == "/api/delivery/dashboard"
    assert caught.value.method == "GET"


async def test_persistent_refusal_ends_as_api_unreachable(make_client: ClientFactory) -> None:
    script = Script([fail(httpx.ConnectError)])
    async with make_client(script, max_retries=1) as client:
        with pytest.raises(ApiUnreachable) as caught:
            await client.dashboard()
    assert not isinstance(caught.value, ApiTimeout)
    assert len(script.requests) == 2


async def test_exhausted_budget_gives_up_with_the_last_error(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    script = Script([reply(503, {"message": "down"})])
    async with make_client(script, retry_budget=1.0, max_retries=10) as client:
        with pytest.raises(ApiServerError) as caught:
            await client.dashboard()
    assert caught.value.status == 503
    assert sum(fake_time.sleeps) <= 1.0
    assert fake_time.sleeps == [pytest.approx(0.1875), pytest.approx(0.375)]  # next: 0.75 > left


async def test_retry_after_longer_than_the_budget_is_not_waited_for(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    script = Script([reply(429, {"message": "later"}, headers={"Retry-After": "60"})])
    async with make_client(script, retry_budget=20.0) as client:
        with pytest.raises(ApiRateLimited) as caught:
            await client.dashboard()
    assert caught.value.retry_after == 60.0
    assert fake_time.sleeps == []
    assert len(script.requests) == 1


async def test_zero_max_retries_means_one_attempt(make_client: ClientFactory) -> None:
    script = Script([reply(500)])
    async with make_client(script, max_retries=0) as client:
        with pytest.raises(ApiServerError):
            await client.dashboard()
    assert len(script.requests) == 1


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, None),
        (401, ApiAuthError),
        (403, ApiAuthError),
        (404, ApiNotFound),
        (422, ApiValidationError),
    ],
    ids=["400", "401", "403", "404", "422"],
)
async def test_client_errors_other_than_429_are_never_retried(
    make_client: ClientFactory, fake_time: FakeTime, status: int, error: type[Exception] | None
) -> None:
    script = Script([reply(status, {"message": "no", "errors": []}), DASHBOARD])
    async with make_client(script) as client:
        with pytest.raises(error or Exception) as caught:
            await client.dashboard()
    assert getattr(caught.value, "status", None) == status
    assert len(script.requests) == 1
    assert fake_time.sleeps == []


@pytest.mark.parametrize(
    "first",
    [
        reply(
            429,
            {"error_code": 429, "error": "rate_limited", "request_id": "r"},
            headers={"Retry-After": "1"},
        ),
        reply(500),
        fail(httpx.ConnectError),
        fail(httpx.ReadTimeout),
    ],
    ids=["429", "500", "connect-error", "read-timeout"],
)
@pytest.mark.parametrize("method", ["send", "send_bulk"])
async def test_send_is_never_retried(
    make_client: ClientFactory, fake_time: FakeTime, first: object, method: str
) -> None:
    accepted = reply(202, {"request_id": "f43eb659-beb4-4f8a-a737-2d403998f4cf"})
    script = Script([first, accepted])  # type: ignore[list-item]
    async with make_client(script) as client:
        with pytest.raises((ApiRateLimited, ApiServerError, ApiUnreachable)):
            await getattr(client, method)(MESSAGE, token=SEND_TOKEN)
    assert len(script.requests) == 1  # the 202 that a retry would have got was never asked for
    assert fake_time.sleeps == []


async def test_suppression_lookup_post_is_retried_like_a_get(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    entry = {"id": 1, "email": "b@example.org", "reason": "bounce", "accounts": []}
    script = Script([reply(502), reply(200, envelope(entry))])
    async with make_client(script) as client:
        entries = await client.suppression_details("b@example.org")
    assert [e.email for e in entries] == ["b@example.org"]
    assert [r.method for r in script.requests] == ["POST", "POST"]
    assert len(fake_time.sleeps) == 1


async def test_retries_get_timeouts_capped_by_the_budget_left(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    script = Script([reply(503), DASHBOARD])
    async with make_client(script, read_timeout=10.0, retry_budget=4.0) as client:
        await client.dashboard()
    first, second = (r.extensions["timeout"] for r in script.requests)
    assert first["read"] == 4.0  # the budget bounds the whole call, its first attempt too
    assert second["read"] == pytest.approx(4.0 - fake_time.sleeps[0])
