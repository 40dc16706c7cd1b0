"""Support for the shared-state tests: a simulator that counts the API requests it answers, and
`qbx serve` / `qbx worker` subprocesses (ephemeral ports, killed on teardown)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from starlette.types import Receive, Scope, Send

from bot.simulator.app import build_app
from bot.simulator.server import SimulatorHandle, create_simulation
from tests.redis_support import free_port
from tests.slack import signing
from tests.slack.standin import serving

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Counting:
    """An ASGI wrapper recording the path of every API request (not the /_sim/ controls)."""

    app: Any
    paths: list[str] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not str(scope["path"]).startswith("/_sim/"):
            self.paths.append(str(scope["path"]))
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class CountedSimulator:
    handle: SimulatorHandle
    counter: Counting

    @property
    def requests(self) -> int:
        return len(self.counter.paths)


@contextlib.asynccontextmanager
async def counted_simulator(seed: int = 7) -> AsyncIterator[CountedSimulator]:
    """The simulator served on a loopback port, counting every API request it answers."""
    sim = create_simulation(seed=seed)
    counter = Counting(build_app(sim))
    async with serving(counter) as base:
        handle = SimulatorHandle(base, f"{base}/v1", sim.management_token, sim)
        try:
            yield CountedSimulator(handle, counter)
        finally:
            sim.stopping.set()


def qbx_env(sim: SimulatorHandle, slack_url: str, **values: str) -> dict[str, str]:
    """The environment of a qbx subprocess: the simulator, the Slack stand-in, JSON logs."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("QBX_", "SLACK_", "REDIS"))}
    return {
        **keep,
        "QBOXMAIL_API_URL": sim.base_url,
        "QBOXMAIL_API_TOKEN": sim.management_token,
        "QBOXMAIL_SEND_API_URL": sim.send_url,
        "SLACK_BOT_TOKEN": "xoxb-test-token-000",
        "SLACK_SIGNING_SECRET": signing.SECRET,
        "SLACK_API_URL": f"{slack_url}/api/",
        "LOG_FORMAT": "json",
        **values,
    }


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    url: str = ""

    def output(self, tail: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-tail:]


def start(name: str, argv: list[str], env: dict[str, str], logs: Path) -> Process:
    log = logs / f"{name}.log"
    with log.open("ab") as out:
        popen = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [sys.executable, "-m", "bot", *argv], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    return Process(name, popen, log)


async def start_server(name: str, env: dict[str, str], logs: Path) -> Process:
    """`qbx serve` on a free loopback port; returns once /healthz answers (bounded)."""
    port = free_port()
    process = start(name, ["serve", "--host", "127.0.0.1", "--port", str(port)], env, logs)
    process.url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=process.url, timeout=2) as http, asyncio.timeout(40):
        while True:
            assert process.popen.poll() is None, f"{name} exited:\n{process.output()}"
            with contextlib.suppress(httpx.TransportError):
                if (await http.get("/healthz")).status_code in (200, 503):
                    return process
            await asyncio.sleep(0.05)


def stop(processes: list[Process]) -> None:
    for process in processes:
        if process.popen.poll() is None:
            process.popen.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait(timeout=5)
