"""`qbx ledger import FILE.jsonl` and `qbx ledger find VALUE`: the id ledger from the shell.

Import validates every line, stores the good ones in batches, and names each bad line's field.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.cli import EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE
from bot.cli.shared_state import load_or_explain, open_redis
from bot.errors import StoreUnavailable
from bot.ledger.book import BATCH, InvalidRecord, Ledger, LedgerRecord, decode_line
from bot.store import AuditEntry, RedisStore


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("ledger", help="the id ledger: import records, find them")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    importer = verbs.add_parser("import", help="import Send API responses from a JSONL file")
    importer.add_argument("file", type=Path, help="one record (JSON object) per line")
    importer.set_defaults(handler=run_import)
    finder = verbs.add_parser(
        "find", help="records by request_id, message_id, reference or address"
    )
    finder.add_argument("value")
    finder.set_defaults(handler=run_find)


@dataclass
class ImportResult:
    accepted: int = 0
    rejected: list[str] = field(default_factory=list)  # "line N: field: reason"


def _parsed(ledger: Ledger, lines: Iterable[str]) -> Iterator[tuple[int, LedgerRecord | str]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, ledger.parse(decode_line(line))
        except InvalidRecord as exc:
            reasons = "; ".join(f"{i.field or 'record'}: {i.message}" for i in exc.issues)
            yield number, f"line {number}: {reasons}"


async def import_lines(ledger: Ledger, lines: Iterable[str]) -> ImportResult:
    """Validate and store; StoreUnavailable leaves `accepted` saying what was stored."""
    result, batch = ImportResult(), []
    for _number, outcome in _parsed(ledger, lines):
        if isinstance(outcome, str):
            result.rejected.append(outcome)
            continue
        batch.append(outcome)
        if len(batch) == BATCH:
            result.accepted += await ledger.record(batch)
            batch = []
    result.accepted += await ledger.record(batch)
    return result


async def _import(store: RedisStore, path: Path) -> ImportResult:
    ledger = Ledger(store, clock=time.time)
    result = ImportResult()
    try:
        with path.open(encoding="utf-8") as lines:
            result = await import_lines(ledger, lines)
        detail = f"accepted {result.accepted}, rejected {len(result.rejected)}"
        await store.audit(AuditEntry("cli", "ledger:import", path.name, "cli", detail))
        return result
    finally:
        await store.aclose()


def run_import(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"qbx ledger import: no such file: {args.file}", file=sys.stderr)
        return EXIT_USAGE
    settings = load_or_explain()
    store = open_redis(settings, "ledger import") if settings else None
    if store is None:
        return EXIT_USAGE
    try:
        result = asyncio.run(_import(store, args.file))
    except StoreUnavailable as exc:
        print(f"qbx ledger import: {exc}; import again once Redis answers", file=sys.stderr)
        return EXIT_UNREACHABLE
    for line in result.rejected:
        print(f"rejected {line}")
    print(f"accepted {result.accepted}, rejected {len(result.rejected)}")
    return EXIT_USAGE if result.rejected else EXIT_OK


async def find_everywhere(ledger: Ledger, value: str) -> list[LedgerRecord]:
    """Records whose request_id, message_id, reference or recipient is `value`."""
    found = [await ledger.lookup_request(value), await ledger.lookup_message(value)]
    found += await ledger.lookup_reference(value)
    found += await ledger.lookup_recipient(value)
    unique = {r.record_id: r for r in found if r is not None}
    return list(unique.values())


async def _find(store: RedisStore, value: str) -> list[LedgerRecord]:
    try:
        return await find_everywhere(Ledger(store, clock=time.time), value)
    finally:
        await store.aclose()


def run_find(args: argparse.Namespace) -> int:
    settings = load_or_explain()
    store = open_redis(settings, "ledger find") if settings else None
    if store is None:
        return EXIT_USAGE
    try:
        records = asyncio.run(_find(store, args.value))
    except StoreUnavailable as exc:
        print(f"qbx ledger find: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    for record in records:
        print(record.model_dump_json(exclude_none=True))
    if not records:
        print(f"no ledger record mentions {args.value}")
    return EXIT_OK
