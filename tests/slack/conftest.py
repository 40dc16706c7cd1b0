"""The real app on loopback: simulator, Web API stand-in, `open_runtime`, uvicorn, signed HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import time_machine

from bot.render.slack_limits import validate_blocks
from bot.runtime.serving import Runtime, open_runtime
from bot.settings import Settings
from bot.simulator import SimulatorHandle, running_simulator
from tests.slack import signing
from tests.slack.standin import TEAM, Call, StandIn, running_standin, serving

USER = "U0ENGINEER"
CHANNEL = "C0SUPPORT"
WATCHED = "C0WATCHED"
ALERT_BOT = "B0PAGERBOT"
MACHINE_NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
POSTING_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")


@dataclass
class Harness:
    """Talks to the app as Slack does and reads what it sent to Slack's Web API."""

    http: httpx.AsyncClient
    slack: StandIn
    sim: SimulatorHandle
    runtime: Runtime
    sleeps: list[float]
    scenarios: dict[str, dict[str, Any]] = field(default_factory=dict)
    now: Callable[[], float] | None = None  # the clock requests are signed with (the app's)
    _seq: int = 0

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    async def post(self, body: str, content_type: str, **signing_kw: Any) -> httpx.Response:
        if self.now is not None:
            signing_kw.setdefault("timestamp", int(self.now()))
        headers = signing.signed_headers(body, content_type=content_type, **signing_kw)
        return await self.http.post("/slack/events", content=body, headers=headers)

    async def command(
        self, text: str, *, channel: str = CHANNEL, user: str = USER
    ) -> httpx.Response:
        url = f"{self.slack.base_url}/respond/cmd{self._next()}"
        body = signing.slash_body(text, user=user, channel=channel, response_url=url, team=TEAM)
        return await self.post(body, signing.FORM)

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> httpx.Response:
        event_id = event_id or f"Ev{self._next():08d}"
        body = signing.event_body(event, event_id=event_id, team=TEAM)
        return await self.post(body, signing.JSON, retry_num=retry_num)

    async def click(
        self, button: dict[str, Any], *, channel: str = CHANNEL, user: str = USER
    ) -> httpx.Response:
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": user},
            "channel": {"id": channel},
            "api_app_id": "AQBX",
            "trigger_id": "1.2.3",
            "response_url": f"{self.slack.base_url}/respond/click{self._next()}",
            "container": {"type": "message", "channel_id": channel},
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": "qbx_result",
                    "value": button["value"],
                    "action_ts": "1800000000.1",
                }
            ],
        }
        return await self.post(signing.interactive_body(payload), signing.FORM)

    async def submit_view(
        self, callback_id: str, metadata: str, values: dict[str, Any], *, user: str = USER
    ) -> httpx.Response:
        """Submit a modal as Slack does: `values` is {block_id: {action_id: {...}}}."""
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM},
            "user": {"id": user},
            "api_app_id": "AQBX",
            "trigger_id": "4.5.6",
            "view": {
                "id": "V0NARROW",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": metadata,
                "state": {"values": values},
            },
        }
        return await self.post(signing.interactive_body(payload), signing.FORM)

    async def shortcut(
        self, message: dict[str, Any], *, channel: str, user: str = USER
    ) -> httpx.Response:
        payload = {
            "type": "message_action",
            "callback_id": "trace_message",
            "team": {"id": TEAM},
            "user": {"id": user},
            "channel": {"id": channel},
            "message": message,
            "message_ts": message["ts"],
            "trigger_id": "1.2.3",
            "response_url": f"{self.slack.base_url}/respond/sc{self._next()}",
        }
        return await self.post(signing.interactive_body(payload), signing.FORM)

    def trace_id(self, scenario: str) -> str:
        return str(self.scenarios[scenario]["trace"])


def posted_problems(calls: list[Call]) -> list[str]:
    """Every Block Kit limit broken by any message the stand-in received."""
    return [
        f"{c.method}: {p}"
        for c in calls
        if c.method in POSTING_METHODS
        for p in validate_blocks(c.args)
    ]


def settings_for(sim: SimulatorHandle, slack: StandIn, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test-token-000",
        "slack_signing_secret": signing.SECRET,
        "slack_api_url": f"{slack.base_url}/api/",
        "qboxmail_api_url": sim.base_url,
        "qboxmail_api_token": sim.management_token,
        "qboxmail_send_api_url": sim.send_url,
        "qbx_watch_channels": (WATCHED,),
        "redis_url": None,
        "qbx_report_cache_seconds": 300,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def machine_clock() -> Iterator[None]:
    """The machine's clock, for the app and the simulator alike: a fixed weekday morning (the
    simulated mailboxes' Email logs start at 07:00 UTC), whatever day or hour the tests run."""
    with time_machine.travel(MACHINE_NOW, tick=True):
        yield


@pytest.fixture
async def sim(machine_clock: None) -> AsyncIterator[SimulatorHandle]:
    async with running_simulator(seed=7) as handle:
        yield handle


@pytest.fixture
async def slack() -> AsyncIterator[StandIn]:
    async with running_standin() as stand:
        yield stand


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
async def qbx(
    sim: SimulatorHandle, slack: StandIn, overrides: dict[str, Any]
) -> AsyncIterator[Harness]:
    sleeps: list[float] = []

    async def no_wait(seconds: float) -> None:
        sleeps.append(seconds)
        await asyncio.sleep(0)

    settings = settings_for(sim, slack, **overrides)
    async with (
        open_runtime(settings, sleep=no_wait) as runtime,
        serving(runtime.asgi) as url,
        httpx.AsyncClient(base_url=url, timeout=10) as http,
    ):
        scenarios = {s["name"]: s for s in sim.describe()["scenarios"]}
        yield Harness(http, slack, sim, runtime, sleeps, scenarios)
        assert posted_problems(slack.calls) == []


def parents(calls: list[Call], channel: str = CHANNEL) -> list[Call]:
    return [
        c for c in calls
        if c.method == "chat.postMessage" and c.status == 200
        and c.args.get("channel") == channel and not c.args.get("thread_ts")
    ]  # fmt: skip


def in_thread(calls: list[Call], thread_ts: str) -> list[Call]:
    return [
        c for c in calls if c.method == "chat.postMessage" and c.args.get("thread_ts") == thread_ts
    ]


def updates_of(calls: list[Call], ts: str) -> list[Call]:
    return [c for c in calls if c.method == "chat.update" and c.args.get("ts") == ts]


def buttons(call: Call) -> list[dict[str, Any]]:
    return [e for b in call.blocks if b["type"] == "actions" for e in b["elements"]]


def dumps(call: Call) -> str:
    return json.dumps(call.args, ensure_ascii=False)
