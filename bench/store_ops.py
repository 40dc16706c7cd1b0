"""Latency of the store operations on a trace's path, on the machine's Redis (p50/p99 in ms).

Uses its own key prefix and deletes its keys afterwards. Usage: python bench/store_ops.py [N]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bot.diagnostics.report import Evidence, Report, StepResult, StepStatus, Verdict, VerdictCode
from bot.recognition.targets import Target, TargetKind
from bot.store.redis_store import RedisStore, connect

REDIS_URL = "redis://127.0.0.1:6379/0"


def a_report() -> Report:
    evidence = tuple(Evidence(f"fact {n}", "value " * 8, "GET /api/...") for n in range(4))
    steps = tuple(
        StepResult(f"step{n}", f"Step {n}", StepStatus.PASS, "found it " * 5, evidence)
        for n in range(10)
    )
    return Report(
        checklist="message_trace",
        title="Message trace",
        target=Target(TargetKind.MESSAGE_ID, f"{uuid.uuid4()}@example.test"),
        verdict=Verdict(VerdictCode.BOUNCED, "Bounced: mailbox full", "Ask the recipient"),
        steps=steps,
        generated_at=datetime.now(UTC),
        simulated=True,
    )


async def timed(label: str, count: int, op: Callable[[int], Awaitable[object]]) -> None:
    samples = []
    for n in range(count):
        started = time.perf_counter()
        await op(n)
        samples.append((time.perf_counter() - started) * 1000)
    p99 = statistics.quantiles(samples, n=100)[98]
    print(f"  {label:<22} p50 {statistics.median(samples):6.2f} ms   p99 {p99:6.2f} ms")


async def main(count: int) -> None:
    prefix = f"qbxbench:{uuid.uuid4().hex[:8]}:"
    client = connect(REDIS_URL)
    store = RedisStore(client, prefix=prefix, clock=time.time)
    report = a_report()
    await store.put_report("k", report, 300)

    async def work() -> str:
        return "x"

    print(
        f"store operations on 127.0.0.1:6379, {count} each (report JSON {len(report.to_json())} B)"
    )
    try:
        await timed("get_report (cache hit)", count, lambda n: store.get_report("k"))
        await timed("put_report", count, lambda n: store.put_report(f"k{n}", report, 300))
        await timed("claim_event", count, lambda n: store.claim_event(f"E{n}"))
        await timed("hit_rate_limit", count, lambda n: store.hit_rate_limit("U1", 10**6))
        await timed(
            "single_flight (alone)",
            count,
            lambda n: store.single_flight(f"f{n}", work, ttl_seconds=30),
        )
    finally:
        async for key in client.scan_iter(match=f"{prefix}*", count=1000):
            await client.delete(key)
        await client.aclose()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
