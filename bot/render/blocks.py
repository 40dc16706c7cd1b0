"""Report -> Block Kit messages, inside Slack's limits, every outside value escaped. Pure.

A message is the JSON body chat.postMessage takes: `{"text": fallback, "blocks": [...]}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from bot.diagnostics.report import (
    EscalationBundle,
    Report,
    Severity,
    StepResult,
    StepStatus,
)
from bot.recognition.targets import Target
from bot.render.buttons import ResultActions, result_buttons
from bot.render.modals import input_block, modal
from bot.render.mrkdwn import Masker, safe
from bot.render.slack_limits import (
    MAX_SECTION_TEXT,
    Block,
    and_more,
    clip,
    context_block,
    fit_blocks,
)

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
VIEW_NARROW: Final = "qbx_narrow_view"


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


def verdict_message(
    report: Report, actions: ResultActions, style: Style, asked_by: str | None = None
) -> Message:
    """The parent: one sentence, the next action, a few fields, the buttons."""
    mask = style.masker()
    verdict = report.verdict
    emoji = SEVERITY_EMOJI[verdict.severity]
    outcome = verdict.code.value.replace("_", " ").capitalize()
    head = f"{emoji} *{outcome}* — {safe(verdict.headline, mask)}"
    blocks = [_section(f"{head}\n*Next:* {safe(verdict.next_action, mask)}")]
    fields = parent_fields(report, mask)
    if fields:
        blocks.append({"type": "section", "fields": fields})
    blocks.append(context_block(_context_line(report, style, asked_by)))
    buttons = result_buttons(report, actions, mask)
    if buttons:
        blocks.append({"type": "actions", "block_id": "qbx_result", "elements": buttons})
    return _message(f"{emoji} {safe(verdict.headline, mask)}", blocks)


def _context_line(report: Report, style: Style, asked_by: str | None) -> str:
    facts = f"`{safe(_short_id(report.target.value), style.masker())}`"
    facts += f" · asked by <@{safe(asked_by)}>" if asked_by else ""
    facts += " · deep" if report.deep else ""
    return facts + (" · :test_tube: simulated" if report.simulated else "")


def _short_id(value: str) -> str:
    """A message id at a glance: `8a16f3df…@shop.example` (the thread shows it whole)."""
    local, at, domain = value.strip("<>").partition("@")
    if at and len(local) == 36 and local.count("-") == 4:
        return f"{local[:8]}…@{domain}"
    return clip(value, 120)


def parent_fields(report: Report, mask: Masker) -> list[Block]:
    """When, to whom (domain and MX), the reply in words, the account and sending domain."""
    bundle = report.bundle or EscalationBundle()
    rows = [
        ("When", f"{bundle.timestamp:%Y-%m-%d %H:%M} UTC" if bundle.timestamp else None),
        ("To", _recipient_domain(bundle)),
        ("Reply", _reply_unless_said(report, bundle)),
        ("From", _sender_side(bundle, report.target.value)),
    ]
    return [_field(name, safe(clip(value, 200), mask)) for name, value in rows if value]


def _field(name: str, value: str) -> Block:
    return {"type": "mrkdwn", "text": f"*{name}*\n{value}"}


def _recipient_domain(bundle: EscalationBundle) -> str | None:
    if not bundle.recipient or "@" not in bundle.recipient:
        return None
    domain = bundle.recipient.rsplit("@", 1)[1]
    return f"{domain} · MX {bundle.remote_mx}" if bundle.remote_mx else domain


def _reply_unless_said(report: Report, bundle: EscalationBundle) -> str | None:
    decoded = bundle.decoded_reply
    if not decoded or report.verdict.severity is Severity.GOOD:
        return None  # nothing to explain, or the headline already says it
    said = decoded.split(": ", 1)[-1].lower()  # the headline may have dropped its label
    return None if said in report.verdict.headline.lower() else decoded


def _sender_side(bundle: EscalationBundle, traced: str) -> str | None:
    """The account and the sending domain (unless the traced id already shows that domain)."""
    account = f"account {bundle.account_id}" if bundle.account_id is not None else None
    shown = bundle.domain and traced.lower().strip("<>").endswith("@" + bundle.domain.lower())
    domain = None if shown else bundle.domain
    return " · ".join(p for p in (account, domain) if p) or None


NARROW_INTRO: Final = (
    "TraceMail has no message-id filter: with the recipient or the day it was sent, qbx "
    "searches only there and can finish."
)


def narrow_modal(key: str) -> Message:
    """The *Narrow the search* modal: the recipient and the day; the key stays opaque."""
    recipient = {"type": "plain_text_input", "action_id": "recipient",
                 "placeholder": {"type": "plain_text", "text": "anna@example.com"}}  # fmt: skip
    day = {"type": "datepicker", "action_id": "day"}
    blocks = [
        _section(NARROW_INTRO),
        input_block("recipient", "Recipient address", recipient, optional=True),
        input_block("day", "Day it was sent", day, optional=True),
    ]
    return modal(VIEW_NARROW, "Narrow the search", blocks, metadata=key, submit="Trace",
                 close="Cancel")  # fmt: skip


# --- other messages ------------------------------------------------------------------------------


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
