"""`/qbx ...`: the command line's grammar, answered in the channel (results) or privately (help)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.diagnostics.finder import unrecorded_reference
from bot.errors import InputError
from bot.recognition.grammar import Verb, parse_command
from bot.recognition.ids import recognise
from bot.recognition.targets import Target, TargetKind
from bot.render.blocks import Style, notice_message, overflow_message
from bot.render.home import trace_modal
from bot.render.mrkdwn import escape
from bot.slack.access import Access
from bot.slack.bounces import answer_command_bounce
from bot.slack.deps import SlackDeps
from bot.slack.limits import admit, slow_down
from bot.slack.poster import Place, Poster
from bot.slack.replies import Reply
from bot.slack.tracing import TraceSpec, run_trace
from bot.slack.watch_command import is_watch_command, run_watch_command

USAGE = "/qbx trace <id, address, domain or code> | /qbx check <kind> <value> | /qbx help"
EXAMPLE = "/qbx trace 8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example to anna@example.com"
HELP_LINES = (
    "*qbx* tells you why an email did not arrive, and what to do about it.",
    "• `/qbx trace <message_id, request_id, address, domain or code>`: or paste a whole Send API"
    " error body after `/qbx trace`",
    "• add the recipient and the day to narrow a search: "
    "`/qbx trace <message_id> to anna@example.com on 2026-11-20`",
    "• `/qbx trace <your order, user or campaign reference>`: found through the id ledger",
    "• `/qbx check <kind> <value>`, kind = request, message, domain, mailbox, recipient or "
    "account: `/qbx check domain shop.example`, `/qbx check account 4127`",
    "• `/qbx trace <id> --deep` (or the *Deeper trace* button): who else failed the same way, "
    "7 days of statistics, DNS, tokens",
    "• `/qbx trace <a bounce's text>`, or a bounce pasted or attached (`.eml`) in a watched "
    "channel: who failed and why, then the original message traced",
    "• `/qbx watch <message_id>`: follow a queued or deferred message to its end; `/qbx` alone "
    "opens a form",
    "• on a result: *Evidence* (every fact and its source, only for you), *Re-run*, *Escalate* "
    "(the bundle Qboxmail support asks for), *Log PDF*, *Narrow the search*",
)


def help_text(access: Access) -> str:
    """The help, escaped for mrkdwn; where ids are answered without asking, as channel links."""
    lines = [escape(line) for line in HELP_LINES]
    watched = access.channel_links(access.watch_channels) if access.watch_channels else None
    where = f" in {watched}" if watched else " in a watched channel"
    lines.append(f"• paste ids{where}, mention @qbx in a thread, or use the message shortcut "
                 "*Trace ids in this message*")  # fmt: skip
    return "\n".join(lines)


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
    try:
        command = parse_command(text)
    except InputError as error:  # the same problem, told in Slack's grammar
        raise InputError(str(error), usage=USAGE, example=EXAMPLE) from error
    if command.verb is Verb.HELP:
        return CommandPlan(help=True)
    if command.verb is Verb.CHECK and command.check_kind is not None:
        spec = TraceSpec(
            check_kind=command.check_kind, check_value=command.argument, deep=command.deep
        )
        return CommandPlan(specs=(spec,))
    recognition = recognise(command.argument, limit=max_ids, lone_reference=True)
    if recognition.empty:
        problem = f"I found nothing I can trace in {command.argument!r}."
        raise InputError(problem, usage=USAGE, example=EXAMPLE)
    specs = tuple(TraceSpec(target=t, deep=command.deep) for t in recognition.targets)
    return CommandPlan(specs=specs, overflow=recognition.overflow)


async def run_command(deps: SlackDeps, poster: Poster, command: SlashCommand, reply: Reply) -> None:
    """Answer one `/qbx` (already acknowledged; who may ask where: bot/slack/refusals.py)."""
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
        await reply(notice_message(help_text(deps.access)))
        return
    admitted, decision = await admit(deps, command.user, len(plan.specs))
    if admitted < len(plan.specs):
        skipped = len(plan.specs) - admitted
        await reply(slow_down(deps.traces_per_minute, decision, skipped))
    if plan.overflow and admitted:
        style = Style(mask_recipients=deps.mask_recipients)
        await reply(overflow_message(plan.overflow, deps.max_ids, style))
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
