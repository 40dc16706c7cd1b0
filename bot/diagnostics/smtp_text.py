"""Take a quoted SMTP reply apart: the reporting server's wrapper words, the SMTP stage they
name, the remote server's own reply inside them, and the codes at the reply's start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Stage(StrEnum):
    """The SMTP step the reply answered, when the wrapper says."""

    CONNECT = "connect"  # the greeting, HELO/EHLO: the sending host itself was refused
    MAIL = "mail"  # MAIL FROM: the sender was refused
    RCPT = "rcpt"
    DATA = "data"  # after the content was sent: the recipient had been accepted


@dataclass(frozen=True)
class Reply:
    text: str  # the remote server's words, wrapper, addresses and links removed, lower case
    stage: Stage | None
    code: int | None  # a basic code found at the start of the remote reply
    enhanced: tuple[str, str, str] | None  # an enhanced code found near the start


# Every pattern below reads lower-cased text.
_STAGES: Final[tuple[tuple[re.Pattern[str], Stage], ...]] = tuple(
    (re.compile(p), s)
    for p, s in (
        (r"in reply to (?:end of )?data|after (?:end of )?data", Stage.DATA),
        (r"in reply to rcpt|after rcpt|does not like recipient", Stage.RCPT),
        (r"in reply to mail|after mail|sender was rejected", Stage.MAIL),
        (r"refused to talk to me|after initial connection|after (?:ehlo|helo)|in reply to "
         r"(?:ehlo|helo)|my name was rejected|greeting|(?:helo|ehlo) command rejected",
         Stage.CONNECT),
    )
)  # fmt: skip
_STAGE_KEYS: Final = ("reply to", "after ", "does not like", "was rejected", "refused to talk",
                      "greeting", "command rejected")  # fmt: skip
# Where the remote server's own reply starts inside the reporting server's words.
_INNER: Final = re.compile(
    r"(?:the (?:error that the other server returned|response(?: from the remote server)?) was"
    r"|remote server (?:at [^']{0,120} )?returned|remote host said|reported error"
    r"|host [^\s\[]{1,255} ?\[[^\]]{1,64}\](?: said)?)[:\s]*['\"]?"
    r"|['\"](?<=[\s,;:-]['\"])(?=[245]\d\d[ -])"  # a quoted reply
)
_TRAILERS: Final = re.compile(r"\((?:in reply to|state \d)[^)]{0,80}\)")  # Postfix's, Gmail's
_EXIM: Final = re.compile(
    r"smtp error from remote (?:mail server|mailer) after [^:]{1,40}(?::<[^>]{0,255}>)?[^:]{0,40}:"
)
_MARKUP: Final = re.compile(r"diagnostic-code:\s*\w+\s*;|^\s*smtp\s*;")
_LINK: Final = re.compile(r"(?:https?://|www\.)([\w.-]{1,255})\S*")  # the host is kept
# A later reply that only reports the fallout of the first ("503 need RCPT", "554 no valid
# recipients") says nothing about why the first failed.
_FALLOUT: Final = re.compile(
    r"\s[45]\d\d(?:[ -][45]\.\d{1,3}\.\d{1,3})?[\s:-]+(?:error:\s*)?"
    r"(?:need rcpt|no valid recipients|no recipients|too many errors)"
    r".*",
    re.DOTALL,
)
_LEADING_CODES: Final = re.compile(
    r"^[\s#:,'\"*-]*(?:error_code\s*:)?\s*([245]\d\d)(?![\d.])[\s:,-]*"
    r"(?:error_code\s*:\s*)?#?(?:([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]))?"
)
_ENHANCED: Final = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]|\.\d)")
# (pattern, replacement, a substring without which the pattern cannot match)
_CLEANING: Final[tuple[tuple[re.Pattern[str], str, str], ...]] = (
    (_LINK, r" \1 ", "://"),
    (_LINK, r" \1 ", "www."),
    (_TRAILERS, " ", "("),
    (_EXIM, " ", "smtp error"),
    (_MARKUP, " ", "smtp"),
    (_FALLOUT, "", ""),
)


def read_reply(raw: str) -> Reply:
    """The remote reply inside `raw` (already bounded by the caller)."""
    lowered = raw.lower()
    stage = stage_in(lowered)
    text = _inner(lowered)
    for pattern, replacement, needed in _CLEANING:
        if needed in text:
            text = pattern.sub(replacement, text)
    text = _without_addresses(text.replace("<", " ").replace(">", " ").replace("[rcpt_to]", " "))
    code, enhanced = _codes(text)
    return Reply(text, stage, code, enhanced)


def stage_in(lowered: str) -> Stage | None:
    """The SMTP stage that a reporting server's words (lower case) name, if any."""
    if not any(map(lowered.__contains__, _STAGE_KEYS)):
        return None
    return next((stage for pattern, stage in _STAGES if pattern.search(lowered)), None)


def _without_addresses(text: str) -> str:
    """Addresses (their local parts read like words: "mailboxfull@...") dropped; spaces
    normalised."""
    words = text.split()
    if "@" in text:
        words = [word for word in words if "@" not in word]
    return " ".join(words)


def _inner(raw: str) -> str:
    """The text after the wrapper phrase that introduces the remote server's reply."""
    found = _INNER.search(raw)
    if found is None or not raw[found.end() :].strip():
        return raw
    return raw[found.end() :]


def _codes(text: str) -> tuple[int | None, tuple[str, str, str] | None]:
    leading = _LEADING_CODES.match(text)
    code = int(leading[1]) if leading else None
    if leading and leading[2]:
        return code, _parts(leading[2], leading[3], leading[4])
    found = _ENHANCED.search(text, 0, 200)
    return code, _parts(found[1], found[2], found[3]) if found else None


def _parts(klass: str, subject: str, detail: str) -> tuple[str, str, str]:
    return klass, str(int(subject)), str(int(detail))
