"""Several ids pasted at once -> one summary reply: one line per id, in the order given. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.diagnostics.report import Report
from bot.recognition.targets import Target
from bot.render.blocks import SEVERITY_EMOJI, Style
from bot.render.mrkdwn import safe
from bot.render.slack_limits import MAX_SECTION_TEXT, clip, fit_blocks

Message = dict[str, Any]
WORKING = ":hourglass_flowing_sand:"
FAILED = ":grey_question:"


def summary_message(
    targets: Sequence[Target], reports: Sequence[Report | str | None], style: Style
) -> Message:
    """`reports[i]` is the answer for `targets[i]`: a Report, None (still running) or the reason
    it could not be traced."""
    mask = style.masker()
    done = sum(1 for r in reports if r is not None)
    head = f"*{len(targets)} ids* — {done} answered; each one's details follow below."
    pairs = zip(targets, reports, strict=True)
    lines = [_line(n, t, r, style) for n, (t, r) in enumerate(pairs, 1)]
    text = clip("\n".join([head, *lines]), MAX_SECTION_TEXT)
    block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    return {
        "text": safe(f"{len(targets)} ids: {done} answered", mask),
        "blocks": fit_blocks([block]),
    }


def _line(n: int, target: Target, report: Report | str | None, style: Style) -> str:
    mask = style.masker()
    label = f"`{safe(clip(target.value, 80), mask)}`"
    if report is None:
        return f"{n}. {WORKING} {label} tracing…"
    if isinstance(report, str):
        return f"{n}. {FAILED} {label} could not be traced: {safe(clip(report, 120), mask)}"
    verdict = report.verdict
    outcome = verdict.code.value.replace("_", " ").capitalize()
    said = safe(clip(verdict.headline, 120), mask)
    return f"{n}. {SEVERITY_EMOJI[verdict.severity]} {label} *{outcome}* — {said}"
