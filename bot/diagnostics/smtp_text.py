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


_STAGES: Final[tuple[tuple[re.Pattern[str], Stage], ...]] = tuple(
    (re.compile(p, re.IGNORECASE), s)
    for p, s in (
        (r"in reply to (?:end of )?data|after (?:end of )?data|after DATA", Stage.DATA),
        (r"in reply to RCPT|after RCPT|does not like recipient", Stage.RCPT),
        (r"in reply to MAIL|after MAIL|sender was rejected", Stage.MAIL),
        (r"refused to talk to me|after initial connection|after (?:EHLO|HELO)|in reply to "
         r"(?:EHLO|HELO)|my name was rejected|greeting", Stage.CONNECT),
    )
)  # fmt: skip
# Where the remote server's own reply starts inside the reporting server's words.
_INNER: Final = re.compile(
    r"(?:the (?:error that the other server returned|response(?: from the remote server)?) was"
    r"|remote server (?:at [^']{0,120} )?returned|remote host said|reported error"
    r"|host [^\s\[]{1,255} ?\[[^\]]{1,64}\](?: said)?)[:\s]*['\"]?"
    r"|(?<=[\s,;:-])['\"](?=[245]\d\d[ -])",  # a quoted reply
    re.IGNORECASE,
)
_NOISE: Final = re.compile(
    r"\((?:in reply to|state \d)[^)]{0,80}\)"  # Postfix's and Gmail's trailers
    r"|smtp error from remote (?:mail server|mailer) after [^:]{1,40}(?::<[^>]{0,255}>)?[^:]{0,40}:"
    r"|diagnostic-code:\s*\w+\s*;|^\s*smtp\s*;"
    r"|<?[\w.+'\"=-]{1,64}@[\w.-]{1,255}>?"  # addresses
    r"|\[rcpt_to\]|[<>]",
    re.IGNORECASE,
)
# A later reply that only reports the fallout of the first ("503 need RCPT", "554 no valid
# recipients") says nothing about why the first failed.
_LINK: Final = re.compile(r"(?:https?://|www\.)([\w.-]{1,255})\S*", re.IGNORECASE)  # host kept
_FALLOUT: Final = re.compile(
    r"\s[45]\d\d(?:[ -][45]\.\d{1,3}\.\d{1,3})?[\s:-]+(?:error:\s*)?"
    r"(?:need rcpt|no valid recipients|no recipients|too many errors|need rcpt before data)"
    r".*",
    re.IGNORECASE | re.DOTALL,
)
_LEADING_CODES: Final = re.compile(
    r"^[\s#:,'\"*-]*(?:error_code\s*:)?\s*([245]\d\d)(?![\d.])[\s:,-]*"
    r"(?:error_code\s*:\s*)?#?(?:([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]))?",
    re.IGNORECASE,
)
_ENHANCED: Final = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]|\.\d)")
_SPACES: Final = re.compile(r"\s+")


def read_reply(raw: str) -> Reply:
    """The remote reply inside `raw` (already bounded by the caller)."""
    stage = next((s for pattern, s in _STAGES if pattern.search(raw)), None)
    inner = _inner(raw)
    text = (
        _SPACES.sub(" ", _FALLOUT.sub("", _NOISE.sub(" ", _LINK.sub(r" \1 ", inner))))
        .strip()
        .lower()
    )
    code, enhanced = _codes(text)
    return Reply(text, stage, code, enhanced)


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
