"""The remote reply in a bounce report's words about one recipient: from its first SMTP code,
multi-line replies read whole, sendmail's own summary line read with the transcript before it,
and the remote host; a recipient line's own words when no reply is quoted."""

from __future__ import annotations

import re
from typing import Final

from bot.bounces.addresses import ADDRESS

MAX_REPLY_SCAN: Final = 6_000  # characters of a whole report searched for a reply
MAX_REPLY: Final = 1_000
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
_SUMMARY: Final = re.compile(r"^\s*[45]\d\d <[^<>\s]{1,300}>\.\.\. ")
_TRANSCRIPT_EDGE: Final = re.compile(
    r"(?i)^\s*(?:>>>|-{3,}|while talking to|[45]\d\d <[^<>\s]{1,300}>\.\.\. )"
)
MAX_SAID_LINES: Final = 6
_OPEN_ENDED: Final = re.compile(r"^\s*([245]\d\d)-")
MAX_QUOTES: Final = 4  # places in a report where a cut reply is looked for whole
_FIRST_CODES: Final = re.compile(r"^\s*([245]\d\d)[ -](?:([245]\.\d{1,3}\.\d{1,3})[ -]?\s*)?")
_WORDS: Final = re.compile(r"[^\W\d_]{2,}")
_HOST: Final = re.compile(
    r"(?i)(?:\bhost\s+\[?([a-z0-9][a-z0-9.-]*\.[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})\]?|"
    r"\b([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+)\s*\[\d{1,3}(?:\.\d{1,3}){3}\]|"
    r"connected to\s+(\d{1,3}(?:\.\d{1,3}){3}))"
)


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


def said_before(reply: str, report: str) -> str | None:
    """Sendmail closes a recipient's transcript with its own summary ("554 <anna@x>... Service
    unavailable"); the lines just before it, back to the command sent, hold what the remote
    server ("<<< 501 ...") or the local mailer ("mail.local: unknown user") said."""
    if not _SUMMARY.match(reply):
        return None
    at = report.find(reply[:40])
    if at < 0:
        return None
    line_start = report.rfind("\n", 0, at) + 1
    said: list[str] = []
    for line in reversed(report[max(0, line_start - MAX_REPLY) : line_start].splitlines()):
        if not line.strip() or _TRANSCRIPT_EDGE.match(line) or len(said) >= MAX_SAID_LINES:
            break
        said.append(line.lstrip("< \t").strip())
    return " ".join(reversed(said))[:MAX_REPLY] or None
