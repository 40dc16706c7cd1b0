"""Report -> the checklist reply (thread) and the full evidence (private). Pure.

The thread shows what did not pass, with the evidence that decided it; the passing steps fold
into one line; API paths stay out of the channel. The whole evidence, with where each fact came
from, is one click away (the *Evidence* button answers privately) and in `--json`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from bot.diagnostics.report import Evidence, LogRef, Report, StepResult, StepStatus
from bot.render.blocks import STEP_EMOJI, Style, target_label
from bot.render.buttons import MAX_PDF_BUTTONS
from bot.render.mrkdwn import Masker, safe
from bot.render.slack_limits import MAX_SECTION_TEXT, Block, and_more, clip, context_block
from bot.render.slack_limits import fit_blocks as _fit

Message = dict[str, Any]
THREAD_EVIDENCE: Final = 3  # facts per step in the thread; all of them in the private copy
MAX_NOTES: Final = 2


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)}}


def _message(fallback: str, blocks: list[Block], noun: str) -> Message:
    return {"text": clip(fallback, 3000), "blocks": _fit(blocks, noun=noun)}


def checklist_message(report: Report, style: Style) -> Message:
    """The thread reply: failing, warning and unknown steps with evidence; passes in one line."""
    mask = style.masker()
    shown = [s for s in report.steps if s.status is not StepStatus.PASS and not s.skipped_because]
    blocks = [_section(f"*{safe(report.title)}* for {target_label(report.target, style)}")]
    blocks += [_section(_short_step(step, report, mask)) for step in shown]
    blocks += [context_block(line) for line in _folded_lines(report.steps)]
    blocks += [context_block(safe(note, mask)) for note in report.notes[:MAX_NOTES]]
    if report.logs:
        blocks.append(_section(_logs_text(report.logs, mask)))
    if report.related:
        related = ", ".join(target_label(t, style) for t in report.related[:10])
        blocks.append(context_block(f"Related: {related}"))
    meta = f"{report.api_calls} API calls · {report.duration_ms / 1000:.1f} s · sources: *Evidence*"
    blocks.append(context_block(meta))
    return _message(f"Checklist: {safe(report.title)}", blocks, "steps")


def _short_step(step: StepResult, report: Report, mask: Masker) -> str:
    lines = [f"{STEP_EMOJI[step.status]} *{safe(step.title, mask)}* — {safe(step.summary, mask)}"]
    lines += [_fact(ev, mask, with_source=False) for ev in step.evidence[:THREAD_EVIDENCE]]
    if step.error:
        lines.append(f"_Why unknown:_ {safe(step.error, mask)}")
    if step.remedy and step.remedy != report.verdict.next_action:
        lines.append(f":point_right: {safe(step.remedy, mask)}")
    return "\n".join(lines)


def _fact(ev: Evidence, mask: Masker, *, with_source: bool) -> str:
    where = f" _({safe(ev.source, mask)})_" if with_source and ev.source else ""
    return f"• {safe(ev.label, mask)}: `{safe(clip(ev.value, 200), mask)}`{where}"


def _folded_lines(steps: Sequence[StepResult]) -> list[str]:
    """'5 checks passed: found, accepted, …' and the steps skipped for a failed prerequisite."""
    lines = []
    passed = [_name(s) for s in steps if s.status is StepStatus.PASS]
    if passed:
        lines.append(f"{STEP_EMOJI[StepStatus.PASS]} {len(passed)} check"
                     f"{'' if len(passed) == 1 else 's'} passed: {', '.join(passed)}")  # fmt: skip
    skipped = [_name(s) for s in steps if s.status is not StepStatus.PASS and s.skipped_because]
    if skipped:
        lines.append(f"{STEP_EMOJI[StepStatus.UNKNOWN]} Not checked (an earlier step did not "
                     f"pass): {', '.join(skipped)}")  # fmt: skip
    return lines


def _name(step: StepResult) -> str:
    return safe(step.id.replace("_", " "))


def _logs_text(logs: Sequence[LogRef], mask: Masker) -> str:
    lines = ["*Email log entries* (PDF via the buttons)"]
    lines += [f"• `{safe(log.log_id)}` {safe(log.title, mask)}" for log in logs[:MAX_PDF_BUTTONS]]
    if len(logs) > MAX_PDF_BUTTONS:
        lines.append(and_more(len(logs) - MAX_PDF_BUTTONS, "log entries"))
    return "\n".join(lines)


def evidence_message(report: Report, style: Style) -> Message:
    """Every step with all its evidence and where each fact came from: the private copy."""
    mask = style.masker()
    intro = f":mag: *Evidence* — {safe(report.title)} for {target_label(report.target, style)}"
    blocks = [_section(intro)]
    blocks += [_section(step_text(step, mask)) for step in report.steps]
    blocks += [context_block(safe(note, mask)) for note in report.notes[:5]]
    return _message(f"Evidence: {safe(report.title)}", blocks, "steps")


def step_text(step: StepResult, mask: Masker) -> str:
    lines = [f"{STEP_EMOJI[step.status]} *{safe(step.title, mask)}* — {safe(step.summary, mask)}"]
    lines += [_fact(ev, mask, with_source=True) for ev in step.evidence[:8]]
    if len(step.evidence) > 8:
        lines.append(and_more(len(step.evidence) - 8, "facts"))
    for label, value in (("Why unknown", step.error), ("Skipped", step.skipped_because)):
        if value:
            lines.append(f"_{label}:_ {safe(value, mask)}")
    if step.remedy and step.status is not StepStatus.PASS:
        lines.append(f":point_right: {safe(step.remedy, mask)}")
    return "\n".join(lines)
