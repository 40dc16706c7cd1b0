"""POST /ledger over ASGI against a real Redis: auth, 422 field paths, limits, 503 when down."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.errors import ConfigError
from bot.ledger.book import Ledger
from bot.ledger.http import ledger_webhook
from bot.store.base import Store
from bot.store.fallback import FallbackStore
from bot.store.memory import MemoryStore
from bot.store.redis_store import RedisStore, connect
from tests.redis_support import REDIS_URL, FakeClock, free_port, machine_redis, unique_prefix
from tests.test_ledger import NOW, accepted, changed, refused
from tests.webhook_signing import signed

pytestmark = pytest.mark.redis
SECRET = "ledger-shared-secret"
AT = NOW.timestamp()


async def post(http: httpx.AsyncClient, payload: Any, at: float = AT) -> httpx.Response:
    body, headers = signed(SECRET, payload, at)
    return await http.post("/ledger", content=body, headers=headers)


def client_for(ledger: Ledger, store: Store | None = None, **limits: int) -> httpx.AsyncClient:
    webhook = ledger_webhook(ledger, SECRET, clock=lambda: AT, seen=store, **limits)
    app = Starlette(routes=[webhook.route()])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://qbx")


@pytest.fixture
async def ledger_and_store() -> AsyncIterator[tuple[Ledger, Store]]:
    prefix, clock = unique_prefix(), FakeClock(NOW.timestamp())
    async with machine_redis(prefix):
        store = RedisStore(connect(REDIS_URL), prefix=prefix, clock=clock)
        yield Ledger(store, clock=clock), store
        await store.aclose()


@pytest.fixture
def ledger(ledger_and_store: tuple[Ledger, Store]) -> Ledger:
    return ledger_and_store[0]


@pytest.fixture
async def http(ledger_and_store: tuple[Ledger, Store]) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(*ledger_and_store) as client:
        yield client


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": f"Bearer {SECRET}"},  # the secret alone is replayable: refused
        {"X-Qbx-Timestamp": "soon", "X-Qbx-Signature": "v1=00"},
        {"X-Qbx-Timestamp": "", "X-Qbx-Signature": ""},
    ],
    ids=["none", "bearer-secret", "non-numeric-timestamp", "empty"],
)
async def test_requests_not_signed_with_the_secret_are_refused(
    http: httpx.AsyncClient, ledger: Ledger, headers: dict[str, str]
) -> None:
    record = accepted("UNSIGNED")
    response = await http.post("/ledger", json=record, headers=headers)
    assert response.status_code == 401
    assert await ledger.lookup_reference("UNSIGNED") == []


async def test_a_wrong_secret_or_a_stale_timestamp_is_refused(
    http: httpx.AsyncClient, ledger: Ledger
) -> None:
    body, headers = signed("not-the-secret", accepted("WRONG"), AT)
    assert (await http.post("/ledger", content=body, headers=headers)).status_code == 401
    stale = await post(http, accepted("WRONG"), at=AT - 301)
    assert (stale.status_code, stale.json()["message"].split(" (")[0]) == (
        401, "stale X-Qbx-Timestamp",
    )  # fmt: skip
    assert await ledger.lookup_reference("WRONG") == []


async def test_a_replayed_request_stores_nothing_again(
    http: httpx.AsyncClient, ledger: Ledger
) -> None:
    body, headers = signed(SECRET, accepted("ONCE"), AT)
    first = await http.post("/ledger", content=body, headers=headers)
    replay = await http.post("/ledger", content=body, headers=headers)
    assert first.json() == {"accepted": 1, "rejected": 0}
    assert (replay.status_code, replay.json()["duplicate"]) == (200, True)
    assert replay.json()["accepted"] == 0


async def test_one_record_is_stored_and_found(http: httpx.AsyncClient, ledger: Ledger) -> None:
    record = accepted("ORD-9")
    response = await post(http, record)
    assert (response.status_code, response.json()) == (200, {"accepted": 1, "rejected": 0})
    found = await ledger.lookup_request(record["request_id"])
    assert found is not None
    assert found.reference == "ORD-9"


async def test_a_list_is_stored_whole(http: httpx.AsyncClient, ledger: Ledger) -> None:
    response = await post(http, [accepted("L"), refused("L")])
    assert response.json() == {"accepted": 2, "rejected": 0}
    assert len(await ledger.lookup_reference("L")) == 2


async def test_a_bad_record_gets_422_naming_the_field_and_nothing_is_stored(
    http: httpx.AsyncClient, ledger: Ledger
) -> None:
    good, bad = accepted("BAD"), changed(accepted("BAD"), messages=[{"message_id": "x"}])
    response = await post(http, [good, bad])
    assert response.status_code == 422
    assert response.json()["fields"] == [
        {"field": "1.messages.0.message_id", "message": "not a Send API message_id (uuid@domain)"},
    ]
    assert await ledger.lookup_reference("BAD") == []


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b"{oops", 400, "invalid_json"),
        (json.dumps([accepted()] * 3).encode(), 413, "too_many_records"),
        (b"[" + b" " * 5000 + b"]", 413, "too_large"),
        (b"[" * 2000 + b"]" * 2000, 400, "invalid_json"),
        (b"\xff\xfe{}", 400, "invalid_json"),
    ],
    ids=["not-json", "too-many-records", "too-large", "deeply-nested", "not-utf8"],
)
async def test_malformed_or_oversized_bodies_are_refused(
    ledger: Ledger, body: bytes, status: int, error: str
) -> None:
    async with client_for(ledger, max_records=2, max_body_bytes=4096) as client:
        response = await post(client, body)
    assert (response.status_code, response.json()["error"]) == (status, error)


@pytest.mark.parametrize("field", ["message", "error", "reference"])
async def test_a_huge_field_is_refused_naming_it(
    http: httpx.AsyncClient, ledger: Ledger, field: str
) -> None:
    record = changed(accepted("HUGE"), **{field: "x" * 3_000_000})
    response = await post(http, record)  # 3 MB: under the body limit, over the field's
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["fields"]] == [field]
    assert await ledger.lookup_reference("HUGE") == []


async def test_redis_down_answers_503_with_retry_after() -> None:
    clock = FakeClock(NOW.timestamp())
    dead = RedisStore(connect(f"redis://127.0.0.1:{free_port()}/0"), clock=clock)
    store = FallbackStore(dead, MemoryStore(clock=clock), clock=clock)
    async with client_for(Ledger(store, clock=clock)) as client:
        response = await post(client, accepted())
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert store.degraded is True
    await store.aclose()


def test_the_endpoint_needs_a_secret() -> None:
    clock = FakeClock()
    with pytest.raises(ConfigError, match="QBX_LEDGER_SECRET"):
        ledger_webhook(Ledger(MemoryStore(clock=clock), clock=clock), "")
