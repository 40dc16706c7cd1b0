"""The signed-webhook helper behind POST /ledger and POST /alerts: one error shape for every
refusal of both, a failed request not remembered, a copy in progress told to retry."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response

from bot.incidents.webhook import Alert, alerts_webhook
from bot.ledger.book import Ledger
from bot.ledger.http import ledger_webhook
from bot.store.memory import MemoryStore
from bot.web.endpoint import Webhook
from bot.web.guard import Refused, load_json
from tests.test_ledger import NOW, accepted, changed
from tests.webhook_signing import signed

SECRET = "webhook-shared-secret"
AT = NOW.timestamp()


async def posted(alert: Alert) -> None:
    return None


def app() -> Starlette:
    store = MemoryStore(prefix="t:", clock=lambda: AT)
    ledger = ledger_webhook(Ledger(store, clock=lambda: AT), SECRET, clock=lambda: AT,
                            seen=store, max_body_bytes=4096)  # fmt: skip
    alerts = alerts_webhook(SECRET, posted, clock=lambda: AT, seen=store)
    return Starlette(routes=[ledger.route(), alerts.route()])


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app())
    async with httpx.AsyncClient(transport=transport, base_url="http://qbx") as client:
        yield client


BAD_RECORD = changed(accepted("BAD"), messages=[{"message_id": "x"}])
REFUSALS = [
    ("/ledger", b"x" * 5000, SECRET, 413, "too_large"),
    ("/alerts", b"x" * 70_000, SECRET, 413, "too_large"),
    ("/ledger", accepted(), "wrong-secret", 401, "unauthorized"),
    ("/alerts", {"title": "t", "severity": "warning"}, "wrong-secret", 401, "unauthorized"),
    ("/ledger", b"{oops", SECRET, 400, "invalid_json"),
    ("/ledger", BAD_RECORD, SECRET, 422, "invalid"),
    ("/alerts", {"title": "", "severity": "warning"}, SECRET, 422, "invalid"),
    ("/alerts", b"{oops", SECRET, 422, "invalid"),
]


@pytest.mark.parametrize(
    ("path", "payload", "secret", "status", "code"),
    REFUSALS,
    ids=["ledger-413", "alerts-413", "ledger-401", "alerts-401", "ledger-400", "ledger-422",
         "alerts-422", "alerts-not-json"],
)  # fmt: skip
async def test_every_refusal_of_both_endpoints_has_the_one_shape(
    http: httpx.AsyncClient, path: str, payload: Any, secret: str, status: int, code: str
) -> None:
    body, headers = signed(secret, payload, AT)
    response = await http.post(path, content=body, headers=headers)
    answer = response.json()
    assert (response.status_code, answer["error"]) == (status, code)
    assert isinstance(answer["message"], str)
    assert answer["message"]
    assert set(answer) == (
        {"error", "message", "fields"} if status == 422 else {"error", "message"}
    )
    for problem in answer.get("fields", []):
        assert set(problem) == {"field", "message"}


class Flaky:
    """A webhook's work that fails `failures` times (502), then succeeds; counts what it did."""

    def __init__(self, failures: int) -> None:
        self.failures, self.done = failures, 0
        self.started, self.release = asyncio.Event(), asyncio.Event()
        self.release.set()

    async def handle(self, value: Any) -> Response:
        self.started.set()
        await self.release.wait()
        if self.failures:
            self.failures -= 1
            raise Refused(502, "not_posted", "the other side failed")
        self.done += 1
        return JSONResponse({"done": True})


def client_for(work: Flaky) -> httpx.AsyncClient:
    store = MemoryStore(prefix="t:", clock=lambda: AT)
    webhook: Webhook[Any] = Webhook(
        name="test", setting="QBX_TEST_SECRET", secret=SECRET, max_body_bytes=1024,
        parse=load_json, handle=work.handle, duplicate=lambda _: JSONResponse({"dup": True}),
        clock=lambda: AT, seen=store,
    )  # fmt: skip
    transport = httpx.ASGITransport(app=Starlette(routes=[webhook.route()]))
    return httpx.AsyncClient(transport=transport, base_url="http://qbx")


async def test_a_request_whose_work_failed_is_done_by_the_same_request_again() -> None:
    work = Flaky(failures=1)
    body, headers = signed(SECRET, {"n": 1}, AT)
    async with client_for(work) as http:
        answers = [await http.post("/test", content=body, headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [502, 200, 200]
    assert [a.json() for a in answers[1:]] == [{"done": True}, {"dup": True}]
    assert work.done == 1


async def test_a_copy_arriving_while_the_first_is_handled_is_told_to_retry() -> None:
    work = Flaky(failures=0)
    work.release.clear()
    body, headers = signed(SECRET, {"n": 1}, AT)
    async with client_for(work) as http:
        first = asyncio.create_task(http.post("/test", content=body, headers=headers))
        await work.started.wait()  # the first holds the request's lock, its work not yet done
        copy = await http.post("/test", content=body, headers=headers)
        work.release.set()
        done = await first
    assert (copy.status_code, copy.json()["error"], copy.headers["retry-after"]) == (
        503, "busy", "5",
    )  # fmt: skip
    assert done.json() == {"done": True}
    assert work.done == 1
