"""Plain-text bounce reports (Postfix, Exim, qmail, Exchange, Gmail, Yahoo, Domino, ...): the
report is cut from the quoted original, failed recipients are the addresses a report names as
such, and each recipient's block yields the remote reply and host.

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
MAX_REPLY_SCAN: Final = 6_000  # characters of a whole report searched for a reply
_MARKER_WORDS: Final = ("original", "copy", "return", "unsent", "undelivered", "header",
                        "rfc", "message text", "follow", "below this line")  # fmt: skip
MAX_REPLY: Final = 1_000
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
_CODE: Final = re.compile(
    r"(?:(?<![\w.:/=-])|(?<=\s:))#?([245]\d\d)(?=[ ,-]+(?:[245]\.\d|[A-Za-z<#\"'(\[]))"
)
_SAID: Final = re.compile(
    r"(?i)(?:said|returned was|error was|reason|diagnostic(?:-code)?|smtp error|"
    r"error message)\s*:\s*"
)
_RELAYED: Final = re.compile(
    r"[245]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3}\s+)?<[^<>\s]{1,300}>\.\.\.\s*(?=[245]\d\d\b)"
)
_NEW_LINE_OF_TRANSCRIPT: Final = re.compile(
    r"^(?:<<<|>>>|while talking to|(?:[245]\d\d )?\S+ \([a-z]+\)\.\.\.|[245]\d\d [<\S]+\.\.\.)",
    re.IGNORECASE,
)
_CONTINUED: Final = re.compile(r"^\s*[245]\d\d[- ](?:[245]\.\d{1,3}\.\d{1,3})?\s*")
_DATED: Final = re.compile(r"(?i)^\W*on\s+(?:[a-z]{3},?\s+)?\d{1,2}\s+[a-z]{3}\s+\d{4}.*")
_OPEN_ENDED: Final = re.compile(r"^\s*([245]\d\d)-")
MAX_QUOTES: Final = 4  # places in a report where a cut reply is looked for whole
_FIRST_CODES: Final = re.compile(r"^\s*([245]\d\d)[ -](?:([245]\.\d{1,3}\.\d{1,3})[ -]?\s*)?")
_ALONE: Final = re.compile(r"^[\s<>\"'(\[*|-]*[^\s@<>]+@[^\s<>]+[\s>\"')\]:]*$")
_WORDS: Final = re.compile(r"[^\W\d_]{2,}")
_HOST: Final = re.compile(
    r"(?i)(?:\bhost\s+\[?([a-z0-9][a-z0-9.-]*\.[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})\]?|"
    r"\b([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+)\s*\[\d{1,3}(?:\.\d{1,3}){3}\]|"
    r"connected to\s+(\d{1,3}(?:\.\d{1,3}){3}))"
)


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


def reply_text(block: str) -> str | None:
    """The remote reply in a block: from its first SMTP code, else after "said:", bounded."""
    block = block[:MAX_REPLY_SCAN]
    code = _failure_code(block)
    if code:
        start = code.start(1)
        relayed = _RELAYED.match(block, start)  # sendmail: "554 <x>... 550 Host unknown"
        return _joined(block[relayed.end() if relayed else start :])
    said = _SAID.search(block)
    if said:
        return _joined(block[said.end() :]) or None
    return None


def _failure_code(block: str) -> re.Match[str] | None:
    """The first 4xx/5xx code (a greeting or "250 Ok" before it is not the refusal)."""
    first = None
    for found in _CODE.finditer(block):
        if found[1][0] in "45":
            return found
        first = first or found
    return first


def unfolded(reply: str) -> str:
    """A multi-line reply read as one: later lines' prefixes ("550-5.7.1", "550 5.7.1"), which
    wrapping can leave mid-line, removed when they repeat the first line's codes."""
    first = _FIRST_CODES.match(reply)
    if first is None:
        return reply
    codes = f"{first[1]} {first[2]}" if first[2] else first[1]
    rest = reply[first.end() :]
    if first[1] in rest:
        again = re.escape(first[1]) + r"[ -]" + (re.escape(first[2]) + r"\s+" if first[2] else "")
        rest = re.sub(r"(?<=\s)" + again, "", rest)
    return f"{codes} {rest}".strip()


def whole(reply: str, report: str) -> str:
    """A reply as one line of text: completed from the report's transcript, then unfolded."""
    return unfolded(completed(reply, report))


def completed(reply: str, report: str) -> str:
    """A reply cut after its first line ("552-5.7.0 ...": more lines were to follow) read whole
    from the session transcript, when the report quotes one."""
    first = _OPEN_ENDED.match(reply)
    if first is None or len(reply) < 20:
        return reply
    start = report.find(reply[:60])
    for _ in range(MAX_QUOTES):
        if start < 0:
            return reply
        lines = _continued_lines(report[start : start + MAX_REPLY_SCAN], first[1])
        if len(lines) > 1:
            return unfolded(" ".join(lines))[:MAX_REPLY]
        start = report.find(reply[:60], start + 1)
    return reply


def _continued_lines(text: str, code: str) -> list[str]:
    """The lines of one multi-line reply (transcript marks "<<<" removed), to its last line."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.lstrip("<> \t")
        if not line.startswith(code):
            break
        lines.append(line.strip())
        if line[3:4] != "-":
            break
    return lines


def _joined(text: str) -> str:
    """The reply's lines up to a blank line, multi-line prefixes (`550-5.7.1`) folded."""
    lines: list[str] = []
    for number, line in enumerate(text.splitlines()):
        if not line.strip() or (number and _NEW_LINE_OF_TRANSCRIPT.match(line)):
            if lines:
                break
            continue
        lines.append(line.strip() if number == 0 else _CONTINUED.sub("", line).strip())
    return " ".join(lines)[:MAX_REPLY].strip()


def remote_host(block: str) -> str | None:
    match = _HOST.search(block)
    if match is None:
        return None
    return next(g for g in match.groups() if g).lower().rstrip(".")


def words_about(block: str) -> str | None:
    """A block's words when it quotes no reply. Words after the address on its line are about
    it ("anna@x: Envelope expired"); else the line's lead-in ("Invalid userid: anna@x",
    "Could not be delivered to: <anna@x>") and the lines after it ("As their mailbox is full")."""
    lines = block.splitlines() or [""]
    found = ADDRESS.search(lines[0])
    after = _DATED.sub("", lines[0][found.end() :]) if found else ""
    own = " ".join(ADDRESS.sub(" ", lines[0]).split())
    if len(_WORDS.findall(after)) >= 2:
        return own[:MAX_REPLY]
    rest = [line.strip() for line in lines[1:] if _WORDS.search(line)]
    said = " ".join([own, *rest]) if _WORDS.search(own) else " ".join(rest)
    return said.strip()[:MAX_REPLY] or None


_NOTICE_ADDRESS: Final = re.compile(r'\\?"emailAddress\\?"\s*:\s*\\?"([^"\\]+)')
_NOTICE_REPLY: Final = re.compile(r'\\?"diagnosticCode\\?"\s*:\s*\\?"([^"\\]{1,1000})')


def notice_recipients(report: str) -> list[Found]:
    """A JSON bounce notification (Amazon SES through SNS): its bounced recipients."""
    if "bouncedRecipients" not in report:
        return []
    reply = _NOTICE_REPLY.search(report)
    block = reply[1] if reply else ""
    return [Found(normalised(m[1]), block) for m in _NOTICE_ADDRESS.finditer(report)]
