"""What a Re-run says changed: nothing, the verdict, the steps that moved."""

from __future__ import annotations

from dataclasses import replace

from bot.diagnostics.report import StepStatus, Verdict, VerdictCode
from bot.render.changes import what_changed
from tests.slack.reports import report, step


def test_the_same_answer_is_no_change() -> None:
    assert what_changed(report(), report()) == "no change"


def test_a_new_verdict_and_the_steps_that_moved_are_named() -> None:
    before = report(steps=(step(1, StepStatus.FAIL), step(2, StepStatus.PASS)))
    after = replace(
        report(steps=(step(1, StepStatus.PASS), step(2, StepStatus.PASS))),
        verdict=Verdict(VerdictCode.DELIVERED, "ok", "nothing"),
    )
    assert what_changed(before, after) == "verdict bounced → delivered; step 1 fail → pass"


def test_many_moved_steps_are_counted_not_listed() -> None:
    before = report(steps=tuple(step(i, StepStatus.PASS) for i in range(6)))
    after = report(steps=tuple(step(i, StepStatus.WARN) for i in range(6)))
    said = what_changed(before, after)
    assert said.count("pass → warn") == 3
    assert said.endswith("3 more steps changed")
