"""200 `/qbx trace` commands at once while the simulator adds 300 ms to every API call.

Processes: the simulator (`qbx simulator --latency-ms 300`), the server (`qbx serve`), and this
script, which signs and sends the commands and hosts the Slack Web API stand-in. Prints: ack
latencies (every ack within 3 s; p99 <= 100 ms), results posted exactly once per command,
traces per second, and the server's peak memory (VmHWM).

    uv run python bench/slack_burst.py [--commands 200] [--latency-ms 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.slack import signing  # noqa: E402
from tests.slack.standin import TEAM, Call, running_standin  # noqa: E402

PROFILE = os.environ.get("QBX_BENCH_PROFILE", "").split()
ACK_LIMIT = 3.0
P99_TARGET = 0.100


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def qbx(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own CLI with our own arguments
        [sys.executable, *PROFILE, "-m", "bot", *args],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "REDIS_URL"}, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def message_ids() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "simulator", "--describe"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    scenarios = json.loads(out)["scenarios"]
    return [s["trace"] for s in scenarios if "@" in str(s["trace"]) and s["check"] is None]


def start_simulator(latency_ms: int) -> tuple[subprocess.Popen[str], str, str]:
    port = free_port()
    proc = qbx("simulator", "--port", str(port), "--latency-ms", str(latency_ms))
    assert proc.stdout is not None
    proc.stdout.readline()  # the banner: the server is up
    return proc, f"http://127.0.0.1:{port}", "sim-management-token"


def server_env(sim_url: str, token: str, slack_url: str, port: int) -> dict[str, str]:
    return {
        "REDIS_URL": "redis://127.0.0.1:6379/0",  # the workers share dedupe, cache and contexts
        "QBX_REDIS_PREFIX": f"qbxbench:{os.getpid()}:{time.time_ns()}:",
        "SLACK_BOT_TOKEN": "xoxb-bench-token-000",
        "SLACK_SIGNING_SECRET": signing.SECRET,
        "SLACK_API_URL": f"{slack_url}/api/",
        "QBOXMAIL_API_URL": sim_url,
        "QBOXMAIL_API_TOKEN": token,
        "QBOXMAIL_SEND_API_URL": f"{sim_url}/v1",
        "QBX_REPORT_CACHE_SECONDS": "0",  # every command traces for real
        "QBX_USER_TRACES_PER_MINUTE": "1000",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
        "PORT": str(port),
    }


async def wait_ready(http: aiohttp.ClientSession, base: str) -> None:
    for _ in range(400):
        try:
            async with http.get(f"{base}/healthz"):
                return
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    raise RuntimeError("qbx serve did not start")


def raw_request(port: int, i: int, text: str, respond: str) -> bytes:
    """One signed slash command as the bytes Slack would send (prepared before the burst)."""
    body = signing.slash_body(
        text, user=f"U{i:05d}", channel=f"C{i:05d}", response_url=respond, team=TEAM
    )
    headers = signing.signed_headers(body, content_type=signing.FORM)
    head = ["POST /slack/events HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    head += [f"Content-Length: {len(body.encode())}", "", ""]
    return "\r\n".join(head).encode() + body.encode()


async def ack_time(writer: asyncio.StreamWriter, reader: asyncio.StreamReader, raw: bytes) -> float:
    """Write one request and time its HTTP answer (status line and headers)."""
    started = time.perf_counter()
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    elapsed = time.perf_counter() - started
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"ack refused: {head[:40]!r}")
    writer.close()
    return elapsed


async def burst_of_commands(port: int, raws: list[bytes]) -> list[float]:
    """Open every connection first, then send all the commands at once; time each ack.

    Raw sockets keep the client's own work out of the measured time (Slack's requests come
    from many machines, not one busy event loop)."""
    streams = [await asyncio.open_connection("127.0.0.1", port) for _ in raws]
    return await asyncio.gather(
        *(
            ack_time(writer, reader, raw)
            for (reader, writer), raw in zip(streams, raws, strict=True)
        )
    )


def finished(calls: list[Call], n: int) -> bool:
    """Every command's checklist posted and its parent given its final edit (the buttons)."""
    done = [c for c in calls if c.method == "chat.postMessage" and c.text.startswith("Checklist")]
    final = [c for c in calls if c.method == "chat.update" and "qbx_rerun" in json.dumps(c.args)]
    return len(done) >= n and len(final) >= n


def peak_memory_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def burst(n: int, latency_ms: int, workers: int) -> dict[str, Any]:
    ids = message_ids()
    sim, sim_url, token = start_simulator(latency_ms)
    port = free_port()
    async with running_standin() as slack:
        server = qbx("serve", "--port", str(port), "--host", "127.0.0.1", "--workers", str(workers),
                     env=server_env(sim_url, token, slack.base_url, port))  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        connector = aiohttp.TCPConnector(limit=n + 10)
        try:
            async with aiohttp.ClientSession(connector=connector) as http:
                await wait_ready(http, base)
                warm = raw_request(port, 99_999, "help", f"{slack.base_url}/respond/warm")
                await burst_of_commands(port, [warm] * 8)  # each worker's one-time auth.test
                raws = [
                    raw_request(
                        port, i, f"trace {ids[i % len(ids)]}", f"{slack.base_url}/respond/{i}"
                    )
                    for i in range(n)
                ]
                started = time.perf_counter()
                acks = await burst_of_commands(port, raws)
                await slack.wait_for(lambda calls: finished(calls, n), within=600)
                elapsed = time.perf_counter() - started
                pids = [server.pid, *children(server.pid)]
                memory = sum(peak_memory_kib(pid) for pid in pids)
                cpu = {
                    "server": sum(cpu_seconds(p) for p in pids),
                    "simulator": cpu_seconds(sim.pid),
                }
        except BaseException as exc:  # say what stopped the run before the shutdown can hide it
            print(f"burst stopped: {exc!r}", file=sys.stderr)
            raise
        finally:
            server.terminate()
            sim.terminate()
            server.wait(60)  # running traces get their shutdown grace
            sim.wait(30)
        await asyncio.sleep(0)
        parents = Counter(
            c.args["channel"] for c in slack.calls
            if c.method == "chat.postMessage" and not c.args.get("thread_ts")
            and str(c.args.get("channel", "")).startswith("C0")
        )  # fmt: skip
        finals = Counter(
            c.args["channel"] for c in slack.calls
            if c.method == "chat.update" and "qbx_rerun" in json.dumps(c.args)
        )  # fmt: skip
    return {
        "acks": acks,
        "elapsed": elapsed,
        "parents": parents,
        "finals": finals,
        "memory_kib": memory,
        "cpu": cpu,
        "n": n,
        "rate_limited": sum(1 for c in slack.calls if c.status == 429),
        "workers": workers,
    }


def report(result: dict[str, Any], latency_ms: int) -> bool:
    acks, n = result["acks"], result["n"]
    p50, p99, worst = percentile(acks, 0.5), percentile(acks, 0.99), max(acks)
    once = all(result["parents"].get(f"C{i:05d}") == 1 for i in range(n))
    verdicts = all(result["finals"].get(f"C{i:05d}") == 1 for i in range(n))
    print(f"slack_burst: {n} /qbx trace commands at once, simulator latency {latency_ms} ms/call,"
          f" {result['workers']} server worker(s)")  # fmt: skip
    mean = statistics.mean(acks)
    print(f"  acks: p50 {p50 * 1000:.1f} ms  p99 {p99 * 1000:.1f} ms  max {worst * 1000:.1f} ms"
          f"  mean {mean * 1000:.1f} ms  (target: all < 3 s, p99 <= 100 ms)")  # fmt: skip
    print(f"  results: parents per command exactly 1: {once}; one final verdict each: {verdicts}")
    print(f"  throughput: {n / result['elapsed']:.1f} traces/s ({result['elapsed']:.1f} s for all)")
    print(f"  server peak memory (VmHWM, all processes): {result['memory_kib'] / 1024:.1f} MiB")
    cpu = result["cpu"]
    print(f"  CPU: server {cpu['server']:.1f} s, simulator {cpu['simulator']:.1f} s")
    ok = worst < ACK_LIMIT and p99 <= P99_TARGET and once and verdicts
    print(f"  targets met: {ok}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2, help="qbx serve worker processes")
    args = parser.parse_args()
    result = asyncio.run(burst(args.commands, args.latency_ms, args.workers))
    return 0 if report(result, args.latency_ms) else 1


if __name__ == "__main__":
    sys.exit(main())
