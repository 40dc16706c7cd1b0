"""`/qbx ...`: the command line's grammar, answered in the channel (results) or privately (help)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.diagnostics.finder import unrecorded_reference
from bot.errors import InputError
from bot.grammar import Verb, parse_command
from bot.ids import recognise
from bot.render.blocks import Style, notice_message, overflow_message
from bot.render.mrkdwn import escape
from bot.slack.buttons import Reply
from bot.slack.limits import admit, slow_down
from bot.slack.ports import SlackDeps
from bot.slack.poster import Place, Poster
from bot.slack.tracing import TraceSpec, run_trace
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
    "• paste ids in a watched channel, mention `@qbx` in a thread, or use the message "
    "shortcut *Trace ids in this message*."
)


@dataclass(frozen=True)
class SlashCommand:
    text: str
    user: str
    channel: str


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
    plan = plan_command(command.text, deps.max_ids)
    if plan.help:
        await reply(notice_message(HELP))
        return
    admitted, decision = await admit(deps, command.user, len(plan.specs))
    if admitted < len(plan.specs):
        skipped = len(plan.specs) - admitted
        await reply(slow_down(deps.traces_per_minute, decision, skipped))
    if plan.overflow and admitted:
        style = Style(mask_recipients=deps.mask_recipients)
        await reply(overflow_message(plan.overflow, deps.max_ids, style))
    place = Place(command.channel)
    async with asyncio.TaskGroup() as group:
        for spec in plan.specs[:admitted]:
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
