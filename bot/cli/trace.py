"""`qbx trace`, `qbx check` and `qbx demo`: run Qboxmail's checklists from a terminal.

Exit 0 when the checklist ran (whatever the verdict), 2 on bad input or settings (with a
usage line and an example), 3 when the Qboxmail API cannot be reached.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TextIO

from bot.bounces import BounceReport
from bot.bounces.pasted import bounce_in, original_target
from bot.cli import EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, HUMAN
from bot.diagnostics.finder import unrecorded_reference
from bot.diagnostics.report import ProgressCallback, Report, StepResult
from bot.diagnostics.service import TraceService
from bot.errors import ApiUnreachable, InputError
from bot.ledger.book import Ledger
from bot.recognition.grammar import Command, parse_command
from bot.recognition.ids import recognise
from bot.recognition.targets import Target, TargetKind
from bot.render.reply_draft import reply_draft
from bot.render.text import STEP_MARK, render_text
from bot.runtime.services import open_services, utcnow
from bot.settings import Settings


def register(subparsers: Any) -> None:
    trace = subparsers.add_parser("trace", help="recognise ids in any text and trace them")
    trace.add_argument("text", nargs="+", help="a message_id, request_id, address, domain, ...")
    _common(trace)
    trace.set_defaults(handler=handle_trace, logs=HUMAN)
    check = subparsers.add_parser("check", help="run one checklist on one value")
    check.add_argument("kind", help="request|message|domain|mailbox|recipient|account")
    check.add_argument("value", nargs="+", help="the value to check")
    _common(check)
    check.set_defaults(handler=handle_check, logs=HUMAN)
    demo = subparsers.add_parser("demo", help="trace a few simulator messages, one per verdict")
    demo.add_argument("--json", action="store_true", help="print each report as JSON")
    demo.set_defaults(
        handler=handle_demo, logs=HUMAN, deep=False, token_prefix=None, client_ip=None
    )


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--deep", action="store_true", help="blast radius, stats, DNS, tokens")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--token-prefix", help="first 8 characters of the Send token used")
    parser.add_argument("--client-ip", help="the IP the integration sends from")
    parser.add_argument(
        "--reply-draft", action="store_true", help="print a reply draft for the customer instead"
    )


def _flags(args: argparse.Namespace) -> str:
    return (" --deep" if args.deep else "") + (" --json" if args.json else "")


def handle_trace(args: argparse.Namespace) -> int:
    text = " ".join(args.text)
    bounce = bounce_in(text)
    if bounce is not None:
        return _trace_bounce(args, bounce)
    return _run(args, f"trace {text}{_flags(args)}")


def _trace_bounce(args: argparse.Namespace, bounce: BounceReport) -> int:
    """A pasted bounce: read it, then trace its original message when it is a Qboxmail one."""
    from bot.cli.bounce import print_bounce

    print_bounce("bounce", bounce, as_json=args.json, out=sys.stdout)
    target = original_target(bounce)
    if target is None:
        if not args.json:
            print("The original message's id is not a Qboxmail message_id: nothing to trace.")
        return EXIT_OK
    hint = f" to {target.hints.recipients[0]}" if target.hints.recipients else ""
    return _run(args, f"trace {target.value}{hint}{_flags(args)}")


def handle_check(args: argparse.Namespace) -> int:
    return _run(args, f"check {args.kind} {' '.join(args.value)}{_flags(args)}")


DEMO_SCENARIOS = ("delivered", "bounced", "deferred", "suppressed", "rejected_ip", "not_found")


def handle_demo(args: argparse.Namespace) -> int:
    """Trace a few of the simulator's scenarios, each ending in a different verdict."""
    return asyncio.run(run_demo(args.settings, as_json=args.json, out=sys.stdout))


async def run_demo(settings: Settings, *, as_json: bool, out: TextIO) -> int:
    from bot.simulator import running_simulator  # the demo always runs on the simulator

    async with (
        running_simulator() as sim,
        open_services(settings, simulator=sim, ledger=False, slack=False) as services,
    ):
        scenarios = {s["name"]: s for s in sim.describe()["scenarios"]}
        for name in DEMO_SCENARIOS:
            text = demo_text(scenarios[name])
            if not as_json:
                print(f"$ qbx trace {text}", file=out)
            target = recognise(text, today=utcnow().date()).targets[0]
            print_report(await services.tracer.trace(target), as_json=as_json, out=out)
    return EXIT_OK


def demo_text(scenario: dict[str, Any]) -> str:
    """What a support engineer would paste: the id, and recipient and day when known."""
    ids = scenario["ids"]
    if ids.get("to") and ids.get("date"):
        return f"{scenario['trace']} to {ids['to']} on {ids['date']}"
    return str(scenario["trace"])


def _run(args: argparse.Namespace, text: str) -> int:
    try:
        command = parse_command(text)
    except InputError as error:
        print(f"qbx: {error}\nusage: {error.usage}\nexample: {error.example}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return asyncio.run(_execute(args.settings, command, args))
    except InputError as error:
        print(f"qbx: {error}\nusage: {error.usage}\nexample: {error.example}", file=sys.stderr)
        return EXIT_USAGE
    except ApiUnreachable as error:
        print(f"qbx: the Qboxmail API cannot be reached: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE


async def _execute(settings: Settings, command: Command, args: argparse.Namespace) -> int:
    out, err = sys.stdout, sys.stderr
    shared = settings.redis_url is not None  # the id ledger lives in Redis
    async with open_services(settings, ledger=shared, slack=False) as services:
        service, ledger = services.tracer, services.ledger
        for run in _runs(service, command, settings, args, out, ledger):
            report = await run(progress_printer(err) if err.isatty() else None)
            if getattr(args, "reply_draft", False):  # bot/render/reply_draft.py
                print(reply_draft(report), file=out, flush=True)
                continue
            print_report(report, as_json=command.json, out=out)
    return EXIT_OK


Run = Callable[[ProgressCallback | None], Awaitable[Report]]


def _runs(
    service: TraceService, command: Command, settings: Settings, args: argparse.Namespace,
    out: TextIO, ledger: Ledger | None = None,
) -> list[Run]:  # fmt: skip
    extra: dict[str, Any] = {"token_prefix": args.token_prefix, "client_ip": args.client_ip}
    if command.check_kind is not None:
        kind, value = command.check_kind, command.argument
        return [lambda p: service.check(kind, value, deep=command.deep, progress=p, **extra)]
    found = recognise(
        command.argument,
        limit=settings.qbx_max_ids_per_message,
        today=utcnow().date(),
        lone_reference=True,
    )
    if found.overflow and not command.json:
        listed = ", ".join(t.value for t in found.overflow)
        print(
            f"Not traced (over the limit of {settings.qbx_max_ids_per_message}): {listed}", file=out
        )
    return [_trace_one(service, t, command.deep, extra, ledger) for t in found.targets]


def _trace_one(
    service: TraceService, target: Target, deep: bool, extra: dict[str, Any], ledger: Ledger | None
) -> Run:
    async def run(progress: ProgressCallback | None) -> Report:
        if target.kind is TargetKind.REFERENCE:
            await _require_record(ledger, target.value)
        return await service.trace(target, deep=deep, progress=progress, **extra)

    return run


async def _require_record(ledger: Ledger | None, reference: str) -> None:
    """A reference (the application's own id) is traced through its ledger record only."""
    if ledger is not None and await ledger.lookup_reference(reference):
        return
    where = "" if ledger is not None else " The id ledger lives in Redis: set REDIS_URL."
    raise InputError(
        unrecorded_reference(reference) + where,
        usage="qbx trace <message id | request_id | address | domain | code | your reference>",
        example="qbx trace order-1042",
    )


def progress_printer(err: TextIO) -> ProgressCallback:
    async def show(step: StepResult, done: int, total: int) -> None:
        mark, _ = STEP_MARK[step.status]
        print(f"  [{done}/{total}] {mark} {step.title}", file=err, flush=True)

    return show


def print_report(report: Report, *, as_json: bool, out: TextIO) -> None:
    if as_json:
        print(report.to_json(), file=out, flush=True)
    else:
        print(render_text(report, color=out.isatty()), file=out, flush=True)
