"""POST /alerts over a real ASGI round trip: signed, fresh, bounded, validated, then handed on."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.errors import ConfigError
from bot.incidents.webhook import (
    MAX_BODY_BYTES,
    MAX_SKEW_SECONDS,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Alert,
    AlertNotPosted,
    alerts_webhook,
    sign_alert,
)
from bot.store.memory import MemoryStore

SECRET = "alerts-test-secret-0123456789"
NOW = 1_795_000_000
GOOD = {
    "title": "Checkout emails failing",
    "severity": "critical",
    "text": "Order confirmations bounce since 14:02",
    "ids": ["f43eb659-beb4-4f8a-a737-2d403998f4cf", "ORDER-1234"],
    "source": "shop-backend",
    "link": "https://status.example/incidents/7",
}


class Received:
    def __init__(self) -> None:
        self.alerts: list[Alert] = []

    async def __call__(self, alert: Alert) -> None:
        self.alerts.append(alert)


@pytest.fixture
def received() -> Received:
    return Received()


@pytest.fixture
async def client(received: Received) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(routes=[alerts_webhook(SECRET, received, clock=lambda: float(NOW)).route()])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://qbx.test") as http:
        yield http


def signed(body: bytes, *, timestamp: int = NOW, secret: str = SECRET) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign_alert(secret, body, timestamp),
    }


async def post(client: httpx.AsyncClient, payload: Any, **headers: Any) -> httpx.Response:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return await client.post("/alerts", content=body, headers=signed(body, **headers))


async def test_signed_alert_is_accepted_and_handed_on(
    client: httpx.AsyncClient, received: Received
) -> None:
    response = await post(client, GOOD)
    assert response.status_code == 202
    assert response.json()["ids"] == GOOD["ids"]
    [alert] = received.alerts
    assert (alert.title, alert.severity, alert.source) == (
        GOOD["title"],
        "critical",
        "shop-backend",
    )
    assert str(alert.link) == GOOD["link"]


def test_signature_is_hmac_sha256_over_v1_timestamp_body() -> None:
    # The README's openssl example computes exactly this value.
    expected = hmac.new(b"s3cret", b'v1:1700000000:{"a":1}', hashlib.sha256).hexdigest()
    assert sign_alert("s3cret", b'{"a":1}', 1700000000) == f"v1={expected}"


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"timestamp": NOW - MAX_SKEW_SECONDS - 1}, "stale"),
        ({"timestamp": NOW + MAX_SKEW_SECONDS + 1}, "stale"),
        ({"secret": "not-the-secret"}, "bad signature"),
    ],
    ids=["stale-past", "stale-future", "wrong-secret"],
)
async def test_stale_or_badly_signed_alert_is_refused(
    client: httpx.AsyncClient, received: Received, headers: dict[str, Any], reason: str
) -> None:
    response = await post(client, GOOD, **headers)
    assert response.status_code == 401
    assert reason in response.json()["message"]
    assert received.alerts == []


async def test_timestamp_at_the_edge_of_the_window_is_accepted(client: httpx.AsyncClient) -> None:
    assert (await post(client, GOOD, timestamp=NOW - MAX_SKEW_SECONDS)).status_code == 202


@pytest.mark.parametrize(
    "drop", [TIMESTAMP_HEADER, SIGNATURE_HEADER], ids=["no-timestamp", "no-signature"]
)
async def test_missing_signature_headers_are_refused(
    client: httpx.AsyncClient, received: Received, drop: str
) -> None:
    body = json.dumps(GOOD).encode()
    headers = {k: v for k, v in signed(body).items() if k != drop}
    response = await client.post("/alerts", content=body, headers=headers)
    assert response.status_code == 401
    assert received.alerts == []


async def test_body_changed_after_signing_is_refused(client: httpx.AsyncClient) -> None:
    body = json.dumps(GOOD).encode()
    headers = signed(body)
    tampered = body.replace(b"critical", b"warning")
    assert (await client.post("/alerts", content=tampered, headers=headers)).status_code == 401


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**GOOD, "title": ""}, "title"),
        ({k: v for k, v in GOOD.items() if k != "severity"}, "severity"),
        ({**GOOD, "severity": "apocalyptic"}, "severity"),
        ({**GOOD, "ids": "not-a-list"}, "ids"),
        ({**GOOD, "ids": ["ok", ""]}, "ids.1"),
        ({**GOOD, "ids": [f"id-{i}" for i in range(21)]}, "ids"),
        ({**GOOD, "link": "not a url"}, "link"),
        ({**GOOD, "colour": "red"}, "colour"),
        (["a", "list"], "body"),
        (b"{not json", "body"),
    ],
    ids=["empty-title", "no-severity", "bad-severity", "ids-not-list", "empty-id",
         "too-many-ids", "bad-link", "unknown-field", "not-an-object", "not-json"],
)  # fmt: skip
async def test_malformed_alert_gets_422_naming_the_field(
    client: httpx.AsyncClient, received: Received, payload: Any, field: str
) -> None:
    response = await post(client, payload)
    assert response.status_code == 422
    assert field in [problem["field"] for problem in response.json()["fields"]]
    assert received.alerts == []


async def test_oversized_body_gets_413_before_anything_else(
    client: httpx.AsyncClient, received: Received
) -> None:
    big = json.dumps({**GOOD, "text": "x" * MAX_BODY_BYTES}).encode()
    response = await client.post("/alerts", content=big, headers={"Content-Type": "text/plain"})
    assert response.status_code == 413
    assert received.alerts == []


async def test_oversized_streamed_body_without_length_gets_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b"x" * 1024

    response = await client.post("/alerts", content=chunks())
    assert response.status_code == 413


def test_an_empty_secret_is_refused_at_start_up(received: Received) -> None:
    with pytest.raises(ConfigError, match="non-empty shared secret"):
        alerts_webhook("", received)


async def test_a_replayed_request_is_acknowledged_but_handed_on_once(received: Received) -> None:
    store = MemoryStore(prefix="t:", clock=lambda: float(NOW))
    webhook = alerts_webhook(SECRET, received, clock=lambda: float(NOW), seen=store)
    app = Starlette(routes=[webhook.route()])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        first = await post(c, GOOD)
        replay = await post(c, GOOD)
        later = await post(c, GOOD, timestamp=NOW - 1)  # a new request (new signature)
    assert [r.status_code for r in (first, replay, later)] == [202, 202, 202]
    assert [r.json()["duplicate"] for r in (first, replay, later)] == [False, True, False]
    assert len(received.alerts) == 2


@pytest.mark.parametrize(
    "body",
    [b"[" * 20_000 + b"]" * 20_000, b'{"title":' * 5_000 + b"1" + b"}" * 5_000, b"\xff{}"],
    ids=["deep-array", "deep-object", "not-utf8"],
)
async def test_a_signed_body_that_is_not_json_is_422_not_500(
    client: httpx.AsyncClient, received: Received, body: bytes
) -> None:
    response = await post(client, body)
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "body"
    assert received.alerts == []


async def test_an_alert_that_failed_to_post_is_not_remembered(received: Received) -> None:
    failures = [AlertNotPosted("Slack answered 500")]

    async def flaky(alert: Alert) -> None:
        if failures:
            raise failures.pop()
        await received(alert)

    store = MemoryStore(prefix="t:", clock=lambda: float(NOW))
    app = Starlette(
        routes=[alerts_webhook(SECRET, flaky, clock=lambda: float(NOW), seen=store).route()]
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        failed, retried, replay = [await post(c, GOOD) for _ in range(3)]
    assert [r.status_code for r in (failed, retried, replay)] == [502, 202, 202]
    assert "Slack answered 500" in failed.json()["message"]
    assert [retried.json()["duplicate"], replay.json()["duplicate"]] == [False, True]
    assert len(received.alerts) == 1
