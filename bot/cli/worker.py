"""`qbx worker`: runs background jobs from Redis (Deeper trace, Log PDF; with QBX_INCIDENT_CHANNEL
set, the incident watcher's checks) and polls the watches; see bot/runtime/worker.py."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.cli import EXIT_OK, EXIT_USAGE, SERVICE
from bot.errors import ConfigError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("worker", help="run background jobs from the Redis queue")
    parser.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    parser.set_defaults(handler=run, logs=SERVICE)


def run(args: argparse.Namespace) -> int:
    from bot.runtime.worker import check_worker_settings, serve_worker

    try:
        check_worker_settings(args.settings)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    asyncio.run(serve_worker(args.settings, burst=args.burst))
    return EXIT_OK
