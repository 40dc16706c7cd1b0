"""The escalation bundle: one code block, ready to paste into a Qboxmail support ticket. Pure.

The channel copy masks the recipient; the private copy for the person who asked shows it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from bot.diagnostics.report import EscalationBundle, Report
from bot.render.blocks import Style
from bot.render.mrkdwn import safe
from bot.render.slack_limits import MAX_SECTION_TEXT, clip, context_block, fit_blocks

Message = dict[str, Any]
MAX_CHECKED: Final = 15
FENCE: Final = "```"


def bundle_text(report: Report, style: Style, permalink: str | None = None) -> str:
    """The bundle as plain lines (masked as `style` says), without the code fence."""
    mask = style.masker()
    bundle = report.bundle or EscalationBundle()
    rows = [f"{name}: {mask(value)}" for name, value in _rows(report, bundle) if value]
    rows.append("checked:")
    rows += [f"  {mask(clip(line, 160))}" for line in bundle.checked[:MAX_CHECKED]]
    if len(bundle.checked) > MAX_CHECKED:
        rows.append(f"  … and {len(bundle.checked) - MAX_CHECKED} more checks")
    if permalink:
        rows.append(f"thread: {permalink}")
    return "\n".join(rows)


def _rows(report: Report, bundle: EscalationBundle) -> list[tuple[str, str | None]]:
    account = str(bundle.account_id) if bundle.account_id is not None else None
    return [
        ("request_id", bundle.request_id),
        ("message_id", bundle.message_id),
        ("submitted", _when(bundle.timestamp)),
        ("last update", _when(bundle.updated_at)),
        ("account", account),
        ("sending domain", bundle.domain),
        ("sender", bundle.sender),
        ("recipient", bundle.recipient),
        ("remote server", bundle.remote_mx),
        ("remote reply", bundle.remote_reply),
        ("verdict", f"{report.verdict.code.value}: {report.verdict.headline}"),
    ]


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def bundle_message(
    report: Report, style: Style, permalink: str | None = None, *, private: bool = False
) -> Message:
    """The bundle in one code block; a value cannot close the fence or ping anyone."""
    body = safe(bundle_text(report, style, permalink)).replace("`", "'")
    room = MAX_SECTION_TEXT - 2 * len(FENCE) - 2
    text = f"{FENCE}\n{clip(body, room)}\n{FENCE}"
    where = ""
    if private:
        where = " — only you can see this copy"
    elif style.mask_recipients:
        where = " — recipient masked; the asker has the whole copy"
    blocks = [
        context_block(f":package: *Escalation bundle* for Qboxmail support{where}"),
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
    ]
    return {"text": "Escalation bundle", "blocks": fit_blocks(blocks)}
