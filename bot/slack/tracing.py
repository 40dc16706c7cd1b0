"""run_trace: post a parent, update it in place as steps finish, then the verdict and the thread.

A repeat trace within the cache TTL answers from the store's report cache (its verdict says how
old it is; zero API calls); concurrent traces of one cache key share one run (single flight,
across replicas on Redis); each requester still gets its own parent and thread.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pydantic import TypeAdapter

from bot.diagnostics.report import ProgressCallback, Report, StepResult, VerdictCode
from bot.logs import get_logger
from bot.recognition.grammar import CheckKind
from bot.recognition.ids import recognise
from bot.recognition.targets import Target, TargetKind
from bot.render.blocks import (
    Message,
    Style,
    notice_message,
    progress_message,
    style_for,
    verdict_message,
)
from bot.render.buttons import ResultActions
from bot.render.checklist import checklist_message
from bot.render.mrkdwn import escape
from bot.render.slack_limits import context_block
from bot.slack.deps import SlackDeps
from bot.slack.explanations import TraceTimedOut, explain
from bot.slack.poster import Place, Poster
from bot.slack.recent import remember_trace
from bot.store.base import AuditEntry

log = get_logger("qbx.slack.tracing")
STOPPED_UNEXPECTEDLY = "Something unexpected went wrong on qbx's side (it is in qbx's logs)."


@dataclass(frozen=True)
class TraceSpec:
    """What to trace: a recognised target, or a `check KIND VALUE`; and how deep."""

    target: Target | None = None
    check_kind: CheckKind | None = None
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
        return f"{what.lower()}{_hints_key(self.target)}:{'deep' if self.deep else 'std'}"

    def deeper(self) -> TraceSpec:
        return replace(self, deep=True)

    def narrowed(self, recipient: str | None, day: date | None) -> TraceSpec:
        """The same trace with a recipient and a day added to its hints."""
        if self.target is None:  # `check message <id>`: narrow the id it names
            found = recognise(self.check_value, limit=1).targets
            if not found:
                return self
            return replace(self, target=found[0], check_kind=None, check_value="").narrowed(
                recipient, day
            )
        hints = self.target.hints
        more = replace(
            hints,
            recipients=(*((recipient,) if recipient else ()), *hints.recipients),
            dates=(*((day,) if day else ()), *hints.dates),
        )
        return replace(self, target=replace(self.target, hints=more))


def _hints_key(target: Target | None) -> str:
    """The hints that change what a search reads (a narrowed trace is another question)."""
    if target is None or not (target.hints.recipients or target.hints.dates):
        return ""
    parts = [*sorted(target.hints.recipients), *sorted(map(str, target.hints.dates))]
    return ":" + ",".join(parts)


@dataclass(frozen=True)
class ButtonContext:
    """What a result's buttons need, kept server-side behind one opaque key."""

    spec: TraceSpec
    report_json: str
    channel: str
    thread_ts: str
    parent_ts: str = ""  # the verdict message, edited in place by Re-run and Deeper trace
    checklist_ts: str = ""  # the checklist reply, edited in place by Re-run
    asked_by: str = ""

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
            await self._poster.try_update(self._channel, self._ts, message)  # never fatal

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
    parent_ts = await post_placeholder(deps, poster, spec, place)
    return await answer_at(deps, poster, spec, place, parent_ts, user, fresh=fresh)


async def post_placeholder(deps: SlackDeps, poster: Poster, spec: TraceSpec, place: Place) -> str:
    """The parent that says a trace has started (updated in place as steps finish)."""
    style = Style(mask_recipients=deps.mask_recipients)
    return await poster.post(place, progress_message(spec.subject, 0, 0, None, style))


def stopped_message(subject: str, error: BaseException) -> Message:
    """What a failed trace's placeholder says instead of "Tracing…"."""
    facing = explain(error, lambda: "")
    reason = facing.message["text"] if facing.reference is None else STOPPED_UNEXPECTEDLY
    return notice_message(f":x: The trace of {escape(subject)} stopped before an answer. {reason}")


async def answer_at(
    deps: SlackDeps,
    poster: Poster,
    spec: TraceSpec,
    place: Place,
    parent_ts: str,
    user: str,
    *,
    fresh: bool = False,
) -> Report:
    """Run the trace behind the placeholder `parent_ts`; post its checklist and verdict.
    A trace that fails replaces its placeholder with why, then re-raises."""
    try:
        return await _answer(deps, poster, spec, place, parent_ts, user, fresh=fresh)
    except (Exception, asyncio.CancelledError) as error:
        await poster.try_update(place.channel, parent_ts, stopped_message(spec.subject, error))
        raise


async def _answer(
    deps: SlackDeps,
    poster: Poster,
    spec: TraceSpec,
    place: Place,
    parent_ts: str,
    user: str,
    *,
    fresh: bool,
) -> Report:
    progress = _Progress(deps, poster, place.channel, parent_ts, spec)
    started = time.perf_counter()
    report, age = await report_for(deps, spec, progress, fresh=fresh)
    log.info(
        "trace_answered",
        kind=spec.target.kind.value if spec.target else f"check:{spec.check_kind}",
        cached=age is not None,
        ms=round((time.perf_counter() - started) * 1000, 2),
    )
    thread = place.thread_of(parent_ts)
    final_style = style_for(report, mask_recipients=deps.mask_recipients)
    checklist_ts = await poster.post(thread, checklist_message(report, final_style))
    context = ButtonContext(
        spec,
        report.to_json(),
        thread.channel,
        thread.thread_ts or "",
        parent_ts,
        checklist_ts,
        user,
    )
    verdict = await result_message(deps, context, report)
    await progress.finish(verdict if age is None else with_age(verdict, age))
    action = "check" if spec.target is None else "trace"
    await deps.store.audit(
        AuditEntry(actor=user, action=action, target=spec.subject, where=place.channel)
    )
    await remember_trace(deps, user, place.channel, parent_ts, report)  # the Home tab
    return report


async def result_message(
    deps: SlackDeps, context: ButtonContext, report: Report, note: str | None = None
) -> Message:
    """The parent for `report`, with the one live set of buttons (a fresh key to its context)."""
    key = await deps.store.put_context(context_to_json(context))
    style = style_for(report, mask_recipients=deps.mask_recipients)
    verdict = verdict_message(report, actions_for(report, key), style, asked_by=context.asked_by)
    return verdict if note is None else with_note(verdict, note)


def actions_for(report: Report, key: str) -> ResultActions:
    """Every button shares the result's one key; the action id says which button it is."""
    return ResultActions(
        log_pdfs=tuple((log, key) for log in report.logs),
        deeper=None if report.deep else key,
        rerun=key,
        bundle=key if report.bundle is not None else None,
        narrow=key if _narrowable(report) else None,
        evidence=key,
    )


def _narrowable(report: Report) -> bool:
    """An inconclusive TraceMail search, which a recipient and a day can finish."""
    searched = report.target.kind not in (TargetKind.MAILBOX_CODE, TargetKind.HOSTING_DOMAIN_CODE)
    return report.verdict.code == VerdictCode.INCONCLUSIVE and searched


async def report_for(
    deps: SlackDeps, spec: TraceSpec, progress: ProgressCallback, *, fresh: bool
) -> tuple[Report, float | None]:
    """The report and, when it came from the cache, its age in seconds."""
    if not fresh and deps.report_cache_seconds:
        cached = await deps.store.get_report(spec.cache_key)
        if cached is not None:
            return cached.report, cached.age_seconds(deps.wall_clock())

    async def work() -> str:
        try:
            async with asyncio.timeout(deps.trace_deadline_seconds), deps.trace_slots:
                report = await _traced(deps, spec, progress)
        except TimeoutError as exc:
            raise TraceTimedOut(deps.trace_deadline_seconds) from exc
        if deps.report_cache_seconds:
            await deps.store.put_report(spec.cache_key, report, deps.report_cache_seconds)
        return report.to_json()

    text = await deps.store.single_flight(spec.cache_key, work, ttl_seconds=deps.flight_seconds)
    return Report.from_json(text), None


def age_words(seconds: float) -> str:
    """'a moment ago', '40 s ago', '2 min ago', '3 h ago'."""
    whole = int(seconds)
    if whole < 5:
        return "a moment ago"
    if whole < 60:
        return f"{whole} s ago"
    if whole < 3600:
        return f"{whole // 60} min ago"
    return f"{whole // 3600} h ago"


def with_age(message: Message, age_seconds: float) -> Message:
    """The verdict of a cached answer, with a line saying how old it is (before the buttons)."""
    return with_note(
        message,
        f":recycle: Answer from {escape(age_words(age_seconds))} (cached) — "
        "*Re-run* for a fresh one",
    )


def with_note(message: Message, text: str) -> Message:
    """A context line just above the buttons (callers escape any outside value in `text`)."""
    note = context_block(text)
    blocks = list(message["blocks"])
    at = next((i for i, b in enumerate(blocks) if b.get("type") == "actions"), len(blocks))
    blocks.insert(at, note)
    return {**message, "blocks": blocks}


async def _traced(deps: SlackDeps, spec: TraceSpec, progress: ProgressCallback) -> Report:
    if spec.target is not None:
        return await deps.tracer.trace(spec.target, deep=spec.deep, progress=progress)
    assert spec.check_kind is not None  # a spec without a target is a check
    return await deps.tracer.check(
        spec.check_kind, spec.check_value, deep=spec.deep, progress=progress
    )
