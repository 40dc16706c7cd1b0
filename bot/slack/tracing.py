"""run_trace: post a parent, update it in place as steps finish, then the verdict and the thread."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Any

from pydantic import TypeAdapter

from bot.diagnostics.report import ProgressCallback, Report, StepResult
from bot.grammar import CheckKind
from bot.render.blocks import (
    ResultActions,
    Style,
    checklist_message,
    progress_message,
    style_for,
    verdict_message,
)
from bot.slack.ports import SlackDeps
from bot.slack.poster import Place, Poster
from bot.store.base import AuditEntry
from bot.targets import Target


@dataclass(frozen=True)
class TraceSpec:
    """What to trace: a recognised target, or a `check KIND VALUE`; and how deep."""

    target: Target | None = None
    check_kind: str | None = None
    check_value: str = ""
    deep: bool = False

    @property
    def subject(self) -> str:
        if self.target is not None:
            return self.target.value
        return f"{self.check_kind} {self.check_value}"

    @property
    def cache_key(self) -> str:
        what = self.target.key if self.target else f"check:{self.check_kind}:{self.check_value}"
        return f"{what.lower()}:{'deep' if self.deep else 'std'}"

    def deeper(self) -> TraceSpec:
        return replace(self, deep=True)


@dataclass(frozen=True)
class ButtonContext:
    """What a result's buttons need, kept server-side behind one opaque key."""

    spec: TraceSpec
    report_json: str
    channel: str
    thread_ts: str

    @property
    def report(self) -> Report:
        return Report.from_json(self.report_json)

    @property
    def thread(self) -> Place:
        return Place(self.channel, self.thread_ts)


CONTEXT: TypeAdapter[ButtonContext] = TypeAdapter(ButtonContext)


def context_to_json(context: ButtonContext) -> Any:
    return CONTEXT.dump_python(context, mode="json")


def context_from_json(value: Any) -> ButtonContext:
    return CONTEXT.validate_python(value)


class _Progress:
    """Updates the parent in place as steps finish; never after the final update."""

    def __init__(self, deps: SlackDeps, poster: Poster, channel: str, ts: str, spec: TraceSpec):
        self._deps, self._poster, self._spec = deps, poster, spec
        self._channel, self._ts = channel, ts
        self._lock = asyncio.Lock()
        self.finished = False

    async def __call__(self, step: StepResult, done: int, total: int) -> None:
        async with self._lock:
            if self.finished or not self._deps.throttle.allow(self._ts):
                return
            style = Style(mask_recipients=self._deps.mask_recipients)
            message = progress_message(self._spec.subject, done, total, step, style)
            await self._poster.update(self._channel, self._ts, message)

    async def finish(self, message: dict[str, Any]) -> None:
        async with self._lock:
            self.finished = True
            self._deps.throttle.spend_final(self._ts)
            await self._poster.update(self._channel, self._ts, message)


async def run_trace(
    deps: SlackDeps,
    poster: Poster,
    spec: TraceSpec,
    place: Place,
    user: str,
    *,
    fresh: bool = False,
) -> Report:
    """Trace `spec` for `user` and post the result at `place` (a channel or a thread)."""
    style = Style(mask_recipients=deps.mask_recipients)
    parent_ts = await poster.post(place, progress_message(spec.subject, 0, 0, None, style))
    progress = _Progress(deps, poster, place.channel, parent_ts, spec)
    report = await _report(deps, spec, progress, fresh=fresh)
    thread = place.thread_of(parent_ts)
    key = await deps.store.put_context(
        context_to_json(
            ButtonContext(spec, report.to_json(), thread.channel, thread.thread_ts or "")
        )
    )
    final_style = style_for(report, mask_recipients=deps.mask_recipients)
    await progress.finish(verdict_message(report, actions_for(report, key), final_style))
    await poster.post(thread, checklist_message(report, final_style))
    action = "check" if spec.target is None else "trace"
    await deps.store.audit(
        AuditEntry(actor=user, action=action, target=spec.subject, where=place.channel)
    )
    return report


def actions_for(report: Report, key: str) -> ResultActions:
    """Every button shares the result's one key; the action id says which button it is."""
    return ResultActions(
        log_pdfs=tuple((log, key) for log in report.logs),
        deeper=None if report.deep else key,
        rerun=key,
        bundle=key if report.bundle is not None else None,
    )


async def _report(
    deps: SlackDeps, spec: TraceSpec, progress: ProgressCallback, *, fresh: bool
) -> Report:
    if not fresh and deps.report_cache_seconds:
        cached = await deps.store.get_report(spec.cache_key)
        if cached is not None:
            return cached.report
    async with deps.trace_slots:
        report = await _traced(deps, spec, progress)
    if deps.report_cache_seconds:
        await deps.store.put_report(spec.cache_key, report, deps.report_cache_seconds)
    return report


async def _traced(deps: SlackDeps, spec: TraceSpec, progress: ProgressCallback) -> Report:
    if spec.target is not None:
        return await deps.tracer.trace(spec.target, deep=spec.deep, progress=progress)
    kind = CheckKind(str(spec.check_kind))
    return await deps.tracer.check(kind, spec.check_value, deep=spec.deep, progress=progress)
