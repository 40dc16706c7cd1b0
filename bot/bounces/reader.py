"""Read one message as a bounce: its kind, its failed recipients with the replies that refused
them, and the original's Message-ID. Pure and bounded; never raises on what it reads."""

from __future__ import annotations

import re
from email.message import Message
from typing import Final

from bot.bounces import cues, dsn, plain
from bot.bounces.addresses import ADDRESS, normalised
from bot.bounces.mime import Part, parse, text_of, walk
from bot.bounces.model import BounceKind, BounceReport, FailedRecipient, Reply
from bot.bounces.original import original_message_id
from bot.diagnostics.smtp import BounceReason, decode

_TAG: Final = re.compile(r"<[^>]{0,2000}>")
_SPACES: Final = re.compile(r"[ \t\r\f\v]+")


def read_bounce(data: bytes | str) -> BounceReport:
    """What `data` (a whole message, or a pasted bounce's text) says about a failed delivery."""
    raw = data.encode("utf-8", errors="replace") if isinstance(data, str) else data
    message, notes = parse(raw)
    parts = list(walk(message))
    report = plain.report_section(_report_text(parts))
    original = original_message_id(parts, report_text=_body_text(parts))
    kind, recipients = _verdict(message, parts, report)
    return BounceReport(kind, tuple(recipients), original, tuple(notes))


def _verdict(
    message: Message, parts: list[Part], report: str
) -> tuple[BounceKind, list[FailedRecipient]]:
    types = {p.content_type for p in parts if not p.quoted}
    if cues.is_feedback(message, types):
        return BounceKind.FEEDBACK, []
    listed = _dsn_recipients(parts)
    failing = [r for r in listed if r.failed]
    if failing:
        return _from_dsn(failing, report, _excluded(message))
    if listed or cues.is_auto_reply(message) or not cues.looks_like_bounce(message, report):
        kind = BounceKind.AUTO_REPLY if cues.is_auto_reply(message) else BounceKind.NOT_BOUNCE
        return kind, []
    found = _plain_recipients(message, report)
    kind = BounceKind.DELAY if cues.is_delay(message, report) else BounceKind.BOUNCE
    return kind, [_failed(f.address, _reply_of(f.block, report), f.block, report) for f in found]


def _dsn_recipients(parts: list[Part]) -> list[dsn.DsnRecipient]:
    top = [p for p in parts if not p.quoted]
    found = [r for p in top if p.content_type == "message/delivery-status"
             for r in dsn.recipients_in_part(p.message)]  # fmt: skip
    if found:
        return found
    return [r for p in top if p.content_type == "text/plain"
            for r in dsn.recipients_in_text(text_of(p.message))]  # fmt: skip


def _from_dsn(
    listed: list[dsn.DsnRecipient], report: str, excluded: frozenset[str]
) -> tuple[BounceKind, list[FailedRecipient]]:
    blocks = {f.address: f.block for f in plain.recipients_in(report, excluded)}
    recipients = [_dsn_failed(r, blocks.get(r.address, ""), report) for r in _unique(listed)]
    final = any(r.action == "failed" or (not r.action and r.status or "5")[0] == "5"
                for r in listed)  # fmt: skip
    return (BounceKind.BOUNCE if final else BounceKind.DELAY), recipients


def _unique(listed: list[dsn.DsnRecipient]) -> list[dsn.DsnRecipient]:
    seen: dict[str, dsn.DsnRecipient] = {}
    for recipient in listed:
        seen.setdefault(recipient.address, recipient)
    return list(seen.values())


def _dsn_failed(recipient: dsn.DsnRecipient, block: str, report: str) -> FailedRecipient:
    text = recipient.diagnostic or plain.reply_text(block) or plain.other_lines(block)
    reply = Reply(None, recipient.status, text)
    failed = _failed(recipient.address, reply, block, report)
    if failed.remote_host is None and recipient.remote_host:
        return _with_host(failed, recipient.remote_host)
    return failed


def _with_host(failed: FailedRecipient, host: str) -> FailedRecipient:
    return FailedRecipient(failed.address, failed.reason, failed.category, failed.permanent,
                           failed.summary, failed.reply, host.lower())  # fmt: skip


def _plain_recipients(message: Message, report: str) -> list[plain.Found]:
    found = plain.recipients_in(report, _excluded(message))
    if found:
        return found
    header = cues.header(message, "x-failed-recipients")
    return [plain.Found(normalised(m[1]), report) for m in ADDRESS.finditer(header)]


def _reply_of(block: str, report: str) -> Reply:
    return Reply(None, None, plain.reply_text(block) or plain.reply_text(report)
                 or plain.other_lines(block))  # fmt: skip


def _failed(address: str, reply: Reply, block: str, report: str) -> FailedRecipient:
    decoded = decode(reply.code, reply.enhanced, reply.text)
    reason = decoded.reason
    if cues.says_expired(block or report) or cues.says_expired(reply.text or ""):
        reason = BounceReason.EXPIRED
    return FailedRecipient(
        address=address,
        reason=reason,
        category=decoded.category,
        permanent=decoded.permanent,
        summary=decoded.summary,
        reply=Reply(decoded.code, decoded.enhanced or reply.enhanced, reply.text),
        remote_host=plain.remote_host(block) or plain.remote_host(reply.text or ""),
    )


def _excluded(message: Message) -> frozenset[str]:
    """The bounce's own sender and addressee are never its failed recipients."""
    names = ("from", "to", "return-path", "reply-to", "sender")
    found = {normalised(m[1]) for n in names for m in ADDRESS.finditer(cues.header(message, n))}
    return frozenset(found)


def _report_text(parts: list[Part]) -> str:
    """The bounce's own words: its top-level text parts (HTML without tags when only that)."""
    top = [p for p in parts if not p.quoted and p.message.get_content_maintype() == "text"]
    plain_parts = [text_of(p.message) for p in top if p.content_type == "text/plain"]
    if any(t.strip() for t in plain_parts):
        return "\n".join(plain_parts)
    return "\n".join(_untagged(text_of(p.message)) for p in top if p.content_type == "text/html")


def _body_text(parts: list[Part]) -> str:
    return "\n".join(text_of(p.message) for p in parts
                     if not p.quoted and p.message.get_content_maintype() == "text")  # fmt: skip


def _untagged(html: str) -> str:
    text = _TAG.sub(" ", re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>", "\n", html))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())
