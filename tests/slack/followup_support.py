"""A harness for the follow-up features: the real app whose watch clock is the simulator's, and
clicks that say which message the button is on (as Slack's `container.message_ts` does)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx

from bot.runtime.serving import open_runtime
from bot.simulator import SimulatorHandle
from tests.slack import signing
from tests.slack.conftest import (
    CHANNEL,
    USER,
    Harness,
    buttons,
    in_thread,
    parents,
    settings_for,
)
from tests.slack.standin import TEAM, Call, StandIn, serving

REMEDIATOR = "U0REMEDIATOR"


@asynccontextmanager
async def followup_app(
    sim: SimulatorHandle, slack: StandIn, **overrides: Any
) -> AsyncIterator[Harness]:
    async def no_wait(seconds: float) -> None:
        await asyncio.sleep(0)

    values = {"qbx_remediation_users": (REMEDIATOR,), **overrides}
    settings = settings_for(sim, slack, **values)
    async with (
        open_runtime(settings, sleep=no_wait, clock=sim.clock.timestamp) as runtime,
        serving(runtime.asgi) as url,
        httpx.AsyncClient(base_url=url, timeout=10) as http,
    ):
        scenarios = {s["name"]: s for s in sim.describe()["scenarios"]}
        yield Harness(http, slack, sim, runtime, [], scenarios, now=sim.clock.timestamp)


async def click_on(
    qbx: Harness,
    button: dict[str, Any],
    message_ts: str,
    *,
    user: str = USER,
    channel: str = CHANNEL,
) -> httpx.Response:
    click = qbx._next()  # each click is its own request, as Slack sends it (never a replay)
    payload = {
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": user},
        "channel": {"id": channel}, "api_app_id": "AQBX", "trigger_id": f"1.2.{click}",
        "response_url": f"{qbx.slack.base_url}/respond/f{message_ts}{user}{click}",
        "container": {"type": "message", "channel_id": channel, "message_ts": message_ts},
        "actions": [{"type": "button", "action_id": button["action_id"], "block_id": "qbx_result",
                     "value": button["value"], "action_ts": "1800000000.1"}],
    }  # fmt: skip
    return await qbx.post(signing.interactive_body(payload), signing.FORM)


def scenario_text(qbx: Harness, name: str) -> str:
    ids = qbx.scenarios[name]["ids"]
    return f"trace {ids['message_id']} to {ids['to']} on {ids['date']}"


def final_buttons(calls: list[Call], ts: str) -> dict[str, dict[str, Any]]:
    updates = [c for c in calls if c.method == "chat.update" and c.args.get("ts") == ts]
    return {b["action_id"]: b for b in buttons(updates[-1])} if updates else {}


async def traced(qbx: Harness, name: str, action: str) -> tuple[str, dict[str, dict[str, Any]]]:
    """Trace a scenario with /qbx; the parent's ts and its final buttons (once `action` shows)."""
    before = len(parents(qbx.slack.calls))
    await qbx.command(scenario_text(qbx, name))
    calls = await qbx.slack.wait_for(lambda cs: len(parents(cs)) > before)
    ts = str(parents(calls)[before].answer["ts"])
    calls = await qbx.slack.wait_for(
        lambda cs: action in final_buttons(cs, ts) and bool(in_thread(cs, ts))
    )  # the verdict with its buttons, and the checklist in the thread: the trace is done
    return ts, final_buttons(calls, ts)


async def private(qbx: Harness, count: int) -> list[Call]:
    calls = await qbx.slack.wait_for(
        lambda cs: len([c for c in cs if c.method == "response_url"]) >= count
    )
    return [c for c in calls if c.method == "response_url"]


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
