"""`qbx doctor`: check everything qbx depends on, read-only and bounded, one line per check.

Exit codes: 0 nothing failed (warnings allowed), 1 something failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.cli import EXIT_OK, EXIT_USAGE, SERVICE
from bot.doctor.report import DoctorReport
from bot.doctor.run import DoctorOptions, invalid_settings, run_doctor
from bot.doctor.slack import MANIFEST
from bot.errors import ConfigError

EXIT_FAILED = 1
MAX_TIME_LIMIT = 600.0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor", help="check settings, Qboxmail, Slack and the store; report drift"
    )
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    parser.add_argument(
        "--record", metavar="DIR", type=Path, default=None,
        help="also save one scrubbed response per Qboxmail endpoint in DIR",
    )  # fmt: skip
    parser.add_argument(
        "--time-limit", metavar="SECONDS", type=float, default=30.0,
        help="stop waiting for answers after this long in all (default 30)",
    )  # fmt: skip
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help=argparse.SUPPRESS)
    parser.set_defaults(handler=run, logs=SERVICE, invalid_settings=run_on_invalid_settings)


def usage_problem(args: argparse.Namespace) -> str | None:
    if not 0 < args.time_limit <= MAX_TIME_LIMIT:
        return f"--time-limit must be above 0 and at most {MAX_TIME_LIMIT:g} seconds"
    if args.record is not None and args.record.exists() and not args.record.is_dir():
        return f"--record {args.record}: exists and is not a directory"
    return None


def show(report: DoctorReport, as_json: bool, recorded: tuple[Path, ...] = ()) -> None:
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
        return
    print("\n".join(report.lines()))
    if recorded:
        print(f"recorded {len(recorded)} files in {recorded[0].parent} (scrubbed; see README)")


def _bad_usage(args: argparse.Namespace) -> bool:
    problem = usage_problem(args)
    if problem:
        print(f"qbx doctor: {problem}\nusage: qbx doctor [--json] [--record DIR]", file=sys.stderr)
    return problem is not None


def run_on_invalid_settings(args: argparse.Namespace, error: ConfigError) -> int:
    """Invalid settings are one failed check, reported like any other."""
    if _bad_usage(args):
        return EXIT_USAGE
    show(invalid_settings(error), args.json)
    return EXIT_FAILED


def run(args: argparse.Namespace) -> int:
    if _bad_usage(args):
        return EXIT_USAGE
    settings = args.settings
    options = DoctorOptions(
        today=datetime.now(UTC).date(), time_limit=args.time_limit,
        record_dir=args.record, manifest=args.manifest,
    )  # fmt: skip
    outcome = asyncio.run(run_doctor(settings, options))
    show(outcome.report, args.json, outcome.recorded)
    return EXIT_OK if outcome.report.ok else EXIT_FAILED
