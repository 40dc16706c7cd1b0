"""Request authenticity and the health endpoint, over real HTTP."""

from __future__ import annotations

import asyncio
import time

import httpx

from bot.runtime.uvicorn_app import ServerApp
from bot.simulator import Fault, SimulatorHandle
from tests.slack import signing
from tests.slack.conftest import CHANNEL, USER, Harness, settings_for
from tests.slack.standin import TEAM, StandIn, serving


def help_body(qbx: Harness) -> str:
    url = f"{qbx.slack.base_url}/respond/auth"
    return signing.slash_body("help", user=USER, channel=CHANNEL, response_url=url, team=TEAM)


async def test_bad_signature_is_refused_with_401(qbx: Harness) -> None:
    response = await qbx.post(help_body(qbx), signing.FORM, secret="not-the-signing-secret")
    assert response.status_code == 401
    assert not [c for c in qbx.slack.calls if c.method == "response_url"]


async def test_stale_timestamp_is_refused_with_401(qbx: Harness) -> None:
    stale = int(time.time()) - 6 * 60
    response = await qbx.post(help_body(qbx), signing.FORM, timestamp=stale)
    assert response.status_code == 401


async def test_correctly_signed_help_is_answered_privately(qbx: Harness) -> None:
    response = await qbx.post(help_body(qbx), signing.FORM)
    assert response.status_code == 200
    calls = await qbx.slack.wait_for(lambda cs: any(c.method == "response_url" for c in cs))
    answer = next(c for c in calls if c.method == "response_url")
    assert answer.args["response_type"] == "ephemeral"
    assert "/qbx trace" in answer.text


async def test_healthz_reports_every_component(qbx: Harness) -> None:
    response = await qbx.http.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert {name for name, c in body["components"].items() if c["ok"]} == {
        "slack",
        "qboxmail",
        "store",
    }


async def test_healthz_is_503_when_qboxmail_fails(qbx: Harness) -> None:
    qbx.sim.faults.set("dashboard", Fault(error_rate=1.0, error_status=503))
    response = await qbx.http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["components"]["qboxmail"]["ok"] is False
    assert response.json()["components"]["slack"]["ok"] is True


async def test_server_app_opens_the_runtime_in_its_lifespan(
    sim: SimulatorHandle, slack: StandIn
) -> None:
    app = ServerApp(settings_for(sim, slack))
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as http:
        response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_anonymous_healthz_probes_share_one_dependency_check(qbx: Harness) -> None:
    answers = await asyncio.gather(*(qbx.http.get("/healthz") for _ in range(30)))
    answers += [await qbx.http.get("/healthz") for _ in range(10)]
    assert {a.status_code for a in answers} == {200}
    assert len([c for c in qbx.slack.calls if c.method == "auth.test"]) == 1
