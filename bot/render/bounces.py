"""A bounce message read -> Block Kit: per failed recipient the reason, the remote reply (escaped)
and host; addresses masked when asked. Pure."""

from __future__ import annotations

from typing import Any, Final

from bot.bounces import BounceKind, BounceReport, FailedRecipient
from bot.render.mrkdwn import Masker, safe
from bot.render.slack_limits import MAX_SECTION_TEXT, Block, clip, context_block, fit_blocks

Message = dict[str, Any]
MAX_REPLY_SHOWN: Final = 400
_NOT_FAILURES: Final = {
    BounceKind.AUTO_REPLY: "an automatic reply (out of office or similar), not a bounce: "
    "nothing failed",
    BounceKind.FEEDBACK: "an abuse feedback report (a recipient marked a message as spam), "
    "not a bounce: nothing failed to deliver",
    BounceKind.NOT_BOUNCE: "not a bounce: I found no delivery failure in it",
}


def bounce_message(report: BounceReport, *, mask: bool, traced: bool, name: str = "") -> Message:
    """The answer to a pasted or attached bounce; `traced` when its original is traced next."""
    masker = Masker(enabled=mask)
    head = _headline(report, masker, traced, name)
    blocks: list[Block] = [_section(head)]
    blocks += [_section(_recipient_text(r, masker)) for r in report.recipients]
    if report.notes:
        blocks.append(context_block(safe("; ".join(report.notes))))
    return {"text": clip(head, 3000), "blocks": fit_blocks(blocks, noun="recipients")}


def file_refused_message(name: str, why: str) -> Message:
    text = f":warning: I did not read `{safe(name[:200])}`: {safe(why)}"
    return {"text": text, "blocks": [_section(text)]}


def _headline(report: BounceReport, masker: Masker, traced: bool, name: str) -> str:
    what = f"`{safe(name[:200])}` is" if name else "This is"
    if report.kind in _NOT_FAILURES:
        return f":information_source: {what} {_NOT_FAILURES[report.kind]}."
    count = len(report.recipients)
    noun = "recipient" if count == 1 else "recipients"
    if report.kind is BounceKind.DELAY:
        line = (
            f":hourglass: {what} a delay notice: {count} {noun} not delivered yet, still retried."
        )
    else:
        line = f":x: {what} a bounce: {count} {noun} failed."
    return line + _original_line(report, masker, traced)


def _original_line(report: BounceReport, masker: Masker, traced: bool) -> str:
    original = report.original_message_id
    if not original:
        return " The bounce does not quote the original message's Message-ID."
    shown = f"`{safe(original[:250], masker)}`"
    if traced:
        return f" Original message {shown}: tracing it in Qboxmail below."
    return f" Original message {shown} is not a Qboxmail message_id, so there is nothing to trace."


def _recipient_text(recipient: FailedRecipient, masker: Masker) -> str:
    lasting = "permanent" if recipient.permanent else "temporary"
    lines = [
        f"• `{safe(recipient.address, masker)}`: *{recipient.reason.value}* "
        f"({recipient.category.value.replace('_', ' ')}, {lasting})",
        safe(recipient.summary),
    ]
    reply = recipient.reply.text
    if reply:
        lines.append(f"> {safe(' '.join(reply.split())[:MAX_REPLY_SHOWN], masker)}")
    if recipient.remote_host:
        lines.append(f"remote host: `{safe(recipient.remote_host[:255])}`")
    return "\n".join(lines)


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)}}
