"""Send API: every rejection with its documented body, and accepted mail showing up in TraceMail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.simulator import SimulatorHandle, simulator_in_thread
from tests.simulator.conftest import NOW, TOKEN, token_of

SHOP = "orders@mail.acme-shop.example"
MAILOUTS = "/api/delivery/tracemail/mailouts"


def message(**overrides: Any) -> dict[str, Any]:
    base = {"from": f"Acme Shop <{SHOP}>", "to": ["giulia.verdi@gmail.com"],
            "subject": "Your order", "text_body": "Thanks!"}  # fmt: skip
    return {**base, **overrides}


def batch(sender: str = SHOP) -> dict[str, Any]:
    return {"messages": [message(**{"from": sender})]}


def post(client: httpx.Client, token: str | None, body: Any, *, path: str = "/send",
         ip: str | None = None) -> httpx.Response:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if ip:
        headers["X-Forwarded-For"] = ip
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(
        path, content=content, headers={**headers, "Content-Type": "application/json"}
    )


def assert_send_error(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error_code", "error", "message", "request_id"}
    assert (body["error_code"], body["error"]) == (status, error)
    assert body["message"]


@pytest.fixture(scope="module")
def worker(world: dict) -> str:
    return token_of(world, "shop worker (any IP)")


ANY_IP = "shop worker (any IP)"
CASES = [
    ("no token", None, batch(), None, 401, "missing_token"),
    ("unknown token", "qdNOPE", batch(), None, 401, "invalid_token"),
    ("token allow_nets", "shop backend", batch(), None, 403, "ip_not_allowed"),
    ("account allow_nets", "newsletter tool", batch("news@news.acme-shop.example"), "192.0.2.9",
     403, "ip_not_allowed"),
    ("disabled", "crm connector", batch(), None, 403, "account_disabled"),
    ("wait_pay", "events app", batch(), None, 403, "account_wait_pay"),
    ("blocked", "partner relay", batch(), None, 403, "account_blocked"),
    ("bad json", ANY_IP, b"{not json", None, 400, "invalid_json"),
    ("no messages", ANY_IP, {"messages": []}, None, 400, "missing_send_payload"),
    ("no subject", ANY_IP, {"messages": [message(subject="")]}, None, 400, "invalid_message"),
    ("bad address", ANY_IP, {"messages": [message(to="nope")]}, None, 400, "invalid_message"),
    ("501 messages", ANY_IP, {"messages": [message()] * 501}, None, 400, "batch_too_large"),
    ("unassigned domain", ANY_IP, batch("shop@acme-store.example"), None, 403,
     "sender_domain_not_allowed"),
    ("need approval", ANY_IP, batch("x@labs.acme-shop.example"), None, 403,
     "sender_domain_not_verified"),
    ("not verified", "newsletter tool", batch("x@promo.acme-shop.example"), None, 403,
     "sender_domain_not_verified"),
    ("quota spent", "billing job", batch("billing@billing.acme-shop.example"), None, 429,
     "quota_exceeded"),
]  # fmt: skip


@pytest.mark.parametrize(("label", "token", "body", "ip", "status", "error"), CASES,
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_send_rejections_use_the_documented_body(
    send_api: httpx.Client, world: dict, label: str, token: str | None, body: Any,
    ip: str | None, status: int, error: str,
) -> None:  # fmt: skip
    value = token if token in (None, "qdNOPE") else token_of(world, token)  # type: ignore[arg-type]
    assert_send_error(post(send_api, value, body, ip=ip), status, error)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"message": {"from": SHOP, "subject": "Hi {{name}}", "text_body": "x"},
          "recipients": [{"email": "a.b@gmail.com", "substitutions": {}}]},
         "missing_bulk_substitutions"),
        ({"message": {"from": SHOP, "subject": "Hi", "text_body": "x"},
          "recipients": [{"email": f"r{n}@gmail.com"} for n in range(501)]}, "batch_too_large"),
        ({"message": {"from": SHOP, "to": "x@gmail.com", "subject": "Hi", "text_body": "x"},
          "recipients": [{"email": "a.b@gmail.com"}]}, "invalid_message"),
        ({"message": {"from": SHOP, "subject": "Hi", "text_body": "x"}}, "missing_send_payload"),
    ],
    ids=["substitutions", "too-many-recipients", "to-not-allowed", "no-recipients"],
)  # fmt: skip
def test_bulk_rejections(send_api: httpx.Client, worker: str, body: dict, error: str) -> None:
    assert_send_error(post(send_api, worker, body, path="/send/bulk"), 400, error)


def test_a_body_over_the_size_limit_is_413(sim: SimulatorHandle, send_api: httpx.Client,
                                           worker: str) -> None:  # fmt: skip
    sim.simulation.send_max_payload_bytes = 1000
    try:
        response = post(send_api, worker, {"messages": [message(text_body="x" * 2000)]})
    finally:
        sim.simulation.send_max_payload_bytes = 50 * 1024 * 1024
    assert_send_error(response, 413, "payload_too_large")


def test_an_accepted_message_gets_the_documented_202_body(
    send_api: httpx.Client, worker: str
) -> None:
    response = post(send_api, worker, {"messages": [message(), message(to="a.b@icloud.com")]})
    assert response.status_code == 202
    body = response.json()
    assert (body["error_code"], body["message"], body["queued_messages"]) == (0, "OK", 2)
    first = body["messages"][0]
    assert first["request_id"] == body["request_id"]
    assert first["message_id"].endswith("@mail.acme-shop.example")
    assert first["to"] == "giulia.verdi@gmail.com"
    assert first["submitted_at"] == NOW.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert body["suppression_summary"]["status"] == "checked"


def find(api: httpx.Client, **params: Any) -> list[dict]:
    response = api.get(MAILOUTS, params={"per": 100, **params})
    assert response.status_code == 200
    return response.json()["resources"]


@pytest.mark.parametrize(
    ("to", "status", "code"),
    [("carla.neri@gmail.com", "delivered", "2.0.0"), ("no.such.user@libero.it", "bounce", "5.1.1"),
     ("full.inbox@outlook.com", "bounce", "5.2.2"), ("former.client@yahoo.it", "suppressed", None)],
    ids=["delivered", "dead-mailbox", "full-mailbox", "suppressed"],
)  # fmt: skip
def test_an_accepted_message_appears_in_tracemail_with_its_fate(
    api: httpx.Client, send_api: httpx.Client, worker: str, to: str, status: str, code: str | None
) -> None:
    sent = post(send_api, worker, {"messages": [message(to=to)]}).json()
    message_id = sent["messages"][0]["message_id"]
    found = [e for e in find(api, to=to, domain="mail.acme-shop.example")
             if e["message_id"] == message_id]  # fmt: skip
    assert len(found) == 1
    assert (found[0]["status"], found[0]["smtp_enhanced_code"]) == (status, code)
    assert found[0]["request_id"] == sent["request_id"]
    if status == "suppressed":
        assert found[0]["suppression_reason"] == "bounce"


def test_a_bulk_send_gives_each_recipient_its_own_message(
    api: httpx.Client, send_api: httpx.Client, worker: str
) -> None:
    body = {
        "message": {"from": SHOP, "subject": "Hi {{name}}", "text_body": "Hello {{name}}"},
        "recipients": [
            {"email": "bulk.one@gmail.com", "substitutions": {"name": "One"}},
            {"email": "bulk.two@gmail.com", "substitutions": {"name": "Two"}},
        ],
    }
    sent = post(send_api, worker, body, path="/send/bulk").json()
    assert [m["to"] for m in sent["messages"]] == ["bulk.one@gmail.com", "bulk.two@gmail.com"]
    assert len({m["message_id"] for m in sent["messages"]}) == 2
    assert find(api, to="bulk.two@gmail.com")[0]["message_id"] == sent["messages"][1]["message_id"]


def test_a_rejected_request_leaves_one_errors_entry_per_message(
    api: httpx.Client, send_api: httpx.Client
) -> None:
    body = {"messages": [message(to="err.one@gmail.com"), message(to="err.two@gmail.com")]}
    rejected = post(send_api, "qdNOPE", body).json()
    errors = [e for e in find(api, collection="errors", error_category="auth")
              if e["request_id"] == rejected["request_id"]]  # fmt: skip
    assert sorted(e["to"] for e in errors) == ["err.one@gmail.com", "err.two@gmail.com"]
    assert {(e["error"], e["http_status"], e["message_id"], e["status"]) for e in errors} == {
        ("invalid_token", 401, None, None)
    }
    assert {e["account_id"] for e in errors} == {4127}  # attributed by the sending domain


def test_an_unparseable_request_leaves_one_errors_entry(api: httpx.Client, send_api: httpx.Client,
                                                        worker: str) -> None:  # fmt: skip
    rejected = post(send_api, worker, b"{oops").json()
    errors = [
        e for e in find(api, collection="errors") if e["request_id"] == rejected["request_id"]
    ]
    assert [(e["error"], e["error_category"]) for e in errors] == [("invalid_json", "generic")]


@pytest.fixture
def frozen_rate() -> Iterator[SimulatorHandle]:
    with simulator_in_thread(seed=7, now=NOW, monotonic=lambda: 100.0) as handle:
        yield handle


def test_more_than_10_requests_a_second_per_token_get_429_with_retry_after(
    frozen_rate: SimulatorHandle,
) -> None:
    token = token_of(frozen_rate.describe(), "shop worker (any IP)")
    with httpx.Client(base_url=frozen_rate.send_url) as client:
        answers = [post(client, token, {"messages": [message()]}) for _ in range(11)]
        other = post(client, token_of(frozen_rate.describe(), "shop backend"),
                     {"messages": [message()]}, ip="203.0.113.7")  # fmt: skip
    assert [r.status_code for r in answers] == [202] * 10 + [429]
    assert_send_error(answers[-1], 429, "rate_limited")
    assert answers[-1].headers["Retry-After"] == "1"
    assert other.status_code == 202  # the limit is per token


def test_a_greylisted_message_is_deferred_then_delivered_as_time_moves(
    frozen_rate: SimulatorHandle,
) -> None:
    from datetime import timedelta

    token = token_of(frozen_rate.describe(), "shop worker (any IP)")
    with httpx.Client(base_url=frozen_rate.send_url) as client:
        post(client, token, {"messages": [message(to="new.friend@slowpost.example")]})
    with httpx.Client(base_url=frozen_rate.base_url, headers={"X-Api-Token": TOKEN}) as api:
        queued = find(api, to="new.friend@slowpost.example", collection="queued")
        frozen_rate.clock.advance(timedelta(minutes=10))
        worked = find(api, to="new.friend@slowpost.example")
    assert [(e["status"], e["smtp_enhanced_code"]) for e in queued] == [("deferred", "4.7.0")]
    assert [(e["status"], e["attempts"]) for e in worked] == [("delivered", 2)]


def test_a_management_token_is_not_a_send_token(send_api: httpx.Client) -> None:
    assert_send_error(post(send_api, TOKEN, batch()), 401, "invalid_token")


def test_an_allowed_forwarded_ip_passes_the_token_allow_list(
    send_api: httpx.Client, world: dict
) -> None:
    response = post(send_api, token_of(world, "shop backend"), batch(), ip="203.0.113.77")
    assert response.status_code == 202


def test_the_token_shows_when_it_was_last_used(
    api: httpx.Client, send_api: httpx.Client, worker: str
) -> None:
    post(send_api, worker, batch())
    tokens = api.get("/api/delivery/accounts/4127/api_tokens").json()["resources"]
    used = next(t for t in tokens if t["token_preview"] == worker[:8])
    assert used["last_used_at"] == NOW.isoformat().replace("+00:00", "Z")
