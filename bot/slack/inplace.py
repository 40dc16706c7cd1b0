"""Re-run and Deeper trace change the result they belong to: the parent and the checklist are
edited in place, a deeper trace adds only its new steps, and the parent keeps the one live set
of buttons. A result stored before these edits existed (no parent_ts) is answered anew."""

from __future__ import annotations

import time
from dataclasses import replace

from bot.diagnostics.report import Report, StepResult
from bot.logs import get_logger
from bot.render.blocks import style_for
from bot.render.changes import what_changed
from bot.render.checklist import checklist_message
from bot.render.mrkdwn import safe
from bot.slack.deps import SlackDeps
from bot.slack.poster import Poster
from bot.slack.tracing import ButtonContext, TraceSpec, report_for, result_message, run_trace

log = get_logger("qbx.slack.inplace")


async def _traced(deps: SlackDeps, spec: TraceSpec, *, fresh: bool) -> Report:
    started = time.perf_counter()
    report, age = await report_for(deps, spec, _quiet, fresh=fresh)
    ms = round((time.perf_counter() - started) * 1000, 2)
    log.info("trace_answered", in_place=True, deep=spec.deep, cached=age is not None, ms=ms)
    return report


async def _quiet(step: StepResult, done: int, total: int) -> None:
    """No progress edits: the parent keeps its verdict until the new one replaces it."""


async def rerun_in_place(
    deps: SlackDeps, poster: Poster, context: ButtonContext, user: str
) -> None:
    """Trace again (bypassing the cache); edit the checklist and the parent, saying what changed."""
    if not context.parent_ts:
        await run_trace(deps, poster, context.spec, context.thread, user, fresh=True)
        return
    report = await _traced(deps, context.spec, fresh=True)
    style = style_for(report, mask_recipients=deps.mask_recipients)
    if context.checklist_ts:
        await poster.update(context.channel, context.checklist_ts, checklist_message(report, style))
    note = f":repeat: Re-run by <@{safe(user)}>: {safe(what_changed(context.report, report))}"
    await _edit_parent(deps, poster, context, context.spec, report, note)


async def deepen_in_place(
    deps: SlackDeps, poster: Poster, context: ButtonContext, user: str
) -> None:
    """Run the deeper steps; post only the steps that are new; edit the parent."""
    spec = context.spec.deeper()
    if not context.parent_ts:
        await run_trace(deps, poster, spec, context.thread, user)
        return
    report = await _traced(deps, spec, fresh=False)
    known = {s.id for s in context.report.steps}
    added = tuple(s for s in report.steps if s.id not in known)
    style = style_for(report, mask_recipients=deps.mask_recipients)
    only_new = replace(report, title=f"{report.title}: deeper", steps=added, notes=(), logs=(),
                       related=())  # fmt: skip
    await poster.post(context.thread, checklist_message(only_new, style))
    note = f":mag_right: Deeper trace by <@{safe(user)}>: {len(added)} more steps in the thread"
    await _edit_parent(deps, poster, context, spec, report, note)


async def _edit_parent(
    deps: SlackDeps,
    poster: Poster,
    context: ButtonContext,
    spec: TraceSpec,
    report: Report,
    note: str,
) -> None:
    fresh = replace(context, spec=spec, report_json=report.to_json())
    message = await result_message(deps, fresh, report, note)
    await poster.update(context.channel, context.parent_ts, message)
