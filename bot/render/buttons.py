"""Every button a result carries, built by one builder: the result's own (Narrow the search,
Log PDF, Deeper trace, Re-run, Evidence, Escalate) and the follow-ups (Watch, Reactivate
address, Reply draft, 👍/👎). Pure. Each button's value is the result's one opaque key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.diagnostics.report import LogRef, Report, VerdictCode
from bot.recognition.targets import TargetKind
from bot.render.mrkdwn import Masker
from bot.render.slack_limits import MAX_BUTTON_TEXT, Block, clip

ACTION_LOG_PDF: Final = "qbx_log_pdf"  # one per log entry: qbx_log_pdf:<index>
ACTION_DEEPER: Final = "qbx_deeper"
ACTION_RERUN: Final = "qbx_rerun"
ACTION_BUNDLE: Final = "qbx_bundle"
ACTION_NARROW: Final = "qbx_narrow"
ACTION_EVIDENCE: Final = "qbx_evidence"
ACTION_WATCH: Final = "qbx_watch"
ACTION_UNWATCH: Final = "qbx_unwatch"
ACTION_REPLY_DRAFT: Final = "qbx_reply_draft"
ACTION_REACTIVATE: Final = "qbx_reactivate"
ACTION_FEEDBACK_UP: Final = "qbx_feedback_up"
ACTION_FEEDBACK_DOWN: Final = "qbx_feedback_down"
MAX_PDF_BUTTONS: Final = 5
MAX_CONFIRM_TEXT: Final = 300
WATCHABLE: Final = frozenset({VerdictCode.QUEUED, VerdictCode.DEFERRED})


@dataclass(frozen=True)
class ResultActions:
    """The opaque keys behind a result's buttons (None: no such button)."""

    log_pdfs: tuple[tuple[LogRef, str], ...] = ()
    deeper: str | None = None
    rerun: str | None = None  # also the key of the follow-up buttons
    bundle: str | None = None
    narrow: str | None = None  # an inconclusive search: ask for the recipient and the day
    evidence: str | None = None  # every fact with its source, answered privately


def button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    """The one button builder: a label clipped to Slack's limit, an action id, a value."""
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(label, MAX_BUTTON_TEXT)},
        "action_id": action_id,
        "value": value,
    }
    return element | ({"style": style} if style else {})


def result_buttons(report: Report, actions: ResultActions, mask: Masker) -> list[Block]:
    """The result's own buttons, then (behind the same key) its follow-up buttons."""
    buttons = _own_buttons(actions)
    if actions.rerun:
        buttons += followup_buttons(report, actions.rerun, mask)
    return buttons


def _own_buttons(actions: ResultActions) -> list[Block]:
    buttons = []
    if actions.narrow:
        buttons.append(button("Narrow the search", ACTION_NARROW, actions.narrow))
    buttons += [
        button(f"Log PDF · {log.log_type} {log.log_id}", f"{ACTION_LOG_PDF}:{i}", key)
        for i, (log, key) in enumerate(actions.log_pdfs[:MAX_PDF_BUTTONS])
    ]
    if actions.deeper:
        buttons.append(button("Deeper trace", ACTION_DEEPER, actions.deeper))
    if actions.rerun:
        buttons.append(button("Re-run", ACTION_RERUN, actions.rerun))
    if actions.evidence:
        buttons.append(button("Evidence", ACTION_EVIDENCE, actions.evidence))
    if actions.bundle:
        buttons.append(button("Escalate", ACTION_BUNDLE, actions.bundle))
    return buttons


def watchable(report: Report) -> bool:
    return report.verdict.code in WATCHABLE and report.target.kind is TargetKind.MESSAGE_ID


def followup_buttons(report: Report, key: str, mask: Masker) -> list[Block]:
    """The follow-up buttons this result carries, all behind the result's one opaque key."""
    buttons: list[Block] = []
    if watchable(report):
        buttons.append(button("Watch", ACTION_WATCH, key))
    if report.verdict.code is VerdictCode.SUPPRESSED:
        reactivate = button("Reactivate address", ACTION_REACTIVATE, key, "danger")
        buttons.append(reactivate | {"confirm": reactivation_confirm(report, mask)})
    buttons.append(button("Reply draft", ACTION_REPLY_DRAFT, key))
    buttons.append(button("👍", ACTION_FEEDBACK_UP, key))
    buttons.append(button("👎", ACTION_FEEDBACK_DOWN, key))
    return buttons


def reactivation_confirm(report: Report, mask: Masker) -> Block:
    """Slack's confirmation dialog: the address, the reason and the date of the suppression."""
    found = next((s.summary for s in report.steps if s.id == "suppression"), "")
    text = mask(found or report.verdict.headline)
    text += " Qboxmail will send to it again. This is recorded in the audit log."
    return {
        "title": {"type": "plain_text", "text": "Reactivate this address?"},
        "text": {"type": "plain_text", "text": clip(text, MAX_CONFIRM_TEXT)},
        "confirm": {"type": "plain_text", "text": "Reactivate"},
        "deny": {"type": "plain_text", "text": "Cancel"},
        "style": "danger",
    }
