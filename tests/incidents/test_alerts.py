"""POST /alerts through `alert_routes`: a signed alert opens one post in the incident channel and
its ids are traced into that post's thread (the Slack tracing path); a replay is handled once.
Simulator, Web API stand-in over HTTP, the app's SlackDeps; the route served via ASGITransport.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.incidents.alerts import alert_routes
from bot.incidents.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_alert
from bot.qboxmail.client import QboxmailClient
from bot.runtime.bolt import slack_deps
from bot.runtime.services import build_trace_service
from bot.runtime.serving import open_runtime
from bot.settings import Settings
from bot.simulator import SimulatorHandle, running_simulator
from bot.slack.client import build_web_client
from bot.slack.deps import SlackDeps
from bot.store.memory import MemoryStore
from tests.incidents.slack_support import HistoryStandIn, running_history_standin
from tests.slack.standin import Call, serving

SECRET = "alerts-secret-for-tests-0123"
CHANNEL = "C_INCIDENTS"
NOW = 1_795_000_000


@dataclass
class Alerts:
    http: httpx.AsyncClient
    slack: HistoryStandIn
    deps: SlackDeps
    sim: SimulatorHandle

    def scenario_id(self, name: str) -> str:
        return str(next(s for s in self.sim.describe()["scenarios"] if s["name"] == name)["trace"])

    async def post(self, payload: dict[str, Any], *, timestamp: int = NOW) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {TIMESTAMP_HEADER: str(timestamp), "Content-Type": "application/json",
                   SIGNATURE_HEADER: sign_alert(SECRET, body, timestamp)}  # fmt: skip
        return await self.http.post("/alerts", content=body, headers=headers)


def settings(**values: Any) -> Settings:
    base: dict[str, Any] = {"qbx_alerts_secret": SECRET, "qbx_incident_channel": CHANNEL}
    return Settings(_env_file=None, **{**base, **values})


@pytest.fixture
async def alerts() -> AsyncIterator[Alerts]:
    async with (
        running_simulator() as sim,
        QboxmailClient(
            api_url=sim.base_url, api_token=sim.management_token, send_url=sim.send_url
        ) as api,  # fmt: skip
        running_history_standin() as slack,
    ):
        store = MemoryStore(prefix="t:", clock=time.time)
        tracer = build_trace_service(settings(), api, True)
        deps = slack_deps(settings(), tracer=tracer, store=store, pdfs=api, clock=time.monotonic)
        client = build_web_client(token="xoxb-t", base_url=f"{slack.base_url}/api/")
        app = Starlette(routes=alert_routes(settings(), deps, client, clock=lambda: float(NOW)))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://qbx.test") as http:
            yield Alerts(http, slack, deps, sim)
        await deps.background.drain(10)


def checklists_in(slack: HistoryStandIn, ts: str) -> list[Call]:
    return [c for c in slack.in_thread(ts) if c.text.startswith("Checklist:")]


async def test_a_signed_alert_opens_one_post_and_traces_its_ids_in_the_thread(
    alerts: Alerts,
) -> None:
    ids = [alerts.scenario_id("bounced"), alerts.scenario_id("delivered")]
    alert = {"title": "Checkout <!channel> mail failing", "severity": "critical", "ids": ids,
             "source": "shop <b>", "text": "since 14:02 & rising"}  # fmt: skip
    response = await alerts.post(alert)
    assert response.status_code == 202
    [parent] = alerts.slack.parents(CHANNEL)
    shown = json.dumps(parent.args)
    assert "&lt;!channel&gt;" in shown
    assert "<!channel>" not in shown
    assert "shop &lt;b&gt;" in shown
    assert "&amp; rising" in shown
    ts = alerts.slack.history[CHANNEL][0]["ts"]
    await alerts.deps.background.drain(20)
    assert len(checklists_in(alerts.slack, ts)) == 2
    verdicts = [c for c in alerts.slack.named("chat.update") if "Bounced" in json.dumps(c.blocks)]
    assert verdicts, "the bounced id's verdict was not shown"


async def test_a_replayed_alert_is_acknowledged_and_handled_once(alerts: Alerts) -> None:
    alert = {"title": "Mail failing", "severity": "warning", "ids": [alerts.scenario_id("bounced")]}
    first, replay = await alerts.post(alert), await alerts.post(alert)
    assert [first.status_code, replay.status_code] == [202, 202]
    assert replay.json()["duplicate"] is True
    await alerts.deps.background.drain(20)
    assert len(alerts.slack.parents(CHANNEL)) == 1
    ts = alerts.slack.history[CHANNEL][0]["ts"]
    assert len(checklists_in(alerts.slack, ts)) == 1


async def test_an_alert_without_ids_is_posted_without_traces(alerts: Alerts) -> None:
    response = await alerts.post({"title": "Disk almost full", "severity": "warning"})
    assert response.status_code == 202
    await alerts.deps.background.drain(5)
    assert len(alerts.slack.parents(CHANNEL)) == 1
    assert [c for c in alerts.slack.calls if c.args.get("thread_ts")] == []


async def test_a_bad_signature_posts_nothing(alerts: Alerts) -> None:
    body = b'{"title": "x", "severity": "critical"}'
    headers = {TIMESTAMP_HEADER: str(NOW), SIGNATURE_HEADER: sign_alert("wrong", body, NOW)}
    assert (await alerts.http.post("/alerts", content=body, headers=headers)).status_code == 401
    assert alerts.slack.calls == []


async def test_a_channel_the_bot_is_not_in_fails_the_request_with_the_fix(
    alerts: Alerts,
) -> None:
    client = build_web_client(token="xoxb-t", base_url=f"{alerts.slack.base_url}/api/")
    routes = alert_routes(settings(qbx_incident_channel="C_NOT_IN"), alerts.deps, client,
                          clock=lambda: float(NOW))  # fmt: skip
    transport = httpx.ASGITransport(app=Starlette(routes=routes))
    async with httpx.AsyncClient(transport=transport, base_url="http://qbx.test") as http:
        alerts.http = http
        response = await alerts.post({"title": "x", "severity": "critical"})
    assert response.status_code == 502
    assert re.search(r"C_NOT_IN.*/invite @qbx", response.json()["message"])


async def test_an_alert_slack_failed_to_post_is_posted_by_the_senders_retry(
    alerts: Alerts,
) -> None:
    async def no_wait(seconds: float) -> None:
        return None

    client = build_web_client(
        token="xoxb-t", base_url=f"{alerts.slack.base_url}/api/", sleep=no_wait
    )
    routes = alert_routes(settings(), alerts.deps, client, clock=lambda: float(NOW))
    transport = httpx.ASGITransport(app=Starlette(routes=routes))
    async with httpx.AsyncClient(transport=transport, base_url="http://qbx.test") as http:
        alerts.http = http
        alerts.slack.fail("chat.postMessage", 503)  # once: the client's own retry posts it
        first = await alerts.post({"title": "Retried inside", "severity": "warning"})
        alerts.slack.fail("chat.postMessage", *[500] * 4)  # past every retry: 502
        failed = await alerts.post({"title": "Failed once", "severity": "critical"})
        retried = await alerts.post({"title": "Failed once", "severity": "critical"})
        replayed = await alerts.post({"title": "Failed once", "severity": "critical"})
    assert first.status_code == 202
    assert failed.status_code == 502
    assert (retried.status_code, retried.json()["duplicate"]) == (202, False)
    assert (replayed.status_code, replayed.json()["duplicate"]) == (202, True)
    titles = [c.text for c in alerts.slack.parents(CHANNEL)]
    assert [t.rsplit(": ", 1)[1] for t in titles] == ["Retried inside", "Failed once"]


@pytest.mark.parametrize(
    "values",
    [{"qbx_alerts_secret": None}, {"qbx_incident_channel": None}],
    ids=["no-secret", "no-channel"],
)
def test_no_route_without_a_secret_and_a_channel(alerts: Alerts, values: dict[str, Any]) -> None:
    client = build_web_client(token="xoxb-t", base_url="http://127.0.0.1:9/api/")
    assert alert_routes(settings(**values), alerts.deps, client) == []


async def test_the_routes_mount_on_the_served_web_app(alerts: Alerts) -> None:
    """The lead's mount line: open_runtime's ASGI app + alert_routes, over real HTTP."""
    values = {"slack_bot_token": "xoxb-t", "slack_signing_secret": "s" * 20,
              "slack_api_url": f"{alerts.slack.base_url}/api/",
              "qboxmail_api_url": alerts.sim.base_url,
              "qboxmail_api_token": alerts.sim.management_token,
              "qboxmail_send_api_url": alerts.sim.send_url}  # fmt: skip
    served = settings(**values)
    async with open_runtime(served, incident_watcher=False) as runtime:
        client = runtime.app.client
        runtime.asgi.router.routes.extend(alert_routes(served, runtime.deps, client))
        async with serving(runtime.asgi) as url, httpx.AsyncClient(base_url=url) as http:
            alerts.http = http
            response = await alerts.post({"title": "Via the web app", "severity": "critical"},
                                         timestamp=int(time.time()))  # fmt: skip
    assert response.status_code == 202
    [parent] = alerts.slack.parents(CHANNEL)
    assert "Via the web app" in parent.text


async def test_ids_qbx_cannot_trace_get_a_note_in_the_thread(alerts: Alerts) -> None:
    response = await alerts.post({"title": "x", "severity": "warning", "ids": ["ORDER-1234"]})
    assert response.status_code == 202
    await alerts.deps.background.drain(10)
    ts = alerts.slack.history[CHANNEL][0]["ts"]
    [note] = alerts.slack.in_thread(ts)
    assert "None of these is an id qbx can trace" in note.text
    assert "ORDER-1234" in note.text
