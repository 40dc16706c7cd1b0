"""Decode a remote server's SMTP reply: why the message failed (a reason in Sisimai's
vocabulary), qbx's category, whether the address itself is dead, plain words and what to do.

`decode(550, "5.1.1", text)` sets the reporting server's wrapper aside and reads the remote
reply (smtp_reading.py says how); a bounce reader adds what it read around the reply (the SMTP
stage, the report's Status) as keyword arguments. The decoded words are ours and safe to show;
the server's own text is returned untouched in `server_text` (untrusted: renderers escape it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final

from bot.diagnostics.smtp_codes import CLASSES, DETAILS, FULL_OVERRIDES, SUBJECTS
from bot.diagnostics.smtp_codes import BounceReason as BounceReason
from bot.diagnostics.smtp_codes import SmtpCategory as SmtpCategory
from bot.diagnostics.smtp_cues import says_temporary
from bot.diagnostics.smtp_reading import Parts, Reading, basic_meaning, read_reason, reply_class
from bot.diagnostics.smtp_reasons import REASONS, action_of, category_of, is_permanent
from bot.diagnostics.smtp_text import Reply, Stage, read_reply

__all__ = ["BounceReason", "SmtpCategory", "SmtpDiagnosis", "Stage", "decode", "read_as"]

MAX_TEXT: Final = 2_000  # of the server's text read for cues and kept in `server_text`
_ENHANCED: Final = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})$")
_LABELS: Final[dict[SmtpCategory, str]] = {
    SmtpCategory.HARD_BOUNCE: "Hard bounce",
    SmtpCategory.SOFT_BOUNCE: "Soft bounce",
    SmtpCategory.DEFERRAL: "Deferred",
    SmtpCategory.POLICY: "Refused by policy",
    SmtpCategory.CONTENT: "Refused for its content",
    SmtpCategory.MAILBOX_FULL: "Mailbox full",
    SmtpCategory.INFRASTRUCTURE: "Server or network problem",
    SmtpCategory.SUCCESS: "Accepted",
    SmtpCategory.UNKNOWN: "Unexplained failure",
}


@dataclass(frozen=True)
class SmtpDiagnosis:
    """One SMTP reply explained. Every field but `server_text` is qbx's own wording."""

    category: SmtpCategory
    permanent: bool  # a hard bounce: the address cannot receive mail, retrying will not help
    summary: str  # "<category>: <what happened> (<codes>). <what to do>"
    code: int | None = None  # the basic code used (given, or read from the text)
    enhanced: str | None = None  # the enhanced code used, "5.1.1"
    code_meaning: str | None = None  # the basic code's meaning
    class_meaning: str | None = None  # RFC 3463 class (2 / 4 / 5)
    subject_meaning: str | None = None  # RFC 3463 subject (X.1 addressing, ...)
    detail_meaning: str | None = None  # the full enhanced code's meaning when known
    cue: str | None = None  # what the server's text said, in our words, when it decided
    server_text: str | None = None  # the raw server text, bounded: UNTRUSTED
    reason: BounceReason = BounceReason.UNDEFINED  # Sisimai's vocabulary
    temporary: bool = False  # a 4xx reply: the sending server retries

    @property
    def action(self) -> str:
        return action_of(self.reason, self.temporary)


def decode(
    code: int | None,
    enhanced: str | None,
    text: str | None,
    *,
    stage: Stage | None = None,
    status: str | None = None,
) -> SmtpDiagnosis:
    """Explain one SMTP reply; any argument may be missing or malformed. Never raises.
    `stage`: the SMTP step the reply answered, when the caller read it around the text;
    `status`: the reporting server's final status (a DSN's `Status:`), used when neither
    `enhanced` nor the text carries an enhanced code."""
    raw = text[:MAX_TEXT] if isinstance(text, str) else None
    reply = _staged(read_reply(raw) if raw else None, stage)
    parts = _enhanced_parts(enhanced, reply) or _enhanced_parts(status, None)
    basic = _basic_code(code, parts, reply)
    reading = read_reason(basic, parts, reply)
    klass = reply_class(basic, parts)
    temporary = klass == "4" or (klass is None and reply is not None and says_temporary(reply.text))
    category = category_of(reading.reason, temporary)
    found = basic_meaning(basic)
    return SmtpDiagnosis(
        category=category,
        permanent=is_permanent(reading.reason, temporary),
        summary=_summary(category, reading, basic, parts, temporary),
        code=basic,
        enhanced=".".join(parts) if parts else None,
        code_meaning=found.words if found else None,
        class_meaning=CLASSES[parts[0]] if parts else None,
        subject_meaning=SUBJECTS.get(parts[1]) if parts else None,
        detail_meaning=_detail_words(parts),
        cue=reading.cue.label if reading.cue else None,
        server_text=raw,
        reason=reading.reason,
        temporary=temporary,
    )


def read_as(diagnosis: SmtpDiagnosis, reason: BounceReason) -> SmtpDiagnosis:
    """The same reply read as `reason`, which the caller knows from around it (a bounce that
    says the sender gave up: `expired`); category, permanence and words follow the reason."""
    if reason is diagnosis.reason:
        return diagnosis
    category = category_of(reason, diagnosis.temporary)
    reading = Reading(reason, REASONS[reason].words)
    parts = _enhanced_parts(diagnosis.enhanced, None)
    return replace(
        diagnosis,
        reason=reason,
        category=category,
        permanent=is_permanent(reason, diagnosis.temporary),
        summary=_summary(category, reading, diagnosis.code, parts, diagnosis.temporary),
        cue=None,
    )


def _staged(reply: Reply | None, stage: Stage | None) -> Reply | None:
    """The stage the caller knows, where the text's own wrapper names none."""
    if not isinstance(stage, Stage) or (reply is not None and reply.stage is not None):
        return reply
    return replace(reply, stage=stage) if reply else Reply("", stage, None, None)


def _basic_code(code: int | None, enhanced: Parts | None, reply: Reply | None) -> int | None:
    """The given code, else one read at the start of the reply unless the given enhanced code
    (the final status) is of another class: then the text is an earlier reply's transcript."""
    if isinstance(code, int) and not isinstance(code, bool) and 200 <= code <= 599:
        return code
    found = reply.code if reply else None
    if found is not None and enhanced is not None and str(found)[0] != enhanced[0]:
        return None
    return found


def _enhanced_parts(enhanced: str | None, reply: Reply | None) -> Parts | None:
    """The given code, unless it is a filler (X.0.0) and the text carries a real one."""
    given = _ENHANCED.match(enhanced.strip()[:16]) if isinstance(enhanced, str) else None
    parts = (given[1], str(int(given[2])), str(int(given[3]))) if given else None
    found = reply.enhanced if reply else None
    if parts is None or (parts[1:] == ("0", "0") and found and found[0] == parts[0]):
        return found or parts
    return parts


def _detail_words(parts: Parts | None) -> str | None:
    if parts is None:
        return None
    known = FULL_OVERRIDES.get(".".join(parts)) or DETAILS.get(f"{parts[1]}.{parts[2]}")
    return known.words if known else None


def _summary(
    category: SmtpCategory, reading: Reading, basic: int | None, parts: Parts | None, temp: bool
) -> str:
    codes = " ".join(c for c in (str(basic) if basic else "", ".".join(parts or ())) if c)
    where = f" ({codes})" if codes else ""
    return f"{_LABELS[category]}: {reading.words}{where}. {action_of(reading.reason, temp)}"
