"""`qbx incidents demo` (the bounce ramp in simulated time) and `qbx incidents check` (one pass).

Light at import time: the handlers import the engine, the simulator and Slack when they run.
Without SLACK_BOT_TOKEN and QBX_INCIDENT_CHANNEL the posts are printed, labelled SIMULATED,
and each chart is written to a PNG file whose path is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from bot.cli import EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, HUMAN


def _chart_dir() -> Path:
    return Path(tempfile.gettempdir()) / "qbx-incidents"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("incidents", help="incident posts: demo or one watcher pass")
    sub = parser.add_subparsers(dest="incidents_command", metavar="ACTION", required=True)
    demo = sub.add_parser("demo", help="replay the simulator's bounce ramp in simulated time")
    demo.add_argument("--steps", type=int, default=27, help="watcher checks (default 27)")
    demo.add_argument("--step-minutes", type=int, default=20, help="simulated minutes per step")
    demo.add_argument("--charts", type=Path, default=None, help="where chart PNGs are written")
    demo.add_argument("--all", action="store_true", help="watch every simulated account/domain")
    demo.add_argument(
        "--date", type=_day, default=None, help="simulated day YYYY-MM-DD (default: today, UTC)"
    )
    demo.set_defaults(handler=handle_demo, logs=HUMAN)
    check = sub.add_parser("check", help="one watcher pass against the configured API")
    check.add_argument("--charts", type=Path, default=None, help="where chart PNGs are written")
    check.set_defaults(handler=handle_check, logs=HUMAN)


def handle_demo(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from bot.incidents.demo import DemoPlan, ramp_anchor
    from bot.runtime.incidents import run_demo

    if args.steps < 1 or args.step_minutes < 1:
        return EXIT_USAGE
    step = timedelta(minutes=args.step_minutes)
    anchor = None if args.date is None else ramp_anchor(args.date)
    plan = DemoPlan(steps=args.steps, step=step, everything=args.all, anchor=anchor)
    charts = args.charts or _chart_dir()
    asyncio.run(run_demo(args.settings, out=sys.stdout, chart_dir=charts, plan=plan))
    return EXIT_OK


def handle_check(args: argparse.Namespace) -> int:
    from bot.errors import ApiUnreachable
    from bot.runtime.incidents import check_once

    charts = args.charts or _chart_dir()
    try:
        asyncio.run(check_once(args.settings, out=sys.stdout, chart_dir=charts))
    except ApiUnreachable as exc:
        print(f"qbx incidents check: the Qboxmail API cannot be reached: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    return EXIT_OK


def _day(text: str) -> datetime:
    """`--date`: a calendar day, as the UTC midnight that starts it."""
    try:
        return datetime.combine(date.fromisoformat(text), time(0), tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
