"""The `qbx` command line: one module per command, each with `register(subparsers)`.

A command's handler receives the parsed arguments and returns the process exit code.
Exit codes: 0 the command ran (whatever a verdict says), 2 bad input or settings, 3 the
Qboxmail API cannot be reached.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot import __version__

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3

# Each name is a module in bot.cli exposing `register(subparsers) -> None`.
COMMANDS: tuple[str, ...] = (
    "ledger",
    "audit",
    "simulator",
    "worker",
    "serve",
    "trace",
    "incidents",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qbx",
        description="Why did this Qboxmail email not arrive? Traces ids through Qboxmail's APIs.",
    )
    parser.add_argument("--version", action="version", version=f"qbx {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"bot.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    code: int = handler(args)
    return code
