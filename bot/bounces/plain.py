"""Plain-text bounce reports (Postfix, Exim, qmail, Exchange, Gmail, Yahoo, Domino, ...): the
report is cut from the quoted original, failed recipients are the addresses a report names as
such, each with its block of lines (replies.py reads the remote reply and host in it).

Rules: an address is a recipient when it leads its line (`  anna@x`, `<anna@x>:`,
`anna@x on <date>`) or follows a word that names one ("to", "recipient", "address", "for",
"user", "mailbox"); never when a header label precedes it (`To: ...` of a quoted summary) or it is
the bounce's own sender or addressee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.bounces.addresses import ADDRESS, is_system, normalised

MAX_BLOCK_LINES: Final = 20
MAX_RECIPIENTS: Final = 200
MAX_SCAN: Final = 100_000  # characters of a report searched for the start of the quoted copy
_MARKER_WORDS: Final = ("original", "copy", "return", "unsent", "undelivered", "header",
                        "rfc", "message text", "follow", "below this line")  # fmt: skip
_MARKER: Final = re.compile(
    r"(?im)^[ \t>|]*(?:(?:[-=_*#]{2,}|\[)[ \t]*[^\n]*?(?:original|copy of|returned|unsent|"
    r"undelivered message|headers?|rfc ?822|message text)[^\n]*$|"
    r"[^\n]{0,80}?(?:message headers follow|below this line is a copy|original message follows|"
    r"the original message (?:headers? )?(?:follows?|is attached)|"
    r"(?:headers|copy) of (?:the|your) (?:original )?message|here is a copy of the first part)"
    r"[^\n]*$)"
)
_HEADER_LINE: Final = re.compile(
    r"^(?:Return-Path|Received|Message-I[dD]|From|To|Subject|Date|MIME-Version|Content-Type|"
    r"DKIM-Signature|Delivered-To|Reply-To|X-[A-Za-z0-9-]+):"
)
_SENDER_NEXT: Final = re.compile(r"(?i)\b(?:sent by|sender|from)\s*:?\s*$")
_TRANSPORT_LINE: Final = re.compile(
    r"(?i)^(?:Return-Path|Received|Message-I[dD]|MIME-Version|Content-Type|DKIM-Signature|"
    r"Delivered-To|X-[A-Za-z0-9-]+):"
)
_LEADS: Final = re.compile(r"^[\s<>\"'(\[*•·|-]*$")
_NAMED_BY: Final = re.compile(
    r"(?i)(?:\b(?:to|for|recipients?|recipient\(s\)|address(?:es)?|address\(es\)|user|"
    r"userid|mailbox|rcpt))\s*[:=]?\s*[<\"'(\[]*$|(?<![Ii][Dd]):\s*[<\"'(\[]*$"
)
_LABEL: Final = re.compile(
    r"(?i)^\s*(?:to|cc|bcc|from|sender|reply-to|envelope-from|return-path|references|"
    r"in-reply-to)\s*:\s*<?$"
)
_REPLY_LINE: Final = re.compile(r"^\s*[#(]?[245]\d\d[ -]")
_STATUS_LINE: Final = re.compile(
    r"^\s*[245]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3}\s+)?<([^<>\s]+@[^<>\s]+)>\.\.\."
)
# an address alone on its line (domain and trailing marks disjoint: linear on hostile lines)
_ALONE: Final = re.compile(r"^[\s<>\"'(\[*|-]*[^\s@<>]+@[^\s<>\"')\]:]+[\s>\"')\]:]*$")


@dataclass(frozen=True)
class Found:
    """A recipient the report names, and the lines of the report about it."""

    address: str
    block: str


def report_section(text: str) -> str:
    """The report before the quoted original message (its marker or its header block)."""
    lines = text[:MAX_SCAN].splitlines(keepends=True)
    offset = 0
    for line, following in zip(lines, [*lines[1:], ""], strict=False):
        if _is_marker(line) or _header_pair(line, following):
            return text[:offset]
        offset += len(line)
    return text


def _is_marker(line: str) -> bool:
    lowered = line.lower()
    return any(word in lowered for word in _MARKER_WORDS) and bool(_MARKER.match(line))


def _header_pair(line: str, following: str) -> bool:
    """Two header lines in a row, one of them a transport header, or a transport header
    folded onto the next line: a quoted copy starts."""
    if _TRANSPORT_LINE.match(line) and following[:1] in (" ", "\t"):
        return True
    if not (_HEADER_LINE.match(line) and _HEADER_LINE.match(following)):
        return False
    return bool(_TRANSPORT_LINE.match(line) or _TRANSPORT_LINE.match(following))


def recipients_in(
    report: str, excluded: frozenset[str], known: frozenset[str] = frozenset()
) -> list[Found]:
    """The failed recipients a report names, each with its block of lines. `known`: the
    recipients a DSN already listed; the first line naming one of them starts its block."""
    lines = report.splitlines()
    anchors: list[tuple[int, str]] = []
    seen: set[str] = set()
    previous = ""
    for index, line in enumerate(lines):
        named = _known_on(line, known) if known else _listed(line, previous)
        previous = line if line.strip() else previous
        for address in named:
            if address not in seen and (bool(known) or _may_fail(address, line, excluded)):
                seen.add(address)
                anchors.append((index, address))
        if len(anchors) >= MAX_RECIPIENTS:
            break
    return [_found(lines, anchors, i) for i in range(len(anchors))]


def _may_fail(address: str, line: str, excluded: frozenset[str]) -> bool:
    """Not the bounce's own parties; a system address ("postmaster@") only when its line lists
    it alone (else it is an invitation: "send mail to postmaster@...")."""
    if address in excluded:
        return False
    return not is_system(address) or bool(_ALONE.match(line))


def _listed(line: str, previous: str) -> list[str]:
    return [] if _SENDER_NEXT.search(previous) else _named_on(line)


def _known_on(line: str, known: frozenset[str]) -> list[str]:
    if "@" not in line:
        return []
    return [a for a in (normalised(m[1]) for m in ADDRESS.finditer(line)) if a in known]


def _named_on(line: str) -> list[str]:
    if "@" not in line:
        return []
    if _REPLY_LINE.match(line):
        status = _STATUS_LINE.match(line)  # sendmail: "550 5.1.1 <anna@x>... User unknown"
        return [normalised(status[1])] if status else []
    return [normalised(m[1]) for m in ADDRESS.finditer(line) if _names(line[: m.start()])]


def _names(prefix: str) -> bool:
    if _LABEL.match(prefix):
        return False
    return bool(_LEADS.match(prefix) or _NAMED_BY.search(prefix[-60:]))


def _found(lines: list[str], anchors: list[tuple[int, str]], i: int) -> Found:
    start, address = anchors[i]
    end = anchors[i + 1][0] if i + 1 < len(anchors) else len(lines)
    if end == start:  # several recipients on one line share what follows
        later = [a for a, _ in anchors[i + 1 :] if a > start]
        end = later[0] if later else len(lines)
    end = min(end, start + MAX_BLOCK_LINES)
    return Found(address, "\n".join(lines[start:end]))


_NOTICE_ADDRESS: Final = re.compile(r'\\?"emailAddress\\?"\s*:\s*\\?"([^"\\]+)')
_NOTICE_REPLY: Final = re.compile(r'\\?"diagnosticCode\\?"\s*:\s*\\?"([^"\\]{1,1000})')


def notice_recipients(report: str) -> list[Found]:
    """A JSON bounce notification (Amazon SES through SNS): its bounced recipients."""
    if "bouncedRecipients" not in report:
        return []
    reply = _NOTICE_REPLY.search(report)
    block = reply[1] if reply else ""
    return [Found(normalised(m[1]), block) for m in _NOTICE_ADDRESS.finditer(report)]
