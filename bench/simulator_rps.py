"""How many 30-entry mailouts pages per second one simulator process serves.

Starts `qbx simulator --port 0` in its own process, then drives it from this process with a
small keep-alive HTTP/1.1 load generator (asyncio streams, N connections), bounded by a request
count and a time limit. Prints requests/s and latency percentiles.

    uv run python bench/simulator_rps.py [--requests 6000] [--connections 32] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time

TOKEN = "bench-token"
PATH = "/api/delivery/tracemail/mailouts?domain=mail.acme-shop.example&per=30"


def start_simulator() -> tuple[subprocess.Popen[str], str, int]:
    command = [sys.executable, "-m", "bot", "simulator", "--port", "0",
               "--management-token", TOKEN]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
    assert process.stdout is not None
    line = process.stdout.readline()
    base = line.split("Management API ")[1].split()[0].removesuffix("/api")
    host, port = base.removeprefix("http://").split(":")
    return process, host, int(port)


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return status


async def connection(host: str, port: int, budget: list[int], deadline: float,
                     latencies: list[float], failures: list[int]) -> None:  # fmt: skip
    reader, writer = await asyncio.open_connection(host, port)
    request = (f"GET {PATH} HTTP/1.1\r\nHost: {host}\r\nX-Api-Token: {TOKEN}\r\n"
               "Accept: application/json\r\n\r\n").encode()  # fmt: skip
    try:
        while budget[0] > 0 and time.perf_counter() < deadline:
            budget[0] -= 1
            started = time.perf_counter()
            status = await fetch(reader, writer, request)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                failures.append(status)
    finally:
        writer.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(
    host: str, port: int, requests: int, connections: int, seconds: float, pid: int
) -> None:
    warm: list[float] = []
    await connection(host, port, [50], time.perf_counter() + 60, warm, [])
    latencies: list[float] = []
    failures: list[int] = []
    budget = [requests]
    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(connection(host, port, budget, deadline, latencies, failures)
                           for _ in range(connections)))  # fmt: skip
    elapsed = time.perf_counter() - started
    server_cpu = cpu_seconds(pid) - cpu_before
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"mailouts page of 30 (domain=mail.acme-shop.example), {connections} connections")
    print(f"requests: {len(latencies)} in {elapsed:.2f} s, failures: {len(failures)}")
    print(f"throughput: {len(latencies) / elapsed:.0f} requests/s")
    print(f"server CPU: {server_cpu:.2f} s, i.e. {len(latencies) / server_cpu:.0f} requests per "
          "CPU-second of the one server process (its capacity with a core to itself)")  # fmt: skip
    print(f"latency: p50 {quantiles[49] * 1000:.1f} ms, p99 {quantiles[98] * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    process, host, port = start_simulator()
    try:
        asyncio.run(load(host, port, args.requests, args.connections, args.seconds, process.pid))
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
