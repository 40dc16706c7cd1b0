"""Faults as data: 429 bursts, 5xx, malformed JSON, data-wrapped items, hangs, latency, control."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.qboxmail.models import MailoutEntry
from bot.simulator import Fault, Faults, SimulatorHandle, running_simulator
from tests.simulator.conftest import NOW, TOKEN

ACCOUNTS = "/api/delivery/accounts"
MAILOUTS = "/api/delivery/tracemail/mailouts"


def test_a_429_burst_carries_retry_after_then_the_route_recovers(
    sim: SimulatorHandle, api: httpx.Client
) -> None:
    sim.faults.set("delivery_accounts", Fault(rate_limit_burst=2, retry_after=3))
    answers = [api.get(ACCOUNTS) for _ in range(3)]
    assert [r.status_code for r in answers] == [429, 429, 200]
    assert answers[0].headers["Retry-After"] == "3"
    assert answers[0].json() == {"message": "Too many requests", "errors": []}
    assert api.get("/api/delivery/domains").status_code == 200  # other routes unaffected


def test_an_error_rate_of_one_answers_5xx_with_the_management_body(
    sim: SimulatorHandle, api: httpx.Client
) -> None:
    sim.faults.set("*", Fault(error_rate=1.0, error_status=503))
    response = api.get(ACCOUNTS)
    assert response.status_code == 503
    assert response.json()["message"] == "Internal server error"


def test_a_send_route_fault_uses_the_send_error_body(sim: SimulatorHandle) -> None:
    sim.faults.set("send", Fault(rate_limit_burst=1))
    response = httpx.post(f"{sim.send_url}/send", json={})
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert response.headers["Retry-After"] == "1"


def test_malformed_json_is_cut_short(sim: SimulatorHandle, api: httpx.Client) -> None:
    sim.faults.set("mailouts", Fault(malformed_rate=1.0))
    response = api.get(MAILOUTS, params={"per": 2})
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_the_data_wrapped_variant_holds_json_text(sim: SimulatorHandle, api: httpx.Client) -> None:
    plain = api.get(MAILOUTS, params={"per": 2}).json()["resources"]
    sim.faults.set("mailouts", Fault(data_wrapped=True))
    wrapped = api.get(MAILOUTS, params={"per": 2}).json()["resources"]
    assert all(set(item) == {"data"} and isinstance(item["data"], str) for item in wrapped)
    assert [json.loads(item["data"]) for item in wrapped] == plain
    assert MailoutEntry.model_validate(wrapped[0]).id == plain[0]["id"]


def test_a_hang_outlasts_the_client_timeout(sim: SimulatorHandle, api: httpx.Client) -> None:
    sim.faults.set("dashboard", Fault(timeout_rate=1.0, hang_seconds=5))
    with pytest.raises(httpx.ReadTimeout):
        api.get("/api/delivery/dashboard", timeout=0.2)


def test_faults_can_be_driven_over_http(sim: SimulatorHandle, api: httpx.Client) -> None:
    created = api.post("/_sim/faults", json={"route": "counters", "rate_limit_burst": 1})
    assert created.json()["faults"]["counters"]["rate_limit_burst"] == 1
    assert api.get("/api/delivery/tracemail/counters").status_code == 429
    assert api.get("/_sim/faults").json()["faults"]["counters"]["retry_after"] == 1
    assert api.delete("/_sim/faults").json() == {"faults": {}}
    assert api.get("/api/delivery/tracemail/counters").status_code == 200


def test_the_control_routes_need_the_management_token(sim: SimulatorHandle) -> None:
    response = httpx.post(f"{sim.base_url}/_sim/faults", json={"route": "*", "error_rate": 1.0})
    assert response.status_code == 401
    assert sim.faults.snapshot() == {}


@pytest.mark.parametrize(
    "body", [{"route": "nope"}, {"route": "*", "error_rate": 2}, {"route": "*", "colour": "red"}]
)
def test_a_bad_fault_is_a_422(api: httpx.Client, body: dict) -> None:
    response = api.post("/_sim/faults", json=body)
    assert response.status_code == 422
    assert response.json()["message"] == "Validation failed"


def test_fractional_rates_repeat_for_the_same_seed() -> None:
    def run(seed: int) -> list[str]:
        faults = Faults(seed)
        faults.set("mailouts", Fault(error_rate=0.5))
        return [faults.decide("mailouts").action.value for _ in range(40)]

    assert run(3) == run(3)
    assert run(3) != run(4)
    assert 5 < run(3).count("error") < 35


async def test_latency_goes_through_the_injected_sleep() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async with running_simulator(now=NOW, latency_ms=100, sleep=sleep) as sim:
        sim.faults.set("delivery_accounts", Fault(latency_ms=250))
        async with httpx.AsyncClient(base_url=sim.base_url, headers={"X-Api-Token": TOKEN}) as c:
            assert (await c.get(ACCOUNTS)).status_code == 200
            assert (await c.get("/api/delivery/domains")).status_code == 200
    assert slept == [pytest.approx(0.35), pytest.approx(0.1)]
