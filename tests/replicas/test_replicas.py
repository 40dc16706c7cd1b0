"""Two `qbx serve` processes and one `qbx worker` against one Redis (a throwaway redis-server this
module stops and restarts), one Slack Web API stand-in and the simulator, over real HTTP.

One event delivered to both replicas (and retried) is answered once; a burst of clicks split
across both runs the action once, on the worker; a ledger record written through one replica is
used by a trace on the other; two people tracing one id at once cost one trace's API calls and
both get the result; a repeat is served from the cache with no API call; with Redis stopped the
replicas keep answering (/healthz degraded) and recover by themselves when it returns.
"""

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
import pytest_asyncio
import redis.asyncio as aioredis

from bot.ids import recognise
from bot.simulator.faults import Fault
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

pytestmark = [
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.timeout(240),
    pytest.mark.asyncio(loop_scope="module"),
]

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


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
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
    """Deep verdicts of the traces posted in `thread_ts`'s thread."""
    posted = {c.answer.get("ts") for c in in_thread(calls, thread_ts)}
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


# --- the tests, in order: the Redis outage comes last ----------------------------------------
async def test_one_event_delivered_to_both_replicas_is_answered_once(cluster: Cluster) -> None:
    ts = "1790000000.000100"
    text = f"customer says {cluster.trace_id('delivered')} never arrived"
    event = {"type": "message", "channel": WATCHED, "user": "U0PASTER", "text": text, "ts": ts}
    deliveries = await asyncio.gather(
        cluster.event(cluster.a, event, "EvREPLICA0001"),
        cluster.event(cluster.b, event, "EvREPLICA0001"),
        cluster.event(cluster.b, event, "EvREPLICA0001", retry=1),
    )
    assert [r.status_code for r in deliveries] == [200, 200, 200]
    await cluster.wait(lambda cs: len(checklists(cs, ts)) >= 1)
    dropped = lambda: sum(  # noqa: E731
        logged(p, "slack_event_redelivered", event_id="EvREPLICA0001")
        for p in (cluster.a, cluster.b)
    )
    await until(lambda: dropped() == 2)  # both extra deliveries were seen and dropped
    assert len(checklists(cluster.slack.calls, ts)) == 1


async def test_a_burst_of_clicks_across_replicas_runs_deeper_trace_once_on_the_worker(
    cluster: Cluster,
) -> None:
    ts, found = await traced(cluster, cluster.a, f"trace {cluster.trace_id('bounced')}")
    answered = len(private(cluster.slack.calls))
    replicas = [cluster.a, cluster.b] * 3
    clicks = await asyncio.gather(*(cluster.click(r, found["qbx_deeper"]) for r in replicas))
    assert {r.status_code for r in clicks} == {200}
    calls = await cluster.wait(lambda cs: len(private(cs)) >= answered + 5 and bool(deep(cs)))
    assert all("just used" in dumps(c) for c in private(calls)[answered:])
    await until(lambda: logged(cluster.worker, "trace_answered") >= 1)  # it ran on the worker
    assert len(deep(cluster.slack.calls)) == 1
    assert all(c.args.get("thread_ts") == ts for c in in_thread(cluster.slack.calls, ts))


async def test_a_burst_of_log_pdf_clicks_uploads_one_pdf(cluster: Cluster) -> None:
    mailbox = cluster.trace_id("mailbox_inactive")
    ts, found = await traced(cluster, cluster.b, f"trace {mailbox}")
    answered = len(private(cluster.slack.calls))
    replicas = [cluster.b, cluster.a] * 2
    await asyncio.gather(*(cluster.click(r, found["qbx_log_pdf:0"]) for r in replicas))
    calls = await cluster.wait(lambda cs: len(private(cs)) >= answered + 3 and bool(uploads(cs)))
    [upload] = uploads(calls)
    assert upload.args["thread_ts"] == ts
    assert upload.args["channel_id"] == CHANNEL


async def test_a_ledger_record_written_on_one_replica_is_used_on_the_other(
    cluster: Cluster,
) -> None:
    ids = cluster.scenarios["delivered"]["ids"]
    record = {
        "http_status": 202, "request_id": ids["request_id"], "queued_messages": 1,
        "messages": [{"message_id": ids["message_id"], "to": ids["to"]}],
        "reference": "order-1042", "recipients": [ids["to"]],
        "submitted_at": ids["submitted_at"],
    }  # fmt: skip
    auth = {"Authorization": f"Bearer {LEDGER_SECRET}"}
    stored = await cluster.http.post(f"{cluster.a.url}/ledger", json=record, headers=auth)
    assert (stored.status_code, stored.json()) == (200, {"accepted": 1, "rejected": 0})
    ts, _ = await traced(cluster, cluster.b, "trace order-1042")
    [verdict] = verdicts(cluster.slack.calls, ts)[-1:]
    assert "*Delivered*" in dumps(verdict)
    assert "order-1042" in dumps(verdict)


async def test_a_reference_without_a_ledger_record_says_how_to_record_one(
    cluster: Cluster,
) -> None:
    answered = len(private(cluster.slack.calls))
    assert (await cluster.command(cluster.a, "trace CMP-2026-11")).status_code == 200
    calls = await cluster.wait(lambda cs: len(private(cs)) > answered)
    answer = dumps(private(calls)[answered])
    assert "CMP-2026-11" in answer
    assert "POST /ledger" in answer
    unauthorised = await cluster.http.post(f"{cluster.b.url}/ledger", json={})
    assert unauthorised.status_code == 401


async def test_two_people_tracing_one_id_at_once_share_one_trace(cluster: Cluster) -> None:
    message_id = cluster.trace_id("deferred")
    cluster.sim.handle.faults.set("*", Fault(latency_ms=60))  # the traces overlap for sure
    try:
        before, requests = len(parents(cluster.slack.calls)), cluster.sim.requests
        await asyncio.gather(
            cluster.command(cluster.a, f"trace {message_id}", user="U0ANNA"),
            cluster.command(cluster.b, f"trace {message_id}", user="U0BRUNO"),
        )
        calls = await cluster.wait(lambda cs: len(parents(cs)) >= before + 2)
        both = [str(p.answer["ts"]) for p in parents(calls)[before : before + 2]]
        await cluster.wait(lambda cs: all(verdicts(cs, ts) and checklists(cs, ts) for ts in both))
    finally:
        cluster.sim.handle.faults.clear()
    made = cluster.sim.requests - requests
    report = await cached_report(cluster, message_id)
    assert report.api_calls > 0
    assert made == report.api_calls  # one trace's calls, not two
    first, second = (dumps(verdicts(cluster.slack.calls, ts)[-1]) for ts in both)
    assert "(cached)" not in first
    assert "(cached)" not in second


async def test_a_repeat_trace_is_served_from_the_cache_with_no_api_call(cluster: Cluster) -> None:
    message_id = cluster.trace_id("deferred")  # traced by the test above, within the TTL
    requests = cluster.sim.requests
    ts, found = await traced(cluster, cluster.b, f"trace {message_id}")
    assert cluster.sim.requests == requests
    verdict = dumps(verdicts(cluster.slack.calls, ts)[-1])
    assert "(cached)" in verdict
    assert "Re-run" in verdict
    assert "qbx_rerun" in found


async def test_a_deeper_trace_whose_worker_dies_mid_job_is_finished_by_the_next(
    cluster: Cluster,
) -> None:
    ts, found = await traced(cluster, cluster.a, f"trace {cluster.trace_id('greylisted')}")
    posted = len(in_thread(cluster.slack.calls, ts))
    cluster.sim.handle.faults.set("*", Fault(latency_ms=1500))  # the deeper trace takes a while
    try:
        await cluster.click(cluster.b, found["qbx_deeper"])
        await cluster.wait(lambda cs: len(in_thread(cs, ts)) > posted)  # the job has started
        cluster.worker.popen.kill()
        cluster.worker.popen.wait(timeout=10)
    finally:
        cluster.sim.handle.faults.clear()
    assert not deep_in(cluster.slack.calls, ts)
    cluster.worker = start("worker-2", ["worker"], cluster.env, cluster.logs)
    await cluster.wait(lambda cs: bool(deep_in(cs, ts)))
    await until(lambda: logged(cluster.worker, "trace_answered") >= 1)
    assert len(deep_in(cluster.slack.calls, ts)) == 1


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


async def test_with_redis_stopped_the_replicas_keep_answering_then_recover(
    cluster: Cluster,
) -> None:
    cluster.redis.stop()
    try:
        ts, _ = await traced(cluster, cluster.a, f"trace {cluster.trace_id('bounced_policy')}")
        assert verdicts(cluster.slack.calls, ts)
        status, body = await health(cluster, cluster.b)
        assert status == 200
        assert body["status"] == "degraded"
        assert body["components"]["store"]["redis"] == "down"
        assert logged(cluster.a, "store.degraded") >= 1
    finally:
        cluster.redis.start()
    for replica in (cluster.a, cluster.b):

        async def recovered(replica: Process = replica) -> bool:
            return bool((await health(cluster, replica))[1]["status"] == "ok")

        await until(recovered)
    ts = "1790000000.000900"
    event = {"type": "message", "channel": WATCHED, "user": "U0PASTER", "ts": ts,
             "text": f"and {cluster.trace_id('expired')} too"}  # fmt: skip
    await asyncio.gather(
        cluster.event(cluster.a, event, "EvREPLICA0009"),
        cluster.event(cluster.b, event, "EvREPLICA0009"),
    )
    await cluster.wait(lambda cs: len(checklists(cs, ts)) >= 1)
    await until(
        lambda: sum(logged(p, "slack_event_redelivered") for p in (cluster.a, cluster.b)) >= 3
    )
    assert len(checklists(cluster.slack.calls, ts)) == 1  # shared dedupe is back
