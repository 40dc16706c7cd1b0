"""POST /ledger over ASGI against a real Redis: auth, 422 field paths, limits, 503 when down."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from bot.errors import ConfigError
from bot.ledger import Ledger
from bot.ledger_http import ledger_endpoint
from bot.store.fallback import FallbackStore
from bot.store.memory import MemoryStore
from bot.store.redis_store import RedisStore, connect
from tests.redis_support import REDIS_URL, FakeClock, free_port, machine_redis, unique_prefix
from tests.test_ledger import NOW, accepted, changed, refused

pytestmark = pytest.mark.redis
SECRET = "ledger-shared-secret"
AUTH = {"Authorization": f"Bearer {SECRET}"}


def client_for(ledger: Ledger, **limits: int) -> httpx.AsyncClient:
    endpoint = ledger_endpoint(ledger, SECRET, **limits)
    app = Starlette(routes=[Route("/ledger", endpoint, methods=["POST"])])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://qbx")


@pytest.fixture
async def ledger() -> AsyncIterator[Ledger]:
    prefix, clock = unique_prefix(), FakeClock(NOW.timestamp())
    async with machine_redis(prefix):
        store = RedisStore(connect(REDIS_URL), prefix=prefix, clock=clock)
        yield Ledger(store, clock=clock)
        await store.aclose()


@pytest.fixture
async def http(ledger: Ledger) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(ledger) as client:
        yield client


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": SECRET},
        {"Authorization": "Basic x"},
    ],
    ids=["none", "wrong-secret", "no-scheme", "basic"],
)
async def test_requests_without_the_secret_are_refused(
    http: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await http.post("/ledger", json=accepted(), headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_one_record_is_stored_and_found(http: httpx.AsyncClient, ledger: Ledger) -> None:
    record = accepted("ORD-9")
    response = await http.post("/ledger", json=record, headers=AUTH)
    assert (response.status_code, response.json()) == (200, {"accepted": 1, "rejected": 0})
    found = await ledger.lookup_request(record["request_id"])
    assert found is not None
    assert found.reference == "ORD-9"


async def test_a_list_is_stored_whole(http: httpx.AsyncClient, ledger: Ledger) -> None:
    response = await http.post("/ledger", json=[accepted("L"), refused("L")], headers=AUTH)
    assert response.json() == {"accepted": 2, "rejected": 0}
    assert len(await ledger.lookup_reference("L")) == 2


async def test_a_bad_record_gets_422_naming_the_field_and_nothing_is_stored(
    http: httpx.AsyncClient, ledger: Ledger
) -> None:
    good, bad = accepted("BAD"), changed(accepted("BAD"), messages=[{"message_id": "x"}])
    response = await http.post("/ledger", json=[good, bad], headers=AUTH)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"index": 1, "field": "messages.0.message_id",
         "message": "not a Send API message_id (uuid@domain)"},
    ]  # fmt: skip
    assert await ledger.lookup_reference("BAD") == []


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b"{oops", 400, "invalid_json"),
        (json.dumps([accepted()] * 3).encode(), 413, "too_many_records"),
        (b"[" + b" " * 5000 + b"]", 413, "too_large"),
    ],
    ids=["not-json", "too-many-records", "too-large"],
)
async def test_malformed_or_oversized_bodies_are_refused(
    ledger: Ledger, body: bytes, status: int, error: str
) -> None:
    async with client_for(ledger, max_records=2, max_body_bytes=4096) as client:
        response = await client.post("/ledger", content=body, headers=AUTH)
    assert (response.status_code, response.json()["error"]) == (status, error)


async def test_redis_down_answers_503_with_retry_after() -> None:
    clock = FakeClock(NOW.timestamp())
    dead = RedisStore(connect(f"redis://127.0.0.1:{free_port()}/0"), clock=clock)
    store = FallbackStore(dead, MemoryStore(clock=clock), clock=clock)
    async with client_for(Ledger(store, clock=clock)) as client:
        response = await client.post("/ledger", json=accepted(), headers=AUTH)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert store.degraded is True
    await store.aclose()


def test_the_endpoint_needs_a_secret() -> None:
    clock = FakeClock()
    with pytest.raises(ConfigError, match="QBX_LEDGER_SECRET"):
        ledger_endpoint(Ledger(MemoryStore(clock=clock), clock=clock), "")
