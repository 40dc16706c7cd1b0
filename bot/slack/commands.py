"""`/qbx ...`: the command line's grammar, answered in the channel (results) or privately (help)."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass

from bot.diagnostics.finder import unrecorded_reference
from bot.errors import InputError
from bot.grammar import Verb, parse_command
from bot.ids import recognise
from bot.render.blocks import Message, Style, notice_message, overflow_message
from bot.render.home import trace_modal
from bot.render.mrkdwn import escape
from bot.slack.bounces import answer_command_bounce
from bot.slack.buttons import Reply
from bot.slack.ports import SlackDeps
from bot.slack.poster import Place, Poster
from bot.slack.tracing import TraceSpec, run_trace
from bot.slack.watch_command import is_watch_command, run_watch_command
from bot.targets import Target, TargetKind

USAGE = (
    "/qbx trace <id> [--deep] | "
    "/qbx check <request|message|domain|mailbox|recipient|account> <value> | /qbx help"
)
EXAMPLE = "/qbx trace 4f9c2f4e-1c7b-4d2a-9d55-2b8f0e6a1c3d@mail.example.com"
HELP = (
    "*qbx* tells you why an email did not arrive.\n"
    "• `/qbx trace <message id | request_id | address | domain | code>` traces it\n"
    "• `/qbx trace <your order/user/campaign reference>` finds it in the id ledger "
    "(POST /ledger)\n"
    "• `/qbx check domain example.com` (also request, message, mailbox, recipient, account)\n"
    "• add `--deep` for the deeper level\n"
    "• `/qbx trace <a bounce's text>`, or a bounce pasted or attached (`.eml`) in a watched "
    "channel: who failed and why, then the original message traced\n"
    "• `/qbx watch <message id> [to <recipient>]` follows a queued or deferred message to its "
    "end; `/qbx` alone opens a form\n"
    "• paste ids in a watched channel, mention `@qbx` in a thread, or use the message "
    "shortcut *Trace ids in this message*."
)


@dataclass(frozen=True)
class SlashCommand:
    text: str
    user: str
    channel: str
    trigger_id: str = ""  # lets `/qbx` alone open the trace form


@dataclass(frozen=True)
class CommandPlan:
    specs: tuple[TraceSpec, ...] = ()
    overflow: tuple[Target, ...] = ()
    help: bool = False


def plan_command(text: str, max_ids: int) -> CommandPlan:
    """What `/qbx text` asks for; InputError (usage + example) when it cannot be traced."""
    command = parse_command(text)
    if command.verb is Verb.HELP:
        return CommandPlan(help=True)
    if command.verb is Verb.CHECK and command.check_kind is not None:
        spec = TraceSpec(
            check_kind=command.check_kind.value, check_value=command.argument, deep=command.deep
        )
        return CommandPlan(specs=(spec,))
    recognition = recognise(command.argument, limit=max_ids, lone_reference=True)
    if recognition.empty:
        problem = f"I found nothing I can trace in {command.argument!r}."
        raise InputError(problem, usage=USAGE, example=EXAMPLE)
    specs = tuple(TraceSpec(target=t, deep=command.deep) for t in recognition.targets)
    return CommandPlan(specs=specs, overflow=recognition.overflow)


async def run_command(deps: SlackDeps, poster: Poster, command: SlashCommand, reply: Reply) -> None:
    """Answer one `/qbx` (already acknowledged)."""
    refusal = deps.access.refusal(command.user, command.channel)
    if refusal is not None:
        await reply(notice_message(refusal))
        return
    if not command.text.strip() and command.trigger_id:  # the form (bot/slack/home.py)
        await poster.client.views_open(
            trigger_id=command.trigger_id, view=trace_modal(command.channel)
        )
        return
    if is_watch_command(command.text):  # `/qbx watch <id>` (bot/slack/watch_command.py)
        await run_watch_command(deps, poster, command.text, command.user, command.channel, reply)
        return
    place = Place(command.channel)
    if await answer_command_bounce(deps, poster, command.text, place, command.user, reply):
        return
    plan = plan_command(command.text, deps.max_ids)
    if plan.help:
        await reply(notice_message(HELP))
        return
    decision = await deps.store.hit_rate_limit(command.user, deps.traces_per_minute)
    if not decision.allowed:
        await reply(_slow_down(deps.traces_per_minute, decision.retry_after_seconds))
        return
    if plan.overflow:
        style = Style(mask_recipients=deps.mask_recipients)
        await reply(overflow_message(plan.overflow, deps.max_ids, style))
    async with asyncio.TaskGroup() as group:
        for spec in plan.specs:
            if await _unrecorded(deps, spec):
                await reply(notice_message(no_ledger_record(spec.subject)))
                continue
            group.create_task(run_trace(deps, poster, spec, place, command.user))


async def _unrecorded(deps: SlackDeps, spec: TraceSpec) -> bool:
    """A reference (the application's own id) that the id ledger has no record of."""
    target = spec.target
    if target is None or target.kind is not TargetKind.REFERENCE:
        return False
    return deps.ledger is None or not await deps.ledger.lookup_reference(target.value)


def no_ledger_record(reference: str) -> str:
    return f":ledger: {escape(unrecorded_reference(reference))}"


def _slow_down(per_minute: int, retry_after: float) -> Message:
    wait = max(1, math.ceil(retry_after))
    return notice_message(
        f":hourglass: You have run {per_minute} traces in the last minute. "
        f"Try again in {escape(str(wait))} s."
    )
