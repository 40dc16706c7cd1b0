"""How close a trace comes to its critical path when every API call takes 100 ms.

The simulator adds 100 ms to every call. The engine records each fact's depth in calls that
had to wait for one another (a call starts at the deepest level of the facts it needs and
ends one level deeper; calls made together share a level): Report.api_depth. The critical
path is that depth x 100 ms; the target is wall time <= 1.3 x critical path. The sequential
sum (calls x 100 ms) is what the same trace would cost one call at a time.

    uv run python bench/trace_critical_path.py

The simulator runs in its own process (`qbx simulator --latency-ms 100`), so its CPU time
does not queue behind the tracer's on one event loop; on a loaded machine what is left
above 1.0 is HTTP and parsing time per level of the chain.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from bot.diagnostics.report import Report
from bot.diagnostics.service import TraceService
from bot.logs import configure_logging
from bot.qboxmail.client import QboxmailClient
from bot.recognition.ids import recognise
from bot.simulator import DEFAULT_TOKEN

LATENCY_MS = 100
RUNS = 3
TARGET_RATIO = 1.3


def _now() -> datetime:
    return datetime.now(UTC)


def cases(scenarios: dict[str, dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    """(label, text or check value, check kind or None)."""
    delivered, ip = scenarios["delivered"]["ids"], scenarios["rejected_ip"]["ids"]
    bounced = scenarios["bounced"]["ids"]
    full = scenarios["mailbox_full"]["check"]["value"]
    return [
        ("message trace (recipient known)",
         f"{delivered['message_id']} to {delivered['to']} on {delivered['date']}", None),
        ("message trace --deep (bounced)",
         f"{bounced['message_id']} to {bounced['to']} on {bounced['date']}", "deep"),
        ("request trace (rejected, hints)",
         f"{ip['request_id']} to {ip['to']} on {ip['date']}", None),
        ("mailbox check", full, "mailbox"),
        ("account check", "4127", "account"),
    ]  # fmt: skip


async def call_floor(client: QboxmailClient) -> float:
    """The median time of one API call alone: the latency plus this machine's HTTP cost."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        await client.delivery_account(4127)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def run_case(service: TraceService, text: str, kind: str | None) -> tuple[Report, float]:
    started = time.perf_counter()
    if kind in (None, "deep"):
        target = recognise(text, today=_now().date()).targets[0]
        report = await service.trace(target, deep=kind == "deep")
    else:
        report = await service.check(kind, text)
    return report, time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def simulator_process(port: int) -> Iterator[str]:
    """`qbx simulator` in a child process; yields its base URL once it accepts connections."""
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    argv = [sys.executable, "-m", "bot", "simulator", "--port", str(port),
            "--latency-ms", str(LATENCY_MS)]  # fmt: skip
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        child.terminate()
        child.wait(timeout=10)


def world() -> dict[str, Any]:
    argv = [sys.executable, "-m", "bot", "simulator", "--describe"]
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    described = subprocess.run(argv, env=env, capture_output=True, check=True, text=True)  # noqa: S603
    return dict(json.loads(described.stdout))


async def main() -> None:
    scenarios = {s["name"]: s for s in world()["scenarios"]}
    with simulator_process(_free_port()) as base:
        client = QboxmailClient(api_url=base, api_token=DEFAULT_TOKEN, send_url=f"{base}/v1")
        async with client:
            service = TraceService(client, simulated=True, scan_budget=12, clock=_now)
            lone = await call_floor(client)
            print(f"one lone API call takes {lone:.0f} ms here ({LATENCY_MS} ms latency + HTTP)")
            print(
                f"simulator latency {LATENCY_MS} ms per call; median of {RUNS} runs after a warm-up"
            )
            print(f"{'trace':34} {'wall ms':>8} {'depth':>5} {'crit ms':>8} {'ratio':>6} "
                  f"{'seq ms':>7} {'calls':>5} {'vs lone':>9}  verdict")  # fmt: skip
            for label, text, kind in cases(scenarios):
                await run_case(service, text, kind)  # warm the simulator's caches
                runs = [await run_case(service, text, kind) for _ in range(RUNS)]
                report = runs[-1][0]
                wall = statistics.median(seconds for _, seconds in runs) * 1000
                critical = report.api_depth * LATENCY_MS
                ratio = wall / critical if critical else float("nan")
                flag = "" if ratio <= TARGET_RATIO else "  (over target)"
                measured = wall / (report.api_depth * lone) if report.api_depth else float("nan")
                print(f"{label:34} {wall:8.0f} {report.api_depth:5d} {critical:8d} {ratio:6.2f} "
                      f"{report.api_calls * LATENCY_MS:7d} {report.api_calls:5d} {measured:9.2f}  "
                      f"{report.verdict.code.value}{flag}")  # fmt: skip
            print(f"target: wall <= {TARGET_RATIO} x critical path (depth x {LATENCY_MS} ms); "
                  "vs lone = wall / (depth x one lone call's measured time)")  # fmt: skip


if __name__ == "__main__":
    configure_logging(level="WARNING")  # the figures, not the client's per-request debug lines
    asyncio.run(main())
