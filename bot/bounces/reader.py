"""Read one message as a bounce: its kind, its failed recipients with the replies that refused
them, and the original's Message-ID. Pure and bounded; never raises on what it reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from email.message import Message
from typing import Final

from bot.bounces import cues, dsn, plain, replies
from bot.bounces.addresses import ADDRESS, normalised
from bot.bounces.mime import MAX_TEXT, Part, parse, text_of, walk
from bot.bounces.model import BounceKind, BounceReport, FailedRecipient, Reply
from bot.bounces.original import original_message_id, original_recipients
from bot.diagnostics.smtp import BounceReason, SmtpDiagnosis, Stage, decode, read_as
from bot.diagnostics.smtp_text import stage_in

_TAG: Final = re.compile(r"<[^>]{0,2000}>")
_SPACES: Final = re.compile(r"[ \t\r\f\v]+")
_MIME_LINE: Final = re.compile(r"(?i)^(?:--|content-[\w-]+:|\s*boundary=)")


def read_bounce(data: bytes | str) -> BounceReport:
    """What `data` (a whole message, or a pasted bounce's text) says about a failed delivery."""
    raw = data.encode("utf-8", errors="replace") if isinstance(data, str) else data
    message, notes = parse(raw)
    parts = list(walk(message))
    text = _report_text(parts)
    report = plain.report_section(text)
    original = original_message_id(parts, text[len(report) :], text, _body_text(parts))
    kind, recipients = _verdict(message, parts, text, report)
    return BounceReport(kind, tuple(recipients), original, tuple(notes))


def _verdict(
    message: Message, parts: list[Part], text: str, report: str
) -> tuple[BounceKind, list[FailedRecipient]]:
    types = {p.content_type for p in parts if not p.quoted}
    if cues.is_feedback(message, types, text):
        return BounceKind.FEEDBACK, []
    listed = _dsn_recipients(parts, text)
    failing = [r for r in listed if r.failed]
    if failing:
        return _from_dsn(failing, report, _excluded(message))
    if listed or cues.is_auto_reply(message) or not cues.looks_like_bounce(message, report):
        kind = BounceKind.AUTO_REPLY if cues.is_auto_reply(message) else BounceKind.NOT_BOUNCE
        return kind, []
    found = _plain_recipients(message, report) or _quoted_recipients(message, text, report)
    kind = BounceKind.DELAY if cues.is_delay(message, report) else BounceKind.BOUNCE
    gave_up = cues.says_expired(report)
    return kind, [_plain_failed(f, report, gave_up) for f in found]


def _plain_failed(found: plain.Found, report: str, gave_up: bool) -> FailedRecipient:
    around = Around(found.block, gave_up, stage_in(found.block.lower()), report=report)
    return _failed(found.address, _reply_of(found.block, report), around)


def _dsn_recipients(parts: list[Part], text: str) -> list[dsn.DsnRecipient]:
    top = [p for p in parts if not p.quoted]
    found = [r for p in top if p.content_type == "message/delivery-status"
             for r in dsn.recipients_in_part(p.message)]  # fmt: skip
    if found:
        return found
    return dsn.recipients_in_text(text)


def _from_dsn(
    listed: list[dsn.DsnRecipient], report: str, excluded: frozenset[str]
) -> tuple[BounceKind, list[FailedRecipient]]:
    # the report's own block about each recipient: words when the fields are terse, and the
    # wrapper around the reply (the SMTP stage) that the Diagnostic-Code field leaves out
    known = frozenset(r.address for r in listed)
    blocks = {f.address: f.block for f in plain.recipients_in(report, excluded, known)}
    gave_up = cues.says_expired(report)
    recipients = [_dsn_failed(r, blocks.get(r.address, ""), gave_up, report)
                  for r in _unique(listed)]  # fmt: skip
    final = any(_final(r) for r in listed)
    return (BounceKind.BOUNCE if final else BounceKind.DELAY), recipients


def _final(recipient: dsn.DsnRecipient) -> bool:
    """Failed for good: "Action: failed", or no action and a status that is not 4.x.x."""
    if recipient.action:
        return recipient.action == "failed"
    return not (recipient.status or "").startswith("4")


def _unique(listed: list[dsn.DsnRecipient]) -> list[dsn.DsnRecipient]:
    seen: dict[str, dsn.DsnRecipient] = {}
    for recipient in listed:
        seen.setdefault(recipient.address, recipient)
    return list(seen.values())


def _dsn_failed(
    recipient: dsn.DsnRecipient, block: str, gave_up: bool, report: str
) -> FailedRecipient:
    around = Around(
        block=block,
        gave_up=gave_up or _gave_up(recipient),
        stage=stage_in((recipient.diagnostic or "").lower()) or stage_in(block.lower()),
        status=recipient.status,
        local_program=recipient.diagnostic_type == "x-unix",
        report=report,
    )
    failed = _failed(recipient.address, _dsn_reply(recipient, block, report), around)
    host = recipient.remote_host or replies.remote_host(recipient.diagnostic or "") or None
    return replace(failed, remote_host=host.lower() if host else failed.remote_host)


def _dsn_reply(recipient: dsn.DsnRecipient, block: str, report: str) -> Reply:
    """The Diagnostic-Code's reply, else the report's words about the recipient; read whole."""
    diagnostic = recipient.diagnostic
    quoted = (replies.reply_text(diagnostic) or diagnostic) if diagnostic else None
    quoted = quoted or replies.reply_text(block)
    text = replies.whole(quoted, report) if quoted else replies.words_about(block)
    return Reply(None, None, text)


def _gave_up(recipient: dsn.DsnRecipient) -> bool:
    """Failed for good on a temporary status: the sender stopped retrying (RFC 3464)."""
    return recipient.action == "failed" and (recipient.status or "").startswith("4")


def _plain_recipients(message: Message, report: str) -> list[plain.Found]:
    found = plain.notice_recipients(report) or plain.recipients_in(report, _excluded(message))
    if found:
        return found
    header = cues.header(message, "x-failed-recipients")
    return [plain.Found(normalised(m[1]), report) for m in ADDRESS.finditer(header)]


def _quoted_recipients(message: Message, text: str, report: str) -> list[plain.Found]:
    excluded = _excluded(message)
    named = original_recipients(text[len(report) :])
    return [plain.Found(a, report) for a in named if a not in excluded]


def _reply_of(block: str, report: str) -> Reply:
    quoted = replies.reply_text(block) or replies.reply_text(report)
    return Reply(None, None, replies.whole(quoted, report) if quoted
                 else replies.words_about(block))  # fmt: skip


@dataclass(frozen=True)
class Around:
    """What the report says around one recipient's reply."""

    block: str  # the report's lines about the recipient ("" when it has none)
    gave_up: bool  # the report says the sender stopped retrying
    stage: Stage | None = None  # the SMTP step the reply answered, from the report's words
    status: str | None = None  # the DSN's Status field
    local_program: bool = False  # the reply is a local delivery program's (X-Unix), not SMTP
    report: str = ""  # the whole report, where a session transcript may say more


def _failed(address: str, reply: Reply, around: Around) -> FailedRecipient:
    """One recipient's reply decoded in its report's context; sendmail's own summary line
    ("554 <x>... Service unavailable") read with the transcript lines before it."""
    earlier = replies.said_before(reply.text, around.report) if reply.text else None
    if earlier:
        reply = replace(reply, text=f"{earlier} {reply.text}"[: replies.MAX_REPLY])
    decoded = decode(reply.code, reply.enhanced, reply.text,
                     stage=around.stage, status=around.status)  # fmt: skip
    decoded = read_as(decoded, _reason(decoded, around, reply.text or ""))
    return FailedRecipient(
        address=address,
        reason=decoded.reason,
        category=decoded.category,
        permanent=decoded.permanent,
        summary=decoded.summary,
        reply=Reply(decoded.code, decoded.enhanced or reply.enhanced, reply.text),
        remote_host=replies.remote_host(around.block) or replies.remote_host(reply.text or ""),
        temporary=decoded.temporary,
    )


def _reason(decoded: SmtpDiagnosis, around: Around, text: str) -> BounceReason:
    """What the report's structure adds where the reply's own words name no reason: a local
    delivery program's failure is the mailer's; a report that says the sender gave up, and a
    reply that says nothing, is `expired`."""
    if around.local_program and decoded.cue is None:
        return BounceReason.MAILER_ERROR
    if decoded.reason is BounceReason.UNDEFINED and _expired(around, text):
        return BounceReason.EXPIRED
    return decoded.reason


def _expired(around: Around, text: str) -> bool:
    return around.gave_up or cues.says_expired(around.block) or cues.says_expired(text)


def _excluded(message: Message) -> frozenset[str]:
    """The bounce's own sender and addressee are never its failed recipients."""
    names = ("from", "to", "return-path", "reply-to", "sender")
    found = {normalised(m[1]) for n in names for m in ADDRESS.finditer(cues.header(message, n))}
    return frozenset(found)


def _report_text(parts: list[Part]) -> str:
    """The bounce's own words: its top-level text parts (HTML without tags when only that),
    or the raw body of a multipart whose boundary could not be read."""
    top = [p for p in parts if not p.quoted]
    plain_parts = [_readable(p) for p in top if p.content_type == "text/plain"]
    plain_parts += [_unparsed(p.message) for p in top if p.message.is_multipart() is False
                    and p.message.get_content_maintype() == "multipart"]  # fmt: skip
    if any(t.strip() for t in plain_parts):
        return _unquoted("\n".join(plain_parts))
    html = [_untagged(text_of(p.message)) for p in top if p.content_type == "text/html"]
    return _unquoted("\n".join(html))


def _readable(part: Part) -> str:
    return text_of(part.message)


def _unparsed(message: Message) -> str:
    payload = message.get_payload()
    text = payload[:MAX_TEXT] if isinstance(payload, str) else ""
    return "\n".join(line for line in text.splitlines() if not _MIME_LINE.match(line))


def _unquoted(text: str) -> str:
    """A forwarded report quoted with "> " read as the report itself."""
    lines = text.splitlines()
    quoted = sum(1 for line in lines if line.startswith(">"))
    if quoted * 2 < sum(1 for line in lines if line.strip()):
        return text
    return "\n".join(line[1:].removeprefix(" ") if line.startswith(">") else line
                     for line in lines)  # fmt: skip


def _body_text(parts: list[Part]) -> str:
    return "\n".join(text_of(p.message) for p in parts
                     if not p.quoted and p.message.get_content_maintype() == "text")  # fmt: skip


def _untagged(html: str) -> str:
    text = _TAG.sub(" ", re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>", "\n", html))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())
