"""`qbx audit [-n N]`: the newest entries of the shared audit log (who traced what, where)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.cli import EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE
from bot.cli.shared_state import load_or_explain, open_redis
from bot.errors import StoreUnavailable
from bot.store import AuditEntry, RedisStore


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="print recent audit log entries")
    parser.add_argument("-n", type=int, default=20, help="how many entries (default 20)")
    parser.set_defaults(handler=run)


def format_entry(entry: AuditEntry) -> str:
    at = entry.at.strftime("%Y-%m-%d %H:%M:%S") if entry.at else "-"
    parts = [at, entry.actor or "-", entry.action, entry.target, entry.where, entry.detail]
    return "  ".join(part for part in parts if part)


async def _recent(store: RedisStore, n: int) -> list[AuditEntry]:
    try:
        return await store.recent_audit(n)
    finally:
        await store.aclose()


def run(args: argparse.Namespace) -> int:
    if args.n < 1:
        print("qbx audit: -n must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    settings = load_or_explain()
    store = open_redis(settings, "audit") if settings else None
    if store is None:
        return EXIT_USAGE
    try:
        entries = asyncio.run(_recent(store, args.n))
    except StoreUnavailable as exc:
        print(f"qbx audit: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    for entry in entries:
        print(format_entry(entry))
    if not entries:
        print("(the audit log is empty)")
    return EXIT_OK
