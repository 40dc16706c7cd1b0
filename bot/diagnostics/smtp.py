"""Decode a remote server's SMTP reply into plain words, a category and whether it is permanent.

`decode(250/421/550..., "5.1.1", text)`: codes win when specific, text cues refine catch-alls
(550, 5.7.1, 5.0.0). The decoded words are ours and safe to show; the server's own text is
returned untouched in `server_text` (untrusted: renderers escape it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.diagnostics.smtp_codes import (
    BASIC,
    CLASSES,
    CUES,
    DETAILS,
    FULL_OVERRIDES,
    GENERIC_BASIC,
    SUBJECT_CATEGORY,
    SUBJECTS,
    BounceReason,
    Cue,
    Meaning,
    SmtpCategory,
)

__all__ = ["BounceReason", "SmtpCategory", "SmtpDiagnosis", "decode"]

MAX_TEXT: Final = 2_000  # of the server's text read for cues and kept in `server_text`
_ENHANCED: Final = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})$")
_ENHANCED_IN_TEXT: Final = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]|\.\d)")
_CODE_IN_TEXT: Final = re.compile(r"^\s*([245]\d\d)(?![\d.])")
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
ACTIONS: Final[dict[SmtpCategory, str]] = {
    SmtpCategory.HARD_BOUNCE: "Check the address for typos and stop sending to it: "
    "retrying will not help.",
    SmtpCategory.SOFT_BOUNCE: "The mailbox exists but is not taking mail: ask the recipient "
    "to check it, then resend.",
    SmtpCategory.DEFERRAL: "Nothing to do yet: the message is retried automatically; "
    "check again after the next attempt.",
    SmtpCategory.POLICY: "Check the sending domain's SPF, DKIM and DMARC, the sending rate "
    "and the IP's reputation, then resend.",
    SmtpCategory.CONTENT: "Review the message's content, links and size, then resend.",
    SmtpCategory.MAILBOX_FULL: "The recipient must free space in the mailbox; then resend.",
    SmtpCategory.INFRASTRUCTURE: "A problem on the receiving side: it usually clears; "
    "escalate if it persists.",
    SmtpCategory.SUCCESS: "Nothing to do: the receiving server accepted the message.",
    SmtpCategory.UNKNOWN: "The reply does not say why: read the server's text and escalate "
    "with it if needed.",
}


@dataclass(frozen=True)
class SmtpDiagnosis:
    """One SMTP reply explained. Every field but `server_text` is qbx's own wording."""

    category: SmtpCategory
    permanent: bool
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

    @property
    def action(self) -> str:
        return ACTIONS[self.category]


def decode(code: int | None, enhanced: str | None, text: str | None) -> SmtpDiagnosis:
    """Explain one SMTP reply; any argument may be missing or malformed. Never raises."""
    raw = text[:MAX_TEXT] if isinstance(text, str) else None
    basic = _basic_code(code, raw)
    parts = _enhanced_parts(enhanced, raw)
    detail = _detail(parts)
    cue = _first_cue(raw)
    category, what = _decide(basic, parts, detail, cue)
    permanent = _permanent(basic, parts, category)
    if not permanent and category is SmtpCategory.HARD_BOUNCE:
        category = SmtpCategory.DEFERRAL  # a 4xx "unknown user" is retried, not final
    return SmtpDiagnosis(
        category=category,
        permanent=permanent,
        summary=_summary(category, what, basic, parts),
        code=basic,
        enhanced=".".join(parts) if parts else None,
        code_meaning=_code_words(basic),
        class_meaning=CLASSES[parts[0]] if parts else None,
        subject_meaning=SUBJECTS.get(parts[1]) if parts else None,
        detail_meaning=detail.words if detail else None,
        cue=cue.label if cue and what == cue.label else None,
        server_text=raw,
        reason=_REASON_OF_CATEGORY[category],
    )


# A coarse first reading; the reply reader refines the reason from codes and words.
_REASON_OF_CATEGORY: Final[dict[SmtpCategory, BounceReason]] = {
    SmtpCategory.HARD_BOUNCE: BounceReason.USER_UNKNOWN,
    SmtpCategory.SOFT_BOUNCE: BounceReason.SUSPEND,
    SmtpCategory.DEFERRAL: BounceReason.UNDEFINED,
    SmtpCategory.POLICY: BounceReason.POLICY_VIOLATION,
    SmtpCategory.CONTENT: BounceReason.CONTENT_ERROR,
    SmtpCategory.MAILBOX_FULL: BounceReason.MAILBOX_FULL,
    SmtpCategory.INFRASTRUCTURE: BounceReason.SYSTEM_ERROR,
    SmtpCategory.SUCCESS: BounceReason.DELIVERED,
    SmtpCategory.UNKNOWN: BounceReason.UNDEFINED,
}


def _basic_code(code: int | None, text: str | None) -> int | None:
    if isinstance(code, int) and not isinstance(code, bool) and 200 <= code <= 599:
        return code
    match = _CODE_IN_TEXT.match(text) if text else None
    return int(match[1]) if match else None


def _enhanced_parts(enhanced: str | None, text: str | None) -> tuple[str, str, str] | None:
    if isinstance(enhanced, str):
        match = _ENHANCED.match(enhanced.strip()[:16])
        if match:
            return _normalised(match)
    found = _ENHANCED_IN_TEXT.search(text[:200]) if text else None
    return _normalised(found) if found else None


def _normalised(match: re.Match[str]) -> tuple[str, str, str]:
    return match[1], str(int(match[2])), str(int(match[3]))


def _detail(parts: tuple[str, str, str] | None) -> Meaning | None:
    if parts is None:
        return None
    return FULL_OVERRIDES.get(".".join(parts)) or DETAILS.get(f"{parts[1]}.{parts[2]}")


def _first_cue(text: str | None) -> Cue | None:
    if not text:
        return None
    return next((cue for cue in CUES if cue.pattern.search(text)), None)


def _decide(
    basic: int | None, parts: tuple[str, str, str] | None, detail: Meaning | None, cue: Cue | None
) -> tuple[SmtpCategory, str]:
    """The category and its words: specific code > text cue > catch-all code > nothing."""
    if (basic is not None and basic < 300) or (parts is not None and parts[0] == "2"):
        return SmtpCategory.SUCCESS, _success_words(basic, detail)
    if detail is not None and detail.specific:
        return detail.category, detail.words
    basic_meaning = _basic_meaning(basic) if basic else None
    if basic_meaning is not None and basic_meaning.specific:
        return basic_meaning.category, basic_meaning.words
    if cue is not None:
        return cue.category, cue.label
    fallback = detail or _subject_meaning(parts) or basic_meaning
    if fallback is not None:
        return fallback.category, fallback.words
    return SmtpCategory.UNKNOWN, "the reply gave no code or recognisable reason"


def _success_words(basic: int | None, detail: Meaning | None) -> str:
    if basic is not None and basic in BASIC:
        return BASIC[basic].words
    return detail.words if detail else "accepted"


def _code_words(basic: int | None) -> str | None:
    meaning = _basic_meaning(basic) if basic is not None else None
    return meaning.words if meaning else None


def _basic_meaning(basic: int) -> Meaning | None:
    return BASIC.get(basic) or GENERIC_BASIC.get(str(basic)[0])


def _subject_meaning(parts: tuple[str, str, str] | None) -> Meaning | None:
    if parts is None or parts[1] not in SUBJECTS:
        return None
    return Meaning(SUBJECTS[parts[1]], SUBJECT_CATEGORY[parts[1]], specific=False)


def _permanent(
    basic: int | None, parts: tuple[str, str, str] | None, category: SmtpCategory
) -> bool:
    """5xx / class 5 is permanent, 4xx / class 4 is not; without codes, the category decides."""
    if basic is not None:
        return basic >= 500
    if parts is not None:
        return parts[0] == "5"
    return category in (SmtpCategory.HARD_BOUNCE, SmtpCategory.CONTENT)


def _summary(
    category: SmtpCategory, what: str, basic: int | None, parts: tuple[str, str, str] | None
) -> str:
    codes = " ".join(c for c in (str(basic) if basic else "", ".".join(parts or ())) if c)
    where = f" ({codes})" if codes else ""
    return f"{_LABELS[category]}: {what}{where}. {ACTIONS[category]}"
