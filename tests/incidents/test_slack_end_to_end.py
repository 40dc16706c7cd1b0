"""The real wiring end to end: the simulator's bounce ramp, the real Qboxmail client, Redis, the
Slack poster and checklist reporter (bot.incidents.wiring), and the Web API stand-in over HTTP.

Two workers check every 20 simulated minutes and both are replaced mid-incident (a restart).
The ramp's incident must be posted once (with metadata), updated in place, charted once as the
first thread reply, carry the checklist (with working buttons) and be resolved once.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from bot.incidents.engine import IncidentWatcher
from bot.incidents.lifecycle import IncidentStatus
from bot.incidents.tracker import load_record
from bot.qboxmail.client import QboxmailClient
from bot.render.slack_limits import validate_blocks
from bot.runtime.serving import open_runtime
from bot.settings import Settings
from bot.simulator import SimClock, running_simulator
from bot.store.redis_store import RedisStore, connect
from tests.incidents.slack_support import (
    HistoryStandIn,
    bounce_rule,
    metadata_of,
    ramp_watcher,
    running_history_standin,
)
from tests.redis_support import REDIS_URL, machine_redis, unique_prefix
from tests.slack import signing
from tests.slack.standin import TEAM, Call, serving

pytestmark = [pytest.mark.redis, pytest.mark.asyncio(loop_scope="module")]

ANCHOR = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=20)
CHECKS = 21  # 08:00 .. 14:40
RESTART_AT = 10  # 11:20, with the incident open
CHANNEL = "C_INCIDENTS"
RAMP_KEY = "bounce_rate:domain:alerts.acme-shop.example"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass
class Run:
    slack: HistoryStandIn
    store: RedisStore
    settings: Settings
    timeline: list[str]  # the ramp incident's status after each check

    def parent(self) -> Call:
        [call] = [
            c for c in self.slack.parents(CHANNEL)
            if metadata_of(c)["event_payload"]["incident_id"].startswith(RAMP_KEY + "@")
        ]  # fmt: skip
        return call


def settings_for(sim_url: str, token: str, send_url: str, slack: str, prefix: str) -> Settings:
    return Settings(
        _env_file=None,
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=signing.SECRET,
        slack_api_url=f"{slack}/api/",
        qboxmail_api_url=sim_url,
        qboxmail_api_token=token,
        qboxmail_send_api_url=send_url,
        redis_url=REDIS_URL,
        qbx_redis_prefix=prefix,
        qbx_incident_channel=CHANNEL,
        qbx_incident_clear_checks=2,
        qbx_watch_interval_seconds=int(INTERVAL.total_seconds()),
        qbx_report_cache_seconds=0,
    )


async def no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def run() -> AsyncIterator[Run]:
    clock, prefix = SimClock(ANCHOR), unique_prefix()
    async with (
        running_simulator(now=clock) as sim,
        QboxmailClient(
            api_url=sim.base_url, api_token=sim.management_token, send_url=sim.send_url
        ) as api,  # fmt: skip
        machine_redis(prefix),
        running_history_standin() as slack,
    ):
        settings = settings_for(sim.base_url, sim.management_token, sim.send_url,
                                slack.base_url, prefix)  # fmt: skip
        store = RedisStore(connect(REDIS_URL), prefix=prefix, clock=clock.timestamp)
        rules = bounce_rule()

        def worker() -> IncidentWatcher:  # what one worker process builds at start-up
            return ramp_watcher(settings, api, slack.base_url, store, clock, rules)

        workers, timeline = [worker(), worker()], []
        for step in range(CHECKS):
            if step == RESTART_AT:
                workers = [worker(), worker()]
            await asyncio.gather(*(w.check() for w in workers))
            record = await load_record(store, RAMP_KEY)
            timeline.append(record.status.value if record else "-")
            clock.advance(INTERVAL)
        yield Run(slack, store, settings, timeline)
        await store.aclose()


async def ramp_ts(run: Run) -> str:
    record = await load_record(run.store, RAMP_KEY)
    assert record is not None
    assert record.parent_ts is not None
    return record.parent_ts


async def test_one_parent_with_metadata_despite_two_workers_and_a_restart(run: Run) -> None:
    parent = run.parent()
    assert parent.args["channel"] == CHANNEL
    assert metadata_of(parent)["event_type"] == "qbx_incident"
    assert "Bounce rate on Domain alerts.acme-shop.example" in parent.text
    ids = [metadata_of(c)["event_payload"]["incident_id"] for c in run.slack.parents(CHANNEL)]
    assert len(ids) == len(set(ids))  # no incident was posted twice


async def test_the_parent_is_updated_in_place_then_resolved_once(run: Run) -> None:
    ts = await ramp_ts(run)
    updates = [c for c in run.slack.named("chat.update") if c.args["ts"] == ts]
    assert len(updates) >= 2
    assert updates[-1].text.startswith(":white_check_mark: Resolved")
    assert sum(u.text.startswith(":white_check_mark:") for u in updates) == 1
    notes = [c for c in run.slack.in_thread(ts) if "has been clear for" in json.dumps(c.args)]
    assert len(notes) == 1
    assert run.timeline[0] == "-"
    assert run.timeline[-1] == IncidentStatus.RESOLVED


async def test_the_chart_is_the_first_thread_reply_and_a_png(run: Run) -> None:
    ts = await ramp_ts(run)
    thread = run.slack.in_thread(ts)
    assert thread[0].method == "files.completeUploadExternal"
    assert thread[0].args["channel_id"] == CHANNEL
    assert sum(c.method == "files.completeUploadExternal" for c in thread) == 1
    file_id = json.loads(thread[0].args["files"])[0]["id"]
    [upload] = [u for u in run.slack.uploads() if u.args["file_id"] == file_id]
    assert upload.body.startswith(PNG_MAGIC) or PNG_MAGIC in upload.body


async def test_the_thread_carries_blast_radius_and_the_domain_checklist(run: Run) -> None:
    ts = await ramp_ts(run)
    texts = [json.dumps(c.args) for c in run.slack.in_thread(ts)]
    assert any("Top replies" in t and "Top recipient domains" in t for t in texts)
    checklists = [c for c in run.slack.in_thread(ts) if c.text.startswith("Checklist:")]
    assert len(checklists) == 1
    assert "alerts.acme-shop.example" in json.dumps(checklists[0].blocks)


def result_buttons(run: Run, ts: str) -> dict[str, dict[str, Any]]:
    replies = {c.args.get("ts") for c in run.slack.named("chat.update")}
    return {
        e["action_id"]: e
        for c in run.slack.named("chat.update")
        if c.args["ts"] in replies and c.args["ts"] != ts
        for b in c.blocks if b["type"] == "actions"
        for e in b["elements"]
    }  # fmt: skip


async def test_every_message_keeps_within_block_kit_limits(run: Run) -> None:
    posting = ("chat.postMessage", "chat.update")
    problems = [p for c in run.slack.calls if c.method in posting for p in validate_blocks(c.args)]
    assert problems == []


async def test_the_checklist_buttons_work_with_the_slack_app(run: Run) -> None:
    ts = await ramp_ts(run)
    buttons = result_buttons(run, ts)
    assert {"qbx_deeper", "qbx_rerun"} <= set(buttons)
    before = len(run.slack.in_thread(ts))
    updates_before = len(run.slack.named("chat.update"))
    async with (
        open_runtime(run.settings, sleep=no_wait, incident_watcher=False) as runtime,
        serving(runtime.asgi) as url,
        httpx.AsyncClient(base_url=url, timeout=10) as http,
    ):
        response = await click(http, run.slack, buttons["qbx_deeper"])
        assert response.status_code == 200

        def deeper_checklist(calls: list[Call]) -> bool:
            thread = run.slack.in_thread(ts)
            return len(thread) > before and thread[-1].text.startswith("Checklist:")

        await run.slack.wait_for(deeper_checklist)
        await runtime.deps.background.drain(5)
    verdicts = run.slack.named("chat.update")[updates_before:]
    assert any("· deep" in json.dumps(c.blocks, ensure_ascii=False) for c in verdicts)


async def click(http: httpx.AsyncClient, slack: HistoryStandIn, button: dict[str, Any]) -> Any:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": "U0ENGINEER"},
        "channel": {"id": CHANNEL},
        "api_app_id": "AQBX",
        "trigger_id": "1.2.3",
        "response_url": f"{slack.base_url}/respond/click1",
        "container": {"type": "message", "channel_id": CHANNEL},
        "actions": [{"type": "button", "action_id": button["action_id"], "block_id": "qbx_result",
                     "value": button["value"], "action_ts": "1800000000.1"}],
    }  # fmt: skip
    body = signing.interactive_body(payload)
    headers = signing.signed_headers(body, content_type=signing.FORM)
    return await http.post("/slack/events", content=body, headers=headers)
