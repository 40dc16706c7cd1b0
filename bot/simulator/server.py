"""Run the simulator: a real uvicorn server on loopback, in this event loop or in a thread.

async with running_simulator(seed=7) as sim:      # port 0: the OS picks a free port
    sim.base_url, sim.send_url, sim.management_token, sim.describe(), sim.faults
with simulator_in_thread(seed=7) as sim: ...      # for synchronous callers
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import uvicorn

from bot.simulator.app import build_app
from bot.simulator.clock import SimClock
from bot.simulator.describe import describe
from bot.simulator.faults import Faults
from bot.simulator.scenarios import pinned_mailouts, ramp_plan
from bot.simulator.state import Simulation, Sleep
from bot.simulator.tracemail_store import TraceMailStore
from bot.simulator.world import build_world

DEFAULT_TOKEN = "sim-management-token"
DEFAULT_SEED = 7


def create_simulation(
    *,
    seed: int = DEFAULT_SEED,
    scenario: str | None = None,
    management_token: str = DEFAULT_TOKEN,
    latency_ms: int = 0,
    now: datetime | SimClock | None = None,
    sleep: Sleep = asyncio.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> Simulation:
    """The world and its state, without a server (the app can be served any way)."""
    clock = now if isinstance(now, SimClock) else SimClock(now)
    anchor = clock.now().replace(microsecond=0)
    world = build_world(seed, anchor, ramp_plan(anchor, scenario))
    return Simulation(
        world=world,
        tracemail=TraceMailStore(world, list(pinned_mailouts(world))),
        clock=clock,
        management_token=management_token,
        faults=Faults(seed, latency_ms),
        sleep=sleep,
        monotonic=monotonic,
        scenario=scenario,
    )


@dataclass(frozen=True)
class SimulatorHandle:
    """What a caller gets: the URLs, the token, the world, and the levers (faults, clock)."""

    base_url: str
    send_url: str
    management_token: str
    simulation: Simulation

    @property
    def faults(self) -> Faults:
        return self.simulation.faults

    @property
    def clock(self) -> SimClock:
        return self.simulation.clock

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def describe(self) -> dict[str, Any]:
        return describe(self.simulation)


def _socket(host: str, port: int) -> socket.socket:
    # proto=IPPROTO_TCP matters: asyncio disables Nagle only on sockets that say they are TCP,
    # and without that every keep-alive response after the first waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.setblocking(False)
    return sock


@contextlib.asynccontextmanager
async def serving(
    sim: Simulation, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[SimulatorHandle]:
    """Serve `sim` with uvicorn in the running loop until the block exits.

    Uses uvicorn's public `startup`/`shutdown` (as process managers do) rather than `serve`,
    so that starting takes milliseconds, stopping does not wait for a 100 ms tick, and the
    caller's signal handlers are left alone.
    """
    sock = _socket(host, port)
    config = uvicorn.Config(
        build_app(sim), lifespan="off", log_level="warning", access_log=False, ws="none",
        timeout_graceful_shutdown=2,
        log_config=None,  # the process's logging (and its redactor) stays in charge
    )  # fmt: skip
    config.load()
    server = uvicorn.Server(config)
    server.lifespan = config.lifespan_class(config)
    await server.startup(sockets=[sock])
    ticks = asyncio.create_task(server.main_loop())  # keeps the Date header fresh
    base = f"http://{host}:{sock.getsockname()[1]}"
    try:
        yield SimulatorHandle(base, f"{base}/v1", sim.management_token, sim)
    finally:
        sim.stopping.set()
        ticks.cancel()
        await server.shutdown(sockets=[sock])


@contextlib.asynccontextmanager
async def running_simulator(
    seed: int = DEFAULT_SEED,
    scenario: str | None = None,
    management_token: str = DEFAULT_TOKEN,
    latency_ms: int = 0,
    now: datetime | SimClock | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    sleep: Sleep = asyncio.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> AsyncIterator[SimulatorHandle]:
    sim = create_simulation(
        seed=seed,
        scenario=scenario,
        management_token=management_token,
        latency_ms=latency_ms,
        now=now,
        sleep=sleep,
        monotonic=monotonic,
    )
    async with serving(sim, host=host, port=port) as handle:
        yield handle


@contextlib.contextmanager
def simulator_in_thread(**options: Any) -> Iterator[SimulatorHandle]:
    """`running_simulator` on its own event loop in a daemon thread, for synchronous callers."""
    ready = threading.Event()
    box: dict[str, Any] = {}

    async def main() -> None:
        box["stop"] = asyncio.Event()
        box["loop"] = asyncio.get_running_loop()
        try:
            async with running_simulator(**options) as handle:
                box["handle"] = handle
                ready.set()
                await box["stop"].wait()
        except BaseException as error:  # reported to the caller when it failed to start
            if not ready.is_set():
                box["error"] = error
                ready.set()
            raise

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True, name="qbx-sim")
    thread.start()
    ready.wait()
    if "error" in box:
        raise RuntimeError("the simulator did not start") from box["error"]
    try:
        yield box["handle"]
    finally:
        box["loop"].call_soon_threadsafe(box["stop"].set)
        thread.join()
