"""The bounced original's Message-ID: from its attached copy (message/rfc822 or
text/rfc822-headers), else from headers quoted in the report's text."""

from __future__ import annotations

import re
from email.message import Message
from typing import Final

from bot.bounces.mime import Part, headers_in, text_of

_QUOTED_ID: Final = re.compile(r"(?im)^[ \t>]*Message-I[dD][ \t]*:[ \t]*\n?[ \t]*<?([^\s<>]+)>?")
_HEADER_PARTS: Final = frozenset({"text/rfc822-headers", "message/rfc822-headers"})


def original_message_id(parts: list[Part], report_text: str) -> str | None:
    """The first Message-ID found, attached copies first, without its angle brackets."""
    for part in parts:
        found = _attached_id(part)
        if found:
            return found
    match = _QUOTED_ID.search(report_text)
    return _clean(match[1]) if match else None


def _attached_id(part: Part) -> str | None:
    if part.quoted:
        return None
    if part.content_type == "message/rfc822":
        inner = part.message.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return _clean(str(inner[0].get("message-id", "")))
        return _from_text(str(inner))
    if part.content_type in _HEADER_PARTS:
        return _clean(str(headers_in(text_of(part.message)).get("message-id", "")))
    return None


def _from_text(text: str) -> str | None:
    match = _QUOTED_ID.search(text[:200_000])
    return _clean(match[1]) if match else None


def _clean(value: str) -> str | None:
    cleaned = value.strip().strip("<>").strip()
    return cleaned if "@" in cleaned and len(cleaned) <= 250 else None
