"""Decide why a reply failed: plain words beat any code, a specific code beats vague words,
vague words beat a catch-all code (550, 5.7.1, a filler X.0.0 gives way to the basic code),
and the SMTP stage the wrapper names settles what is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.diagnostics.smtp_codes import (
    BASIC,
    DETAILS,
    FULL_OVERRIDES,
    GENERIC_BASIC,
    SUBJECT_REASON,
    SUBJECTS,
    BounceReason,
    Meaning,
)
from bot.diagnostics.smtp_cues import STRONG, WEAK, Cue, first_cue
from bot.diagnostics.smtp_text import Reply, Stage

R = BounceReason
Parts = tuple[str, str, str]


@dataclass(frozen=True)
class Reading:
    reason: BounceReason
    words: str  # what happened, in our words
    cue: Cue | None = None  # the server's words that decided, when they did


def reply_class(basic: int | None, parts: Parts | None) -> str | None:
    """ "2", "4" or "5": the basic code's class, else the enhanced code's."""
    if basic is not None:
        return str(basic)[0]
    return parts[0] if parts else None


def read_reason(basic: int | None, parts: Parts | None, reply: Reply | None) -> Reading:
    if reply_class(basic, parts) == "2":
        return Reading(R.DELIVERED, _success_words(basic))
    text = reply.text if reply else ""
    strong = first_cue(text, STRONG) if text else None
    coded = code_meaning(basic, parts)
    if strong is None and coded is not None and coded.specific:
        reading = Reading(coded.reason, coded.words)
    else:
        cue = strong or (first_cue(text, WEAK) if text else None)
        reading = _from_cue(cue, basic) if cue else _from_code(coded)
    return _in_context(reading, strong is not None, parts, reply.stage if reply else None)


def code_meaning(basic: int | None, parts: Parts | None) -> Meaning | None:
    """The enhanced code's meaning (full code, subject.detail, then subject), else the basic
    code's, which is always a catch-all."""
    if parts is not None:
        known = FULL_OVERRIDES.get(".".join(parts)) or DETAILS.get(f"{parts[1]}.{parts[2]}")
        if known is not None and known.reason is not R.UNDEFINED:
            return known
        if known is None and parts[1] in SUBJECT_REASON:
            return Meaning(SUBJECTS[parts[1]], SUBJECT_REASON[parts[1]], specific=False)
    found = basic_meaning(basic)
    return Meaning(found.words, found.reason, specific=False) if found else None


def basic_meaning(basic: int | None) -> Meaning | None:
    if basic is None:
        return None
    return BASIC.get(basic) or GENERIC_BASIC.get(str(basic)[0])


def _success_words(basic: int | None) -> str:
    found = basic_meaning(basic)
    return found.words if found else "accepted"


def _from_cue(cue: Cue, basic: int | None) -> Reading:
    reason = cue.replied if cue.replied and basic is not None else cue.reason
    return Reading(reason, cue.label, cue)


def _from_code(coded: Meaning | None) -> Reading:
    if coded is None:
        return Reading(R.UNDEFINED, "the reply gave no code or recognisable reason")
    return Reading(coded.reason, coded.words)


# Readings that, at MAIL FROM, are about the sender's address rather than the recipient's.
_SENDER_SIDE: Final = frozenset(
    {R.USER_UNKNOWN, R.HOST_UNKNOWN, R.FILTERED, R.HAS_MOVED, R.SYNTAX_ERROR, R.UNDEFINED}
)


def _in_context(reading: Reading, plain: bool, parts: Parts | None, stage: Stage | None) -> Reading:
    """What the stage and the code's subject add: an unknown address at MAIL FROM is the
    sender's; a vague refusal at the greeting is of the sending host; a plain 'user unknown'
    under a policy or mailbox-status code, or after DATA (when the address had been accepted),
    is a filter's answer."""
    if stage is Stage.MAIL and reading.reason in _SENDER_SIDE:
        return Reading(R.REJECTED, "the sender address was refused", reading.cue)
    if stage is Stage.CONNECT and not plain:
        return Reading(R.BLOCKED, "the sending host was refused when it connected")
    filtered = stage is Stage.DATA or _refused_by_rule(parts)
    if reading.reason is R.USER_UNKNOWN and plain and filtered:
        return Reading(R.FILTERED, "a filter at the recipient refused it", reading.cue)
    return reading


def _refused_by_rule(parts: Parts | None) -> bool:
    """A policy code (X.7.*) or a mailbox-status code with no detail (X.2.0: the mailbox exists
    and refused): 'user unknown' under them is a filter's cover, not a directory's answer."""
    return parts is not None and (parts[1] == "7" or parts[1:] == ("2", "0"))
