"""`qbx feedback [-n N]`: agreement per verdict code from the 👍/👎 on answers (the audit log)."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli import EXIT_OK
from bot.cli.shared_state import read_audit
from bot.feedback import summarise, table
from bot.store.keys import AUDIT_MAXLEN


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("feedback", help="agreement per verdict code (👍/👎)")
    parser.add_argument(
        "-n", type=int, default=AUDIT_MAXLEN, help="audit entries to read (default: all kept)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    entries = read_audit("feedback", args.n)
    if isinstance(entries, int):
        return entries
    print(table(summarise(entries)))
    return EXIT_OK
