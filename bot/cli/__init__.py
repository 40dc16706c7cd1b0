"""The `qbx` command line: one module per command, each with `register(subparsers)`.

A command's handler receives the parsed arguments and returns the process exit code. A command
that declares how it logs (`set_defaults(logs=HUMAN|SERVICE)`) gets its settings, read once here,
as `args.settings`, and this process's logging set up from them before it runs.
Exit codes: 0 the command ran (whatever a verdict says), 2 bad input or settings, 3 the
Qboxmail API cannot be reached (`qbx doctor`: 1 when a check failed).
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
HUMAN = "human"  # stdout is for people: logs on stderr, readable, warnings unless asked
SERVICE = "service"  # a long-running process (or one whose logs are its record): as configured

# Command -> (module in bot.cli exposing `register(subparsers)`, one-line help). Only the
# module of the command being run is imported, so `qbx --help` and quick commands start fast
# (the Slack, Redis and plotting libraries load only for the commands that use them).
COMMANDS: dict[str, tuple[str, str]] = {
    "trace": ("trace", "recognise ids in any text and trace them"),
    "check": ("trace", "run one checklist on one value"),
    "bounce": ("bounce", "read bounce messages: who failed, and why"),
    "demo": ("trace", "trace a few simulator messages, one per verdict"),
    "serve": ("serve", "serve the Slack app (HTTP, or Socket Mode)"),
    "worker": ("worker", "run background jobs from the Redis queue"),
    "simulator": ("simulator", "run the local Qboxmail API simulator (Management + Send API)"),
    "ledger": ("ledger", "the id ledger: import records, find them"),
    "audit": ("audit", "print recent audit log entries"),
    "suppression": ("suppression", "reactivate a suppressed address (guarded, audited)"),
    "feedback": ("feedback", "agreement per verdict code (👍/👎)"),
    "incidents": ("incidents", "incident posts: demo or one watcher pass"),
    "doctor": ("doctor", "check settings, Qboxmail, Slack and the store; report drift"),
}


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser, with the full sub-parser of the command named in `argv` (if any)."""
    parser = argparse.ArgumentParser(
        prog="qbx",
        description="Why did this Qboxmail email not arrive? Traces ids through Qboxmail's APIs.",
    )
    parser.add_argument("--version", action="version", version=f"qbx {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    module = COMMANDS[chosen][0] if chosen in COMMANDS else None
    if module is not None:
        importlib.import_module(f"bot.cli.{module}").register(sub)
    for name, (owner, help_text) in COMMANDS.items():
        if owner != module:
            sub.add_parser(name, help=help_text)  # listed in --help; loaded when run
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    logs = getattr(args, "logs", None)
    if logs is not None:
        failed = _settings_and_logging(args, human=logs == HUMAN)
        if failed is not None:
            return failed
    code: int = handler(args)
    return code


def _settings_and_logging(args: argparse.Namespace, *, human: bool) -> int | None:
    """Read the settings into `args.settings` and set up logging; or say why the settings are
    invalid and return the exit code (the command's `invalid_settings(args, error)` may say it)."""
    from bot.errors import ConfigError
    from bot.logs import configure_from_settings
    from bot.settings import load_settings

    try:
        args.settings = load_settings()
    except ConfigError as error:
        invalid = getattr(args, "invalid_settings", None)
        if invalid is not None:
            code: int = invalid(args, error)
            return code
        print(error, file=sys.stderr)
        return EXIT_USAGE
    configure_from_settings(args.settings, human=human)
    return None
