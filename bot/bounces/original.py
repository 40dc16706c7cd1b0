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
_HEADER_PARTS: Final = frozenset({"text/rfc822-headers", "message/rfc822-headers"})


def original_message_id(parts: list[Part], quoted_text: str) -> str | None:
    """The first Message-ID found, attached copies first, without its angle brackets."""
    for part in parts[1:]:
        found = _attached_id(part)
        if found:
            return found
    match = _QUOTED_ID.search(quoted_text)
    return _clean(match[1]) if match else None


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
    if part.message.get("content-type") is None and part.message.get("message-id"):
        return _id_of(part.message)  # a copy attached without a Content-Type of its own
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
    match = _QUOTED_ID.search(text[:MAX_QUOTED])
    return _clean(match[1]) if match else None


def _clean(value: str) -> str | None:
    cleaned = value.strip().strip("<>").strip()
    return cleaned if "@" in cleaned and len(cleaned) <= 250 else None
