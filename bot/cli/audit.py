"""`qbx audit [-n N]`: the newest entries of the shared audit log (who traced what, where)."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli import EXIT_OK
from bot.cli.shared_state import read_audit
from bot.store import AuditEntry


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="print recent audit log entries")
    parser.add_argument("-n", type=int, default=20, help="how many entries (default 20)")
    parser.set_defaults(handler=run)


def format_entry(entry: AuditEntry) -> str:
    at = entry.at.strftime("%Y-%m-%d %H:%M:%S") if entry.at else "-"
    parts = [at, entry.actor or "-", entry.action, entry.target, entry.where, entry.detail]
    return "  ".join(part for part in parts if part)


def run(args: argparse.Namespace) -> int:
    entries = read_audit("audit", args.n)
    if isinstance(entries, int):
        return entries
    for entry in entries:
        print(format_entry(entry))
    if not entries:
        print("(the audit log is empty)")
    return EXIT_OK
