"""`qbx doctor` against the real loopback simulator: clean it passes; with the drift switch on,
each renamed, dropped and retyped field is named; writes are never called."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from bot.doctor.report import Area, EndpointStatus, Status
from bot.doctor.run import run_doctor
from bot.doctor.verdicts import send_error_check
from bot.errors import PathNotAllowed
from bot.qboxmail.client import QboxmailClient
from bot.qboxmail.contract import ENDPOINTS
from bot.simulator import Fault, SimulatorHandle
from bot.simulator.drift import DRIFTS, Change
from tests.doctor.conftest import options_for, settings_for


async def test_against_the_faithful_simulator_nothing_fails(sim: SimulatorHandle) -> None:
    run = await run_doctor(settings_for(sim), options_for(sim))
    failed = [c.line() for c in run.report.checks if c.status is Status.FAIL]
    assert failed == []
    assert run.report.ok
    by_status = Counter(e.status for e in run.report.endpoints)
    writes = [e for e in ENDPOINTS if e.writes]
    assert by_status[EndpointStatus.SKIPPED] == len(writes)
    assert by_status[EndpointStatus.OK] == len(ENDPOINTS) - len(writes)


async def test_every_endpoint_on_the_allow_list_is_reported_once(sim: SimulatorHandle) -> None:
    run = await run_doctor(settings_for(sim), options_for(sim))
    assert [e.name for e in run.report.endpoints] == [e.name for e in ENDPOINTS]


async def test_the_send_api_is_never_called(sim: SimulatorHandle) -> None:
    for route in ("send", "send_bulk"):  # the next request to each is answered 429, once
        sim.faults.set(route, Fault(rate_limit_burst=1))
    await run_doctor(settings_for(sim), options_for(sim))
    async with httpx.AsyncClient(base_url=sim.send_url) as http:
        for path in ("/send", "/send/bulk"):  # still unspent: the doctor sent nothing there
            assert (await http.post(path, json={})).status_code == 429


async def test_the_client_refuses_a_write_before_the_network() -> None:
    assert {e.name for e in ENDPOINTS if e.writes} == {"send", "send_bulk", "suppression_edit"}
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: seen.append(request) or httpx.Response(200))
    client = QboxmailClient(
        api_url="http://qbx.invalid", api_token="t", send_url="http://qbx.invalid/v1",
        transport=transport,
    )  # fmt: skip
    async with client:
        for write in [e.name for e in ENDPOINTS if e.writes]:  # sending mail, un-suppressing
            with pytest.raises(PathNotAllowed):
                await client.raw(write)
    assert seen == []


async def test_drift_names_every_renamed_dropped_and_retyped_field(sim: SimulatorHandle) -> None:
    sim.simulation.drift = True
    run = await run_doctor(settings_for(sim), options_for(sim))
    results = {e.name: e for e in run.report.endpoints}
    for drift in DRIFTS:
        for endpoint in drift.endpoints:
            shape = results[endpoint].shape
            assert results[endpoint].status is EndpointStatus.DRIFT
            if drift.change is Change.RETYPE:
                assert drift.field in [u.field for u in shape.unexpected_type], (endpoint, drift)
            else:
                assert drift.field in shape.missing, (endpoint, drift)
            if drift.change is Change.RENAME:
                assert drift.renamed_to in shape.unknown_fields, (endpoint, drift)
    assert not run.report.ok


async def test_drift_fails_the_check_of_that_endpoint_and_says_which_model(
    sim: SimulatorHandle,
) -> None:
    sim.simulation.drift = True
    run = await run_doctor(settings_for(sim), options_for(sim))
    check = next(c for c in run.report.checks if c.name == "GET /api/delivery/accounts")
    assert check.status is Status.FAIL
    assert "missing remaining_messages" in check.detail
    assert "status (expected integer, got string)" in check.detail
    assert "DeliveryAccount" in check.fix
    untouched = next(c for c in run.report.checks if c.name == "GET /api/delivery/domains")
    assert untouched.status is Status.OK


async def test_a_refused_token_is_one_failure_and_no_endpoint_is_read(
    sim: SimulatorHandle,
) -> None:
    settings = settings_for(sim, qboxmail_api_token="not-the-token")
    run = await run_doctor(settings, options_for(sim))
    qboxmail = [c for c in run.report.checks if c.area is Area.QBOXMAIL]
    assert [(c.name, c.status) for c in qboxmail] == [("token", Status.FAIL)]
    assert "401" in qboxmail[0].detail
    assert "not-the-token" not in str(run.report.to_json())


async def test_a_time_limit_stops_the_probe_and_says_so(sim: SimulatorHandle) -> None:
    sim.faults.set("mailouts", Fault(latency_ms=3000))
    run = await run_doctor(settings_for(sim), options_for(sim, time_limit=1.0))
    mailouts = next(e for e in run.report.endpoints if e.name == "mailouts")
    assert mailouts.status is EndpointStatus.FAILED
    assert "time limit" in mailouts.detail
    assert not run.report.ok


def test_unknown_send_error_ids_in_tracemail_are_listed() -> None:
    check = send_error_check([{"error": "invalid_token"}, {"error": "sender_blocklisted"}])
    assert check.status is Status.WARN
    assert "sender_blocklisted" in check.detail
    assert "invalid_token" not in check.detail
