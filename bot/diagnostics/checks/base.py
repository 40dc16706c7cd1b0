"""What a check is: a small pure function over resolved facts that returns an Outcome.

A failing check is a value (FAIL with evidence), not an exception. Checks register by
their own name, which says the property they assert (`recipient_not_suppressed`), and the
checklist declarations refer to them by that name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.diagnostics.factstore import Known
from bot.diagnostics.report import Evidence, LogRef, StepStatus


@dataclass(frozen=True)
class Outcome:
    """What a check found: a status, one line, the evidence that decided it."""

    status: StepStatus
    summary: str
    evidence: tuple[Evidence, ...] = ()
    remedy: str | None = None  # overrides the step's declared remedy
    finding: str | None = None  # a machine word the verdict rules match (e.g. "bounced")
    logs: tuple[LogRef, ...] = ()


Check = Callable[[Known], Outcome]

CHECKS: dict[str, Check] = {}


def check(fn: Check) -> Check:
    """Register a check under its function name."""
    if fn.__name__ in CHECKS:
        raise ValueError(f"check {fn.__name__!r} registered twice")
    CHECKS[fn.__name__] = fn
    return fn


def passed(summary: str, *evidence: Evidence, finding: str | None = None) -> Outcome:
    return Outcome(StepStatus.PASS, summary, evidence, finding=finding)


def failed(
    summary: str, *evidence: Evidence, finding: str | None = None, remedy: str | None = None
) -> Outcome:
    return Outcome(StepStatus.FAIL, summary, evidence, remedy=remedy, finding=finding)


def warned(
    summary: str, *evidence: Evidence, finding: str | None = None, remedy: str | None = None
) -> Outcome:
    return Outcome(StepStatus.WARN, summary, evidence, remedy=remedy, finding=finding)


def unknown(summary: str, *evidence: Evidence, remedy: str | None = None) -> Outcome:
    return Outcome(StepStatus.UNKNOWN, summary, evidence, remedy=remedy)
