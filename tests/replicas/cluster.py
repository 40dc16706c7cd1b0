"""The replica cluster the shared-state tests run against: two `qbx serve`, one `qbx worker`, a
throwaway redis-server, the Slack Web API stand-in and a counting simulator; and the helpers
that read what they did (stand-in calls, JSON log lines), always with a bounded wait."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from bot.recognition.ids import recognise
from bot.slack.tracing import TraceSpec
from bot.store.redis_store import RedisStore, connect
from tests.redis_support import ThrowawayRedis, unique_prefix
from tests.replicas.support import (
    CountedSimulator,
    Process,
    counted_simulator,
    qbx_env,
    start,
    start_server,
    stop,
)
from tests.slack import signing
from tests.slack.conftest import buttons, dumps, in_thread, parents, posted_problems
from tests.slack.standin import TEAM, Call, StandIn, running_standin

CHANNEL = "C0SUPPORT"
WATCHED = "C0WATCHED"
LEDGER_SECRET = "replica-ledger-secret"
WITHIN = 40.0  # seconds any awaited outcome may take (a bound, not a delay)
JOB_TIMEOUT = 8  # seconds; a job whose worker died runs again JOB_TIMEOUT + 2 s after it started


@dataclass
class Cluster:
    sim: CountedSimulator
    slack: StandIn
    redis: ThrowawayRedis
    prefix: str
    a: Process
    b: Process
    worker: Process
    http: httpx.AsyncClient
    scenarios: dict[str, dict[str, Any]]
    env: dict[str, str]
    logs: Path
    seq: list[int] = field(default_factory=lambda: [0])

    def next(self) -> int:
        self.seq[0] += 1
        return self.seq[0]

    def trace_id(self, scenario: str) -> str:
        return str(self.scenarios[scenario]["trace"])

    async def post(self, replica: Process, body: str, kind: str, **kw: Any) -> httpx.Response:
        headers = signing.signed_headers(body, content_type=kind, **kw)
        return await self.http.post(f"{replica.url}/slack/events", content=body, headers=headers)

    async def command(self, replica: Process, text: str, user: str = "U0ENGINEER") -> Any:
        url = f"{self.slack.base_url}/respond/cmd{self.next()}"
        body = signing.slash_body(text, user=user, channel=CHANNEL, response_url=url, team=TEAM)
        return await self.post(replica, body, signing.FORM)

    async def event(
        self, replica: Process, event: dict[str, Any], event_id: str, retry: int | None = None
    ) -> httpx.Response:
        body = signing.event_body(event, event_id=event_id, team=TEAM)
        return await self.post(replica, body, signing.JSON, retry_num=retry)

    async def click(self, replica: Process, button: dict[str, Any]) -> httpx.Response:
        payload = {
            "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U0ENGINEER"},
            "channel": {"id": CHANNEL}, "api_app_id": "AQBX", "trigger_id": "1.2.3",
            "response_url": f"{self.slack.base_url}/respond/click{self.next()}",
            "container": {"type": "message", "channel_id": CHANNEL},
            "actions": [{"type": "button", "action_id": button["action_id"],
                         "block_id": "qbx_result", "value": button["value"],
                         "action_ts": "1800000000.1"}],
        }  # fmt: skip
        return await self.post(replica, signing.interactive_body(payload), signing.FORM)

    async def wait(self, predicate: Callable[[list[Call]], bool]) -> list[Call]:
        return await self.slack.wait_for(predicate, within=WITHIN)


async def wait_for_worker(url: str, prefix: str) -> None:
    """Until the worker's arq health key exists (it is alive and polling)."""
    client = aioredis.Redis.from_url(url, decode_responses=True)

    async def alive() -> bool:
        return bool(await client.exists(f"{prefix}jobs:health-check"))

    try:
        await until(alive)
    finally:
        await client.aclose()


async def running_cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    """Start everything; stop every process and the Redis server afterwards."""
    logs: Path = tmp_path_factory.mktemp("replicas")
    redis, prefix = ThrowawayRedis(), unique_prefix()
    redis.start()
    processes: list[Process] = []
    try:
        async with (
            counted_simulator() as sim,
            running_standin() as slack,
            httpx.AsyncClient(timeout=15) as http,
        ):
            env = qbx_env(
                sim.handle, slack.base_url, REDIS_URL=redis.url, QBX_REDIS_PREFIX=prefix,
                QBX_LEDGER_SECRET=LEDGER_SECRET, QBX_WATCH_CHANNELS=WATCHED,
                QBX_JOB_RETRY_SECONDS="0", QBX_JOB_TIMEOUT_SECONDS=str(JOB_TIMEOUT),
                QBX_JOB_LOST_GRACE_SECONDS="1",
            )  # fmt: skip
            try:
                processes.append(start("worker", ["worker"], env, logs))
                processes.append(await start_server("a", env, logs))
                processes.append(await start_server("b", env, logs))
                await wait_for_worker(redis.url, prefix)
                scenarios = {s["name"]: s for s in sim.handle.describe()["scenarios"]}
                worker, a, b = processes
                cluster = Cluster(sim, slack, redis, prefix, a, b, worker, http, scenarios, env,
                                  logs)  # fmt: skip
                yield cluster
                processes.append(cluster.worker)  # a test may have replaced the worker
                assert posted_problems(slack.calls) == []
            finally:
                stop(list({id(p): p for p in processes}.values()))
    finally:
        redis.stop()


def logged(process: Process, event: str, **fields: str) -> int:
    """How many JSON log lines of `process` are `event` with these fields."""
    count = 0
    for line in process.log.read_text(errors="replace").splitlines():
        if f'"{event}"' not in line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("event") == event and all(record.get(k) == v for k, v in fields.items()):
            count += 1
    return count


async def until(check: Callable[[], bool | Awaitable[bool]]) -> None:
    """Poll `check` until it holds; fail after WITHIN seconds (a bound, not a delay)."""
    async with asyncio.timeout(WITHIN):
        while True:
            outcome = check()
            if outcome if isinstance(outcome, bool) else await outcome:
                return
            await asyncio.sleep(0.05)


def checklists(calls: list[Call], thread_ts: str) -> list[Call]:
    return [c for c in in_thread(calls, thread_ts) if c.text.startswith("Checklist")]


def verdicts(calls: list[Call], ts: str) -> list[Call]:
    return [c for c in calls if c.method == "chat.update" and c.args.get("ts") == ts and buttons(c)]


def deep(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "chat.update" and "· deep" in dumps(c)]


def deep_in(calls: list[Call], thread_ts: str) -> list[Call]:
    """Deep verdicts of the result at `thread_ts` (edited in place) or posted in its thread."""
    posted = {thread_ts, *(c.answer.get("ts") for c in in_thread(calls, thread_ts))}
    return [c for c in deep(calls) if c.args.get("ts") in posted]


def uploads(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "files.completeUploadExternal"]


def private(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "response_url"]


async def traced(cluster: Cluster, replica: Process, text: str) -> tuple[str, dict[str, Any]]:
    """Run `/qbx text` on `replica`; the new parent's ts and its result buttons by action id."""
    before = len(parents(cluster.slack.calls))
    assert (await cluster.command(replica, text)).status_code == 200
    calls = await cluster.wait(lambda cs: len(parents(cs)) > before)
    ts = str(parents(calls)[before].answer["ts"])
    calls = await cluster.wait(lambda cs: bool(verdicts(cs, ts)) and bool(checklists(cs, ts)))
    return ts, {b["action_id"]: b for b in buttons(verdicts(calls, ts)[-1])}


async def cached_report(cluster: Cluster, message_id: str) -> Any:
    store = RedisStore(connect(cluster.redis.url), prefix=cluster.prefix, clock=time.time)
    try:
        key = TraceSpec(target=recognise(message_id).targets[0]).cache_key
        cached = await store.get_report(key)
    finally:
        await store.aclose()
    assert cached is not None
    return cached.report


async def health(cluster: Cluster, replica: Process) -> tuple[int, dict[str, Any]]:
    response = await cluster.http.get(f"{replica.url}/healthz")
    return response.status_code, response.json()
