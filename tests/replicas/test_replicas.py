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
import time

import pytest

from bot.simulator.faults import Fault
from tests.replicas.cluster import (
    CHANNEL,
    LEDGER_SECRET,
    WATCHED,
    Cluster,
    cached_report,
    checklists,
    deep,
    deep_in,
    health,
    logged,
    private,
    traced,
    until,
    uploads,
    verdicts,
)
from tests.replicas.support import Process, start
from tests.slack.conftest import dumps, in_thread, parents
from tests.webhook_signing import signed

pytestmark = [
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.timeout(240),
    pytest.mark.asyncio(loop_scope="module"),
]


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
        + logged(p, "slack_request_replayed")  # the same signed request: dropped at the door
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
    body, headers = signed(LEDGER_SECRET, record, time.time())
    stored = await cluster.http.post(f"{cluster.a.url}/ledger", content=body, headers=headers)
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
        lambda: (
            sum(
                logged(p, "slack_event_redelivered") + logged(p, "slack_request_replayed")
                for p in (cluster.a, cluster.b)
            )
            >= 3
        )
    )
    assert len(checklists(cluster.slack.calls, ts)) == 1  # shared dedupe is back
