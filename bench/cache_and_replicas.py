"""Issue 5's figures: a repeat trace served from the report cache, and duplicates across replicas.

1. Cache: one trace fills the cache, then the same trace is answered N times through the Slack
   layer's answer path (`bot.slack.tracing.report_for`, what `run_trace` times and logs as
   `trace_answered`), on the memory store and on Redis. Prints the server-side time (median,
   p99, max) and the Qboxmail API requests the repeats made (counted by the simulator: must be 0).
   Target: <= 10 ms.
2. Replicas: two `qbx serve` processes on one Redis (a throwaway redis-server); N events in a
   watched channel, each delivered to both replicas plus two Slack retries. Prints replies per
   event and the duplicate count (must be 0).

    uv run python bench/cache_and_replicas.py [--repeats 200] [--events 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.diagnostics.report import StepResult  # noqa: E402
from bot.diagnostics.service import TraceService  # noqa: E402
from bot.logs import configure_logging  # noqa: E402
from bot.qboxmail.client import QboxmailClient  # noqa: E402
from bot.recognition.ids import recognise  # noqa: E402
from bot.runtime.services import utcnow  # noqa: E402
from bot.slack.access import Access  # noqa: E402
from bot.slack.background import Background  # noqa: E402
from bot.slack.deps import SlackDeps  # noqa: E402
from bot.slack.progress import UpdateThrottle  # noqa: E402
from bot.slack.tracing import TraceSpec, report_for  # noqa: E402
from bot.store.base import Store  # noqa: E402
from bot.store.memory import MemoryStore  # noqa: E402
from bot.store.redis_store import RedisStore, connect  # noqa: E402
from tests.redis_support import ThrowawayRedis, unique_prefix  # noqa: E402
from tests.replicas.support import (  # noqa: E402
    CountedSimulator,
    counted_simulator,
    qbx_env,
    start_server,
    stop,
)
from tests.slack import signing  # noqa: E402
from tests.slack.standin import TEAM, running_standin  # noqa: E402

WATCHED = "C0WATCHED"


async def no_progress(step: StepResult, done: int, total: int) -> None:
    return None


def deps_for(sim: CountedSimulator, api: QboxmailClient, store: Store) -> SlackDeps:
    tracer = TraceService(api, simulated=True, scan_budget=12, clock=utcnow)
    return SlackDeps(
        tracer=tracer, store=store, pdfs=api, access=Access(),
        throttle=UpdateThrottle(clock=time.monotonic), trace_slots=asyncio.Semaphore(16),
        new_reference=lambda: "ref", background=Background(),
    )  # fmt: skip


async def cache_path(name: str, store: Store, repeats: int) -> None:
    async with counted_simulator() as sim:
        handle = sim.handle
        api = QboxmailClient(api_url=handle.base_url, api_token=handle.management_token,
                             send_url=handle.send_url)  # fmt: skip
        async with api:
            deps = deps_for(sim, api, store)
            scenario = {s["name"]: s for s in handle.describe()["scenarios"]}["bounced"]
            spec = TraceSpec(target=recognise(scenario["trace"]).targets[0])
            first, _ = await report_for(deps, spec, no_progress, fresh=False)
            before, times = sim.requests, []
            for _ in range(repeats):
                started = time.perf_counter()
                _, age = await report_for(deps, spec, no_progress, fresh=False)
                times.append((time.perf_counter() - started) * 1000)
                assert age is not None
            made = sim.requests - before
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"cache hit on {name:6}: median {statistics.median(times):.3f} ms, p99 {p99:.3f} ms, "
          f"max {times[-1]:.3f} ms over {repeats} repeats; first trace made {first.api_calls} "
          f"API calls, the repeats made {made} (target <= 10 ms, 0 calls)")  # fmt: skip


DROPPED = ("slack_event_redelivered", "slack_request_replayed")  # by Bolt's dedupe / at the gate


def redeliveries(log: Path) -> int:
    """Deliveries a server dropped: a retry already answered, or the same signed request again."""
    count = 0
    for line in log.read_text(errors="replace").splitlines():
        if any(f'"{event}"' in line for event in DROPPED):
            count += json.loads(line).get("event") in DROPPED
    return count


async def replicas(events: int, redis: ThrowawayRedis, logs: Path) -> None:
    async with (
        counted_simulator() as sim,
        running_standin() as slack,
        httpx.AsyncClient(timeout=30) as http,
    ):
        env = qbx_env(
            sim.handle,
            slack.base_url,
            REDIS_URL=redis.url,
            QBX_REDIS_PREFIX=unique_prefix(),
            QBX_WATCH_CHANNELS=WATCHED,
            QBX_USER_TRACES_PER_MINUTE="1000",
        )  # one paster sends every event; fmt: skip
        servers = []
        try:
            servers.append(await start_server("a", env, logs))
            servers.append(await start_server("b", env, logs))
            ids = [s["trace"] for s in sim.handle.describe()["scenarios"] if s.get("trace")][:8]
            deliveries = []
            for n in range(events):
                ts = f"1790000000.{n:06d}"
                event = {"type": "message", "channel": WATCHED, "user": "U0PASTER", "ts": ts,
                         "text": f"please check {ids[n % len(ids)]}"}  # fmt: skip
                body = signing.event_body(event, event_id=f"EvBENCH{n:06d}", team=TEAM)
                for server, retry in ((servers[0], None), (servers[1], None), (servers[1], 1),
                                      (servers[0], 2)):  # fmt: skip
                    headers = signing.signed_headers(body, content_type=signing.JSON,
                                                     retry_num=retry)  # fmt: skip
                    deliveries.append(http.post(f"{server.url}/slack/events", content=body,
                                                headers=headers))  # fmt: skip
            answers = await asyncio.gather(*deliveries)
            assert all(a.status_code == 200 for a in answers)

            def settled() -> bool:
                dropped = sum(redeliveries(s.log) for s in servers)
                return dropped >= 3 * events and all(
                    checklists(slack.calls, n) for n in range(events)
                )

            try:
                async with asyncio.timeout(180):
                    while True:
                        if settled():
                            break
                        await asyncio.sleep(0.2)
            except TimeoutError:
                dropped = sum(redeliveries(s.log) for s in servers)
                answered = sum(1 for n in range(events) if checklists(slack.calls, n))
                print(
                    f"replicas: not settled after 180 s: {dropped} of {3 * events} extra "
                    f"deliveries dropped, {answered} of {events} events answered"
                )
                raise
        finally:
            stop(servers)
        replies = [checklists(slack.calls, n) for n in range(events)]
    duplicates = sum(max(0, r - 1) for r in replies)
    spread = f"min {min(replies)} max {max(replies)}"
    print(f"replicas: {events} events x 4 deliveries (2 replicas, 2 retries): replies per "
          f"event {spread}; duplicates {duplicates} (must be 0)")  # fmt: skip


def checklists(calls: list, n: int) -> int:  # type: ignore[type-arg]
    ts = f"1790000000.{n:06d}"
    return sum(1 for c in calls if c.method == "chat.postMessage" and c.args.get("thread_ts") == ts
               and c.text.startswith("Checklist"))  # fmt: skip


async def main(repeats: int, events: int) -> None:
    configure_logging(level="WARNING", fmt="console", secrets=())
    await cache_path("memory", MemoryStore(clock=time.time), repeats)
    redis = ThrowawayRedis()
    redis.start()
    try:
        store = RedisStore(connect(redis.url), prefix=unique_prefix(), clock=time.time)
        await cache_path("redis", store, repeats)
        await store.aclose()
        with tempfile.TemporaryDirectory() as logs:
            await replicas(events, redis, Path(logs))
    finally:
        redis.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--events", type=int, default=40)
    args = parser.parse_args()
    asyncio.run(main(args.repeats, args.events))
