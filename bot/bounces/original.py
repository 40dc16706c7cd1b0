"""The bounced original's Message-ID: from its attached copy (message/rfc822 or
text/rfc822-headers), else from headers quoted in the report's text."""

from __future__ import annotations

import quopri
import re
from email.message import Message
from typing import Final

from bot.bounces.addresses import ADDRESS, normalised
from bot.bounces.mime import Part, headers_in, text_of

_QUOTED_ID: Final = re.compile(r"(?im)^[ \t>]*Message-I[dD][ \t]*:[ \t]*\n?[ \t]*<?([^\s<>]+)>?")
_QUOTED_TO: Final = re.compile(r"(?im)^[ \t>]*To[ \t]*:[ \t]*((?:.*)(?:\n[ \t]+.*)*)")
MAX_QUOTED: Final = 200_000
_SOFT_BREAK_TAIL: Final = re.compile(r"\r?\n([^\s<>]+)")
_HEADER_PARTS: Final = frozenset({"text/rfc822-headers", "message/rfc822-headers"})


def original_message_id(parts: list[Part], *texts: str) -> str | None:
    """The first Message-ID found, attached copies first, then quoted in `texts` in turn;
    without its angle brackets."""
    for part in parts[1:]:
        found = _attached_id(part)
        if found:
            return found
    for text in texts:
        found = _quoted_id(text[:MAX_QUOTED])
        if found:
            return found
    return None


def _quoted_id(text: str) -> str | None:
    """`Message-ID: <...>` in text; a quoted-printable soft break inside the id is joined."""
    match = _QUOTED_ID.search(text)
    if match is None:
        return None
    value = match[1]
    if value.endswith("="):
        tail = _SOFT_BREAK_TAIL.match(text, match.end(1))
        value = value[:-1] + tail[1] if tail else value
    return _clean(value)


def _attached_id(part: Part) -> str | None:
    if part.quoted:
        return None
    if part.content_type == "message/rfc822":
        inner = part.message.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return _id_of(inner[0])
        decoded = part.message.get_payload(decode=True)
        raw = decoded.decode("utf-8", "replace") if isinstance(decoded, bytes) else str(inner)
        return _from_text(raw)
    if part.message.get("message-id"):
        return _id_of(part.message)  # a copy attached as a part of its own, headers and all
    if part.content_type in _HEADER_PARTS:
        return _clean(str(headers_in(text_of(part.message)).get("message-id", "")))
    return None


def _id_of(inner: Message) -> str | None:
    """The copy's Message-ID; a copy whose headers were sent quoted-printable is decoded."""
    found = str(inner.get("message-id", "")).strip()
    if not found.endswith("="):
        return _clean(found)
    text = quopri.decodestring(inner.as_bytes()[:MAX_QUOTED]).decode("utf-8", "replace")
    return _clean(str(headers_in(text).get("message-id", "")))


def original_recipients(quoted_text: str) -> list[str]:
    """The `To:` addresses of the quoted original (the last resort for a terse report)."""
    match = _QUOTED_TO.search(quoted_text[:MAX_QUOTED])
    return [normalised(m[1]) for m in ADDRESS.finditer(match[1])] if match else []


def _from_text(text: str) -> str | None:
    return _quoted_id(text[:MAX_QUOTED])


def _clean(value: str) -> str | None:
    cleaned = value.strip().strip("<>").strip()
    return cleaned if "@" in cleaned and len(cleaned) <= 250 else None
