"""Fresh and stored results: `fresh_result` re-traces a spec and renders the result with new
buttons (a watch check, after a reactivation); `stored_result` renders a kept one again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter

from bot.diagnostics.report import Report, StepResult
from bot.render.blocks import Message, style_for, verdict_message
from bot.slack.deps import SlackDeps
from bot.slack.tracing import (
    ButtonContext,
    TraceSpec,
    actions_for,
    context_from_json,
    context_to_json,
    report_for,
)

SPEC: TypeAdapter[TraceSpec] = TypeAdapter(TraceSpec)


@dataclass(frozen=True)
class Result:
    report: Report
    key: str
    message: Message


def spec_to_json(spec: TraceSpec) -> dict[str, Any]:
    value: dict[str, Any] = SPEC.dump_python(spec, mode="json")
    return value


def spec_from_json(value: Any) -> TraceSpec:
    return SPEC.validate_python(value)


async def _no_progress(step: StepResult, done: int, total: int) -> None:
    return None


def render(deps: SlackDeps, report: Report, key: str) -> Message:
    style = style_for(report, mask_recipients=deps.mask_recipients)
    return verdict_message(report, actions_for(report, key), style)


async def fresh_result(deps: SlackDeps, spec: TraceSpec, channel: str, thread_ts: str) -> Result:
    """Trace `spec` again (no cache) and keep the new context for the result's buttons."""
    report, _ = await report_for(deps, spec, _no_progress, fresh=True)
    context = ButtonContext(spec, report.to_json(), channel, thread_ts)
    key = await deps.store.put_context(context_to_json(context))
    return Result(report, key, render(deps, report, key))


async def stored_result(deps: SlackDeps, key: str) -> tuple[ButtonContext, Message] | None:
    """The result kept under `key`, rendered again (None when the key expired)."""
    raw = await deps.store.get_context(key)
    if raw is None:
        return None
    context = context_from_json(raw)
    return context, render(deps, context.report, key)


def clock_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%H:%M UTC")
