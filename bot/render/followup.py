"""The follow-up buttons on a result (Watch, Reactivate address, Reply draft) and the watch line.

Pure. `extra_buttons` is the one hook blocks.verdict_message calls; everything else here is
used by bot/slack/watching.py and bot/slack/followup_buttons.py.
"""

from __future__ import annotations

from typing import Any, Final

from bot.diagnostics.report import Report, VerdictCode
from bot.recognition.targets import TargetKind
from bot.render.mrkdwn import Masker
from bot.render.slack_limits import MAX_BUTTON_TEXT, Block, clip, context_block

ACTION_WATCH: Final = "qbx_watch"
ACTION_UNWATCH: Final = "qbx_unwatch"
ACTION_REPLY_DRAFT: Final = "qbx_reply_draft"
ACTION_REACTIVATE: Final = "qbx_reactivate"
ACTION_FEEDBACK_UP: Final = "qbx_feedback_up"
ACTION_FEEDBACK_DOWN: Final = "qbx_feedback_down"
WHY_CALLBACK: Final = "qbx_feedback_why"
WHY_BLOCK: Final = "why"
WHY_MAX: Final = 200
WATCHABLE: Final = frozenset({VerdictCode.QUEUED, VerdictCode.DEFERRED})
MAX_CONFIRM_TEXT: Final = 300
Message = dict[str, Any]


def button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(label, MAX_BUTTON_TEXT)},
        "action_id": action_id,
        "value": value,
    }
    return element | ({"style": style} if style else {})


def watchable(report: Report) -> bool:
    return report.verdict.code in WATCHABLE and report.target.kind is TargetKind.MESSAGE_ID


def extra_buttons(report: Report, key: str, mask: Masker) -> list[Block]:
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


def why_modal(private_metadata: str) -> Block:
    """The private question after a 👎: one line of why."""
    field = {
        "type": "plain_text_input",
        "action_id": WHY_BLOCK,
        "max_length": WHY_MAX,
        "placeholder": {"type": "plain_text", "text": "e.g. it was delivered, the log shows it"},
    }
    return {
        "type": "modal",
        "callback_id": WHY_CALLBACK,
        "private_metadata": private_metadata,
        "title": {"type": "plain_text", "text": "What was wrong?"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Skip"},
        "blocks": [
            {"type": "input", "block_id": WHY_BLOCK, "element": field,
             "label": {"type": "plain_text", "text": "One line of why (only qbx's admins see it)"}},
        ],
    }  # fmt: skip


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


def with_watch_line(message: Message, line: str, stop_value: str | None) -> Message:
    """The result with a context line about its watch (before the buttons); while watching,
    *Stop watching* replaces *Watch*; once ended, neither is shown."""
    blocks = [dict(b) for b in message["blocks"]]
    at = next((i for i, b in enumerate(blocks) if b.get("type") == "actions"), len(blocks))
    if at < len(blocks):
        elements = [e for e in blocks[at]["elements"] if e.get("action_id") != ACTION_WATCH]
        if stop_value is not None:
            elements.insert(0, button("Stop watching", ACTION_UNWATCH, stop_value))
        blocks[at] = {**blocks[at], "elements": elements}
    blocks.insert(at, context_block(line))
    return {**message, "blocks": blocks}
