"""`qbx bounce FILE... [--json]`: read bounce messages (files, or `-` for standard input) and
say per file its kind, failed recipients with the remote replies decoded, and the original id.

Exit 0 whatever the verdict; 2 when an input cannot be read (the others are still read).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any, BinaryIO, Final, TextIO

from bot.bounces import BounceReport, read_bounce
from bot.bounces.mime import MAX_BYTES
from bot.cli import EXIT_OK, EXIT_USAGE

_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("bounce", help="read bounce messages: who failed, and why")
    parser.add_argument("files", nargs="+", metavar="FILE", help="a message file, or - for stdin")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line")
    parser.set_defaults(handler=handle_bounce)


def handle_bounce(args: argparse.Namespace) -> int:
    return read_files(args.files, as_json=args.json, out=sys.stdout, err=sys.stderr,
                      stdin=sys.stdin.buffer)  # fmt: skip


def read_files(
    names: list[str], *, as_json: bool, out: TextIO, err: TextIO, stdin: BinaryIO
) -> int:
    """Read each file in turn; an unreadable one is reported and the rest still read."""
    code = EXIT_OK
    for name in names:
        data = _read(name, stdin, err)
        if data is None:
            code = EXIT_USAGE
            continue
        print_bounce(name, read_bounce(data), as_json=as_json, out=out)
    return code


def print_bounce(name: str, report: BounceReport, *, as_json: bool, out: TextIO) -> None:
    print(_as_json(name, report) if as_json else as_text(name, report), file=out, flush=True)


def _read(name: str, stdin: BinaryIO, err: TextIO) -> bytes | None:
    """At most MAX_BYTES of a file: bounded memory whatever its size."""
    try:
        if name == "-":
            return stdin.read(MAX_BYTES + 1)
        with open(name, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        print(f"qbx: cannot read {name}: {reason}\nusage: qbx bounce FILE... [--json]"
              "\nexample: qbx bounce returned.eml", file=err)  # fmt: skip
        return None


def _as_json(name: str, report: BounceReport) -> str:
    return json.dumps({"file": name, **report.to_dict()}, ensure_ascii=False)


def as_text(name: str, report: BounceReport) -> str:
    """The report for a terminal; the server's text stripped of control characters."""
    original = report.original_message_id
    head = f"{name}: {report.kind.value.replace('_', ' ')}"
    lines = [head + (f", original Message-ID <{_safe(original)}>" if original else "")]
    for r in report.recipients:
        lasting = "permanent" if r.permanent else "temporary"
        lines.append(f"  {r.address}: {r.reason.value} ({r.category.value}, {lasting})")
        if r.reply.text:
            lines.append(f"    reply: {_safe(r.reply.text)[:300]}")
        if r.remote_host:
            lines.append(f"    remote host: {_safe(r.remote_host)}")
        lines.append(f"    {r.summary}")
    if report.is_bounce and not report.recipients:
        lines.append("  (the report names no failed recipient)")
    lines.extend(f"  note: {note}" for note in report.notes)
    return "\n".join(lines)


def _safe(text: str) -> str:
    return _CONTROL.sub(" ", text)
