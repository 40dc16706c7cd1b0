"""`qbx simulator`: serve the local Qboxmail API simulator, or describe its world."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Callable
from typing import Any

from bot.simulator import DEFAULT_TOKEN, create_simulation
from bot.simulator.describe import describe
from bot.simulator.scenarios import SCENARIOS
from bot.simulator.server import DEFAULT_SEED, serving

EXIT_OK = 0
EXIT_USAGE = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulator", help="run the local Qboxmail API simulator (Management + Send API)"
    )
    parser.add_argument("--port", type=int, default=8025, help="port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="interface (default loopback)")
    parser.add_argument("--scenario", default=None, help="focus the world on one scenario")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--management-token", default=DEFAULT_TOKEN)
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every request")
    parser.add_argument(
        "--drift", action="store_true", help="rename, drop and retype a few response fields"
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--describe", action="store_true", help="print the world as JSON, exit")
    what.add_argument("--list-scenarios", action="store_true", help="one line per scenario")
    parser.set_defaults(handler=run)


def list_scenarios() -> str:
    width = max(len(s.name) for s in SCENARIOS)
    return "\n".join(f"{s.name:<{width}}  {s.verdict:<18} {s.description}" for s in SCENARIOS)


async def _serve(args: argparse.Namespace) -> None:
    sim = create_simulation(
        seed=args.seed,
        scenario=args.scenario,
        management_token=args.management_token,
        latency_ms=args.latency_ms,
    )
    sim.drift = args.drift
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    async with serving(sim, host=args.host, port=args.port) as handle:
        print(
            f"qbx simulator: Management API {handle.base_url}/api  Send API {handle.send_url}  "
            f"token {handle.management_token}  seed {args.seed}  scenario {args.scenario or '-'}",
            flush=True,
        )
        await stop.wait()


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (uvicorn[standard] brings it): the simulator serves faster."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(args: argparse.Namespace) -> int:
    if args.list_scenarios:
        print(list_scenarios())
        return EXIT_OK
    try:
        if args.describe:
            sim = create_simulation(
                seed=args.seed, scenario=args.scenario, management_token=args.management_token
            )
            print(json.dumps(describe(sim), indent=2))
            return EXIT_OK
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(_serve(args))
    except ValueError as error:
        print(f"qbx simulator: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        pass
    return EXIT_OK
