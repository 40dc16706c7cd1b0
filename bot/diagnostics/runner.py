"""Runs one checklist over a FactStore: every step concurrently, prerequisites respected.

Each step asks for its facts at once (so independent facts are fetched together), waits
for its prerequisite steps, then calls its check. A missing fact or an exception inside a
check becomes UNKNOWN with the reason; it never passes and never stops the other steps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

from bot.diagnostics.checks.base import Check, Outcome
from bot.diagnostics.declarations import ChecklistDecl, StepDecl
from bot.diagnostics.factstore import FactStore, Known, Missing, describe_failure
from bot.diagnostics.report import LogRef, ProgressCallback, StepResult, StepStatus

SATISFIED = frozenset({StepStatus.PASS, StepStatus.WARN})


@dataclass(frozen=True)
class Ran:
    """One step's result with the finding its check reported (for the verdict rules)."""

    result: StepResult
    finding: str | None = None
    logs: tuple[LogRef, ...] = ()


def selected_steps(decl: ChecklistDecl, *, deep: bool) -> tuple[StepDecl, ...]:
    return tuple(s for s in decl.steps if deep or not s.deep)


async def run_checklist(
    decl: ChecklistDecl,
    store: FactStore,
    checks: Mapping[str, Check],
    *,
    deep: bool = False,
    progress: ProgressCallback | None = None,
) -> dict[str, Ran]:
    """Run the checklist's steps; results keyed by step id, in declaration order."""
    steps = selected_steps(decl, deep=deep)
    tasks: dict[str, asyncio.Task[Ran]] = {}
    counter = _Counter(total=len(steps), progress=progress)
    for step in steps:  # facts start now, for every step, before any prerequisite is awaited
        for name in step.needs:
            store.task(name)
    for step in steps:
        tasks[step.id] = asyncio.create_task(_run_step(step, store, checks, tasks, counter))
    return {step_id: await task for step_id, task in tasks.items()}


@dataclass
class _Counter:
    total: int
    progress: ProgressCallback | None
    done: int = 0

    async def finished(self, result: StepResult) -> None:
        self.done += 1
        if self.progress is not None:
            await self.progress(result, self.done, self.total)


async def _run_step(
    step: StepDecl,
    store: FactStore,
    checks: Mapping[str, Check],
    tasks: Mapping[str, asyncio.Task[Ran]],
    counter: _Counter,
) -> Ran:
    values = await asyncio.gather(*(store.resolve(name) for name in step.needs))
    ran = await _after_prerequisites(step, tasks)
    if ran is None:
        ran = _decide_step(step, dict(zip(step.needs, values, strict=True)), checks[step.check])
    await counter.finished(ran.result)
    return ran


async def _after_prerequisites(
    step: StepDecl, tasks: Mapping[str, asyncio.Task[Ran]]
) -> Ran | None:
    """A skipped result when a prerequisite did not pass, else None."""
    for prerequisite in step.after:
        if prerequisite not in tasks:
            return _skipped(step, f"{prerequisite} was not run")
        before = (await tasks[prerequisite]).result
        if before.status not in SATISFIED:
            return _skipped(step, f"{prerequisite} did not pass ({before.status.value})")
    return None


def _decide_step(step: StepDecl, values: dict[str, object], check: Check) -> Ran:
    missing = [f"{name}: {v.reason}" for name, v in values.items() if isinstance(v, Missing)]
    if missing:
        return _unknown(step, "could not find out " + "; ".join(missing))
    try:
        outcome = check(Known(values))
    except Exception as error:  # a broken check is "could not find out", never a pass
        return _unknown(step, f"check {step.check} failed: {describe_failure(error)}")
    return Ran(_result(step, outcome), outcome.finding, outcome.logs)


def _result(step: StepDecl, outcome: Outcome) -> StepResult:
    remedy = outcome.remedy or (step.remedy if outcome.status != StepStatus.PASS else None)
    return StepResult(
        id=step.id,
        title=step.title,
        status=outcome.status,
        summary=outcome.summary,
        evidence=outcome.evidence,
        remedy=remedy,
    )


def _unknown(step: StepDecl, reason: str) -> Ran:
    result = StepResult(
        id=step.id,
        title=step.title,
        status=StepStatus.UNKNOWN,
        summary=f"Could not check: {reason}",
        remedy=step.remedy,
        error=reason,
    )
    return Ran(result)


def _skipped(step: StepDecl, because: str) -> Ran:
    result = StepResult(
        id=step.id,
        title=step.title,
        status=StepStatus.UNKNOWN,
        summary=f"Skipped: {because}",
        skipped_because=because,
    )
    return Ran(result)
