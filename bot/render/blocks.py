"""Report -> Block Kit messages, inside Slack's limits, every outside value escaped. Pure.

A message is the JSON body chat.postMessage takes: `{"text": fallback, "blocks": [...]}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from bot.diagnostics.report import (
    EscalationBundle,
    LogRef,
    Report,
    Severity,
    StepResult,
    StepStatus,
)
from bot.render.mrkdwn import Masker, safe
from bot.render.slack_limits import (
    MAX_BUTTON_TEXT,
    MAX_SECTION_TEXT,
    Block,
    and_more,
    clip,
    context_block,
    fit_blocks,
)
from bot.targets import Target

Message = dict[str, Any]

SEVERITY_EMOJI: Final = {
    Severity.GOOD: ":white_check_mark:",
    Severity.INFO: ":information_source:",
    Severity.WARNING: ":warning:",
    Severity.BAD: ":x:",
}
STEP_EMOJI: Final = {
    StepStatus.PASS: ":white_check_mark:",
    StepStatus.FAIL: ":x:",
    StepStatus.WARN: ":warning:",
    StepStatus.UNKNOWN: ":grey_question:",
}
ACTION_LOG_PDF: Final = "qbx_log_pdf"
ACTION_DEEPER: Final = "qbx_deeper"
ACTION_RERUN: Final = "qbx_rerun"
ACTION_BUNDLE: Final = "qbx_bundle"
ACTION_NARROW: Final = "qbx_narrow"
VIEW_NARROW: Final = "qbx_narrow_view"
MAX_PDF_BUTTONS: Final = 5


@dataclass(frozen=True)
class ResultActions:
    """The opaque keys behind a result's buttons (None: no such button)."""

    log_pdfs: tuple[tuple[LogRef, str], ...] = ()
    deeper: str | None = None
    rerun: str | None = None
    bundle: str | None = None
    narrow: str | None = None  # an inconclusive search: ask for the recipient and the day


@dataclass(frozen=True)
class Style:
    """How outside values are shown: masking recipients (channel posts) or not."""

    mask_recipients: bool = True
    keep: tuple[str, ...] = field(default=())

    def masker(self) -> Masker:
        return Masker(enabled=self.mask_recipients, keep=self.keep)


def style_for(report: Report, *, mask_recipients: bool) -> Style:
    """Senders stay readable; every other address is masked when masking is on."""
    senders = list(report.target.hints.senders)
    if report.bundle is not None and report.bundle.sender:
        senders.append(report.bundle.sender)
    return Style(mask_recipients=mask_recipients, keep=tuple(senders))


def target_label(target: Target, style: Style) -> str:
    return f"`{safe(clip(target.value, 200), style.masker())}`"


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)}}


def _message(fallback: str, blocks: list[Block], noun: str = "items") -> Message:
    return {"text": clip(fallback, 3000), "blocks": fit_blocks(blocks, noun=noun)}


# --- progress and verdict (the parent message) --------------------------------------------------


def progress_message(
    subject: str, done: int, total: int, last: StepResult | None, style: Style
) -> Message:
    """The parent while a trace runs; `subject` is the raw thing being traced."""
    label = f"`{safe(clip(subject, 200), style.masker())}`"
    count = f"{done}/{total} steps" if total else "starting"
    blocks = [_section(f":hourglass_flowing_sand: Tracing {label}… {count}")]
    if last is not None:
        blocks.append(
            context_block(f"{STEP_EMOJI[last.status]} {safe(last.title, style.masker())}")
        )
    return _message(f"Tracing {label}…", blocks)


def verdict_message(report: Report, actions: ResultActions, style: Style) -> Message:
    mask = style.masker()
    verdict = report.verdict
    emoji = SEVERITY_EMOJI[verdict.severity]
    outcome = verdict.code.value.replace("_", " ").capitalize()
    head = f"{emoji} *{outcome}* — {safe(verdict.headline, mask)}"
    body = f"{head}\n*Next:* {safe(verdict.next_action, mask)}"
    facts = f"{safe(report.title)} for {target_label(report.target, style)}"
    facts += " · deep" if report.deep else ""
    facts += " · :test_tube: simulated data" if report.simulated else ""
    blocks = [_section(body), context_block(facts + " · checklist in the thread")]
    buttons = _buttons(actions)
    if buttons:
        blocks.append({"type": "actions", "block_id": "qbx_result", "elements": buttons})
    return _message(f"{emoji} {safe(verdict.headline, mask)}", blocks)


def _buttons(actions: ResultActions) -> list[Block]:
    shown = actions.log_pdfs[:MAX_PDF_BUTTONS]
    buttons = []
    if actions.narrow:
        buttons.append(_button("Narrow the search", ACTION_NARROW, actions.narrow))
    buttons += [
        _button(f"Log PDF · {log.log_type} {log.log_id}", f"{ACTION_LOG_PDF}:{i}", key)
        for i, (log, key) in enumerate(shown)
    ]
    if actions.deeper:
        buttons.append(_button("Deeper trace", ACTION_DEEPER, actions.deeper))
    if actions.rerun:
        buttons.append(_button("Re-run", ACTION_RERUN, actions.rerun))
    if actions.bundle:
        buttons.append(_button("Escalation bundle", ACTION_BUNDLE, actions.bundle))
    return buttons


def _button(label: str, action_id: str, key: str) -> Block:
    text = {"type": "plain_text", "text": clip(label, MAX_BUTTON_TEXT)}
    return {"type": "button", "text": text, "action_id": action_id, "value": key}


NARROW_INTRO: Final = (
    "TraceMail has no message-id filter: with the recipient or the day it was sent, qbx "
    "searches only there and can finish."
)


def narrow_modal(key: str) -> Message:
    """The *Narrow the search* modal: the recipient and the day; the key stays opaque."""
    recipient = {"type": "plain_text_input", "action_id": "recipient",
                 "placeholder": {"type": "plain_text", "text": "anna@example.com"}}  # fmt: skip
    day = {"type": "datepicker", "action_id": "day"}
    return {
        "type": "modal",
        "callback_id": VIEW_NARROW,
        "private_metadata": key,
        "title": {"type": "plain_text", "text": "Narrow the search"},
        "submit": {"type": "plain_text", "text": "Trace"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _section(NARROW_INTRO),
            _input("recipient", "Recipient address", recipient),
            _input("day", "Day it was sent", day),
        ],
    }


def _input(block_id: str, label: str, element: Block) -> Block:
    return {"type": "input", "block_id": block_id, "optional": True, "element": element,
            "label": {"type": "plain_text", "text": label}}  # fmt: skip


# --- the checklist (the thread) ------------------------------------------------------------------


def checklist_message(report: Report, style: Style) -> Message:
    mask = style.masker()
    intro = f"*{safe(report.title)}* for {target_label(report.target, style)}"
    meta = f"{report.api_calls} API calls · {report.duration_ms / 1000:.1f} s"
    blocks = [_section(intro), context_block(meta)]
    blocks += [_section(step_text(step, mask)) for step in report.steps]
    blocks += [context_block(safe(note, mask)) for note in report.notes[:5]]
    if report.logs:
        blocks.append(_section(_logs_text(report.logs, mask)))
    if report.related:
        related = ", ".join(target_label(t, style) for t in report.related[:10])
        blocks.append(context_block(f"Related: {related}"))
    return _message(f"Checklist: {safe(report.title)}", blocks, noun="steps")


def step_text(step: StepResult, mask: Masker) -> str:
    lines = [f"{STEP_EMOJI[step.status]} *{safe(step.title, mask)}* — {safe(step.summary, mask)}"]
    for ev in step.evidence[:8]:
        source = f" _({safe(ev.source, mask)})_" if ev.source else ""
        lines.append(f"• {safe(ev.label, mask)}: `{safe(clip(ev.value, 300), mask)}`{source}")
    if len(step.evidence) > 8:
        lines.append(and_more(len(step.evidence) - 8, "facts"))
    for label, value in (("Why unknown", step.error), ("Skipped", step.skipped_because)):
        if value:
            lines.append(f"_{label}:_ {safe(value, mask)}")
    if step.remedy and step.status is not StepStatus.PASS:
        lines.append(f":point_right: {safe(step.remedy, mask)}")
    return "\n".join(lines)


def _logs_text(logs: Sequence[LogRef], mask: Masker) -> str:
    lines = ["*Email log entries* (PDF via the buttons)"]
    lines += [f"• `{safe(log.log_id)}` {safe(log.title, mask)}" for log in logs[:MAX_PDF_BUTTONS]]
    if len(logs) > MAX_PDF_BUTTONS:
        lines.append(and_more(len(logs) - MAX_PDF_BUTTONS, "log entries"))
    return "\n".join(lines)


# --- other messages ------------------------------------------------------------------------------


def bundle_message(report: Report, style: Style) -> Message:
    mask = style.masker()
    bundle = report.bundle or EscalationBundle()
    rows = (
        ("request_id", bundle.request_id),
        ("message_id", bundle.message_id),
        ("timestamp", bundle.timestamp.isoformat() if bundle.timestamp else None),
        ("sender", bundle.sender),
        ("recipient", bundle.recipient),
        ("account", str(bundle.account_id) if bundle.account_id is not None else None),
        ("domain", bundle.domain),
    )
    facts = [f"*{name}:* `{safe(value, mask)}`" for name, value in rows if value]
    checked = [f"• {safe(line, mask)}" for line in bundle.checked[:30]]
    if len(bundle.checked) > 30:
        checked.append(and_more(len(bundle.checked) - 30, "checks"))
    verdict = f"*Found:* {safe(report.verdict.headline, mask)}"
    blocks = [
        _section(":package: *Escalation bundle* for Qboxmail support"),
        _section("\n".join(facts) or "_No identifiers were found._"),
        _section(verdict + "\n*Checked:*\n" + ("\n".join(checked) or "_nothing_")),
    ]
    return _message("Escalation bundle", blocks)


def overflow_message(overflow: Sequence[Target], limit: int, style: Style) -> Message:
    listed = ", ".join(target_label(t, style) for t in overflow[:20])
    more = f" {and_more(len(overflow) - 20, 'ids')}" if len(overflow) > 20 else ""
    text = f"I trace at most {limit} ids per message. Not traced: {listed}{more}"
    return _message(text, [_section(text)])


def usage_message(problem: str, usage: str, example: str) -> Message:
    lines = [f":warning: {safe(problem)}"]
    if usage:
        lines.append(f"*Usage:* `{safe(usage)}`")
    if example:
        lines.append(f"*Example:* `{safe(example)}`")
    return _message(safe(problem), [_section("\n".join(lines))])


def notice_message(text: str) -> Message:
    """A short note written by qbx itself (callers escape any outside value they include)."""
    return _message(text, [_section(text)])
