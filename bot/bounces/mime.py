"""Bounded MIME reading: the standard library's parser on at most MAX_BYTES, a bounded walk
that never decodes attachments, and the text of the parts a person would read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesParser, HeaderParser
from typing import Final

MAX_BYTES: Final = 1_000_000  # read of any input: the report comes before attachments
MAX_CONTAINERS: Final = 40  # multipart and message/* parts parsed; the rest is left as text
MAX_DEPTH: Final = 6  # nested message/rfc822 levels walked
MAX_PARTS: Final = 200
MAX_TEXT: Final = 200_000  # characters of one text part
_TYPE: Final = re.compile(r"[\w.+-]+/[\w.+-]+")
_CONTAINER: Final = re.compile(rb"(?im)^content-type:[ \t]*(?:multipart|message)/")


@dataclass(frozen=True)
class Part:
    """One leaf or container of the walk; `quoted` when inside the bounced original."""

    message: Message
    depth: int
    quoted: bool

    @property
    def content_type(self) -> str:
        found = _TYPE.match(self.message.get_content_type())  # tolerate a broken header
        return found[0] if found else "text/plain"


def parse(data: bytes) -> tuple[Message, list[str]]:
    """The message, and notes on what was cut to keep reading bounded."""
    notes: list[str] = []
    if len(data) > MAX_BYTES:
        data = data[:MAX_BYTES]
        notes.append(f"only the first {MAX_BYTES // 1000} KB were read")
    data = _fewer_containers(data, notes)
    try:
        return BytesParser(policy=policy.compat32).parsebytes(data), notes
    except (RecursionError, ValueError, LookupError):
        notes.append("the MIME structure could not be read; headers only")
        return BytesParser(policy=policy.compat32).parsebytes(data, headersonly=True), notes


def _fewer_containers(data: bytes, notes: list[str]) -> bytes:
    """Cut before the container past MAX_CONTAINERS, so nesting cannot exhaust the parser."""
    for count, match in enumerate(_CONTAINER.finditer(data), start=1):
        if count > MAX_CONTAINERS:
            notes.append("too many nested parts; the innermost were not read")
            return data[: match.start()]
    return data


def walk(message: Message) -> Iterator[Part]:
    """Every part, depth first, at most MAX_PARTS and MAX_DEPTH message/* levels deep."""
    stack = [Part(message, 0, quoted=False)]
    seen = 0
    while stack and seen < MAX_PARTS:
        part = stack.pop()
        seen += 1
        yield part
        stack.extend(reversed(_children(part)))


def _children(part: Part) -> list[Part]:
    payload = part.message.get_payload()
    if not isinstance(payload, list) or part.content_type == "message/delivery-status":
        return []
    nested = part.message.get_content_maintype() == "message"
    depth = part.depth + 1 if nested else part.depth
    if depth > MAX_DEPTH:
        return []
    quoted = part.quoted or nested
    return [Part(m, depth, quoted) for m in payload if isinstance(m, Message)]


def text_of(message: Message) -> str:
    """A text part decoded (transfer encoding and charset), bounded; '' for anything else."""
    if message.is_multipart():
        return ""
    raw = message.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return ""
    charset = message.get_content_charset() or "utf-8"
    try:
        return raw[: MAX_TEXT * 2].decode(charset, errors="replace")[:MAX_TEXT]
    except LookupError:
        return raw[: MAX_TEXT * 2].decode("utf-8", errors="replace")[:MAX_TEXT]


def headers_in(text: str) -> Message:
    """A header block given as text (text/rfc822-headers, or a quoted copy)."""
    return HeaderParser(policy=policy.compat32).parsestr(text[:MAX_TEXT], headersonly=True)
