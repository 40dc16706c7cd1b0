"""`qbx serve --workers 2` with one worker process killed right after it acknowledged work: every
acknowledged command is still answered, by the surviving process (bot.slack.journal).

Real processes: uvicorn's supervisor and its two workers, the machine's Redis under a unique
prefix, the simulator (slowed, so traces are in flight at the kill) and the Slack stand-in.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.simulator import Fault, SimulatorHandle, running_simulator
from tests.redis_support import REDIS_URL, delete_matching, free_port, machine_redis, unique_prefix
from tests.replicas.support import Process, qbx_env, start, stop
from tests.slack import signing
from tests.slack.standin import TEAM, Call, StandIn, running_standin

pytestmark = [pytest.mark.redis, pytest.mark.slow]
CHANNEL = "C0SUPPORT"
MESSAGE_ID = re.compile(r"^[0-9a-f-]{36}@")  # verdicts name them (addresses are masked)
WITHIN = 90.0  # a bound on the whole rescue, not a delay


def children(pid: int) -> list[int]:
    """The worker processes of uvicorn's supervisor `pid` (not multiprocessing's helpers)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    found = [int(p) for p in path.read_text().split()] if path.exists() else []
    return [c for c in found if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


async def serve_two(env: dict[str, str], logs: Path) -> Process:
    port = free_port()
    argv = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    process = start("serve", argv, env, logs)
    process.url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=process.url, timeout=2) as http, asyncio.timeout(60):
        while len(children(process.popen.pid)) < 2 or not await _healthy(http):
            assert process.popen.poll() is None, process.output()
            await asyncio.sleep(0.1)
    return process


async def _healthy(http: httpx.AsyncClient) -> bool:
    with contextlib.suppress(httpx.TransportError):
        return (await http.get("/healthz")).status_code in (200, 503)
    return False


def verdict_ids(calls: list[Call], ids: list[str]) -> set[str]:
    """The ids whose trace reached a verdict (an update with buttons naming the id; a parent
    shortens a message_id to its first 8 characters)."""
    final = [json.dumps(c.args) for c in calls if c.method == "chat.update" and "qbx_rerun" in
             json.dumps(c.args)]  # fmt: skip
    return {i for i in ids if any(i[:8] in text for text in final)}


@pytest.fixture
async def sim() -> AsyncIterator[SimulatorHandle]:
    async with running_simulator(seed=7) as handle:
        yield handle


@pytest.fixture
async def slack() -> AsyncIterator[StandIn]:
    async with running_standin() as stand:
        yield stand


@pytest.mark.timeout(180)
async def test_commands_acknowledged_by_a_killed_worker_are_answered_by_the_survivor(
    sim: SimulatorHandle, slack: StandIn, tmp_path: Path
) -> None:
    prefix = unique_prefix()
    traces = [str(s["trace"]) for s in sim.describe()["scenarios"]]
    ids = [t for t in traces if MESSAGE_ID.match(t)]
    assert len(ids) >= 8
    sim.faults.set("*", Fault(latency_ms=1500))  # traces are still running at the kill
    env = qbx_env(sim, slack.base_url, REDIS_URL=REDIS_URL, QBX_REDIS_PREFIX=prefix,
                  QBX_REPORT_CACHE_SECONDS="0", QBX_USER_TRACES_PER_MINUTE="1000")  # fmt: skip
    async with machine_redis(prefix) as redis:
        server = await serve_two(env, tmp_path)
        try:
            async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
                acks = await asyncio.gather(
                    *(command(http, slack, i, n) for n, i in enumerate(ids))
                )
            assert [a.status_code for a in acks] == [200] * len(ids)
            victim = await busiest_worker(redis, prefix, children(server.popen.pid))
            os.kill(victim, signal.SIGKILL)
            await slack.wait_for(lambda cs: verdict_ids(cs, ids) == set(ids), within=WITHIN)
            assert "journal.rescued" in (tmp_path / "serve.log").read_text()
        finally:
            stop([server])
            await delete_matching(redis, f"{prefix}*")


async def busiest_worker(redis: Any, prefix: str, workers: list[int]) -> int:
    """The worker process with the most acknowledged, unanswered work (the journal's owner ids
    start with the pid)."""
    pending = await redis.hgetall(f"{prefix}pending")
    owners = [json.loads(entry)["owner"] for entry in pending.values()]
    pids = [int(owner.split(".")[0]) for owner in owners]
    assert pids, "no acknowledged work was recorded"
    victim = max(set(pids), key=pids.count)
    assert victim in workers
    return victim


async def command(http: httpx.AsyncClient, slack: StandIn, target: str, n: int) -> httpx.Response:
    url = f"{slack.base_url}/respond/cmd{n}"
    body = signing.slash_body(f"trace {target}", user=f"U{n:04d}", channel=CHANNEL,
                              response_url=url, team=TEAM)  # fmt: skip
    headers = signing.signed_headers(body, content_type=signing.FORM)
    return await http.post("/slack/events", content=body, headers=headers)
