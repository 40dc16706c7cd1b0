"""`qbx feedback [-n N]`: agreement per verdict code from the 👍/👎 on answers (the audit log)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.cli import EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE
from bot.cli.shared_state import load_or_explain, open_redis
from bot.errors import StoreUnavailable
from bot.feedback import summarise, table
from bot.store import AuditEntry, RedisStore
from bot.store.keys import AUDIT_MAXLEN


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("feedback", help="agreement per verdict code (👍/👎)")
    parser.add_argument(
        "-n", type=int, default=AUDIT_MAXLEN, help="audit entries to read (default: all kept)"
    )
    parser.set_defaults(handler=run)


async def _recent(store: RedisStore, n: int) -> list[AuditEntry]:
    try:
        return await store.recent_audit(n)
    finally:
        await store.aclose()


def run(args: argparse.Namespace) -> int:
    if args.n < 1:
        print("qbx feedback: -n must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    settings = load_or_explain()
    store = open_redis(settings, "feedback") if settings else None
    if store is None:
        return EXIT_USAGE
    try:
        entries = asyncio.run(_recent(store, args.n))
    except StoreUnavailable as exc:
        print(f"qbx feedback: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    print(table(summarise(entries)))
    return EXIT_OK
