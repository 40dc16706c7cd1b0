"""Reading what qbx sent to Slack: which payloads reach a channel, what a reader sees in them,
and any address left unmasked."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from tests.slack.standin import Call

CHANNEL_METHODS = (
    "chat.postMessage",
    "chat.update",
    "files.getUploadURLExternal",
    "files.completeUploadExternal",
)
ADDRESS = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
UUID_LOCAL = re.compile(r"^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}@")
EMOJI = re.compile(r":[a-z0-9_+-]+:")
ENTITY = re.compile(r"&(?:amp|lt|gt);")


def channel_bound(calls: Iterable[Call]) -> list[Call]:
    """Everything qbx sent that members of a channel can read (not ephemeral, not modals)."""
    return [c for c in calls if c.method in CHANNEL_METHODS and c.status == 200]


def unmasked_addresses(call: Call, allowed: set[str]) -> set[str]:
    """Addresses in a payload (plain or URL-encoded) that are neither masked nor allowed."""
    text = unquote(json.dumps(_decoded(call.args), ensure_ascii=False))
    found = {m.group(0).lower().lstrip("'") for m in ADDRESS.finditer(text)}
    return {a for a in found if a not in allowed and not UUID_LOCAL.match(a)}


def _decoded(value: Any) -> Any:
    """Arguments with JSON-encoded strings (`files`, `blocks`) decoded, so that an escaped
    character (a masked `\\u2026@domain`) reads as the reader sees it."""
    if isinstance(value, dict):
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return _decoded(json.loads(value))
        except ValueError:
            return value
    return value


def visible_text(blocks: list[dict[str, Any]]) -> list[str]:
    """Every piece of text a reader sees in blocks: sections, fields, context, buttons."""
    out: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            out.append(str(text.get("text", "")))
        for element in block.get("elements") or []:
            inner = element.get("text")
            out.append(str(inner.get("text", "") if isinstance(inner, dict) else inner or ""))
        out += [str(item.get("text", "")) for item in block.get("fields") or []]
    return [t for t in out if t]


def size(call: Call) -> tuple[int, int]:
    """Characters (an emoji shortcode or an escaped `&lt;` shows as one) and lines."""
    texts = [ENTITY.sub("&", EMOJI.sub("e", t)) for t in visible_text(call.blocks)]
    return sum(len(t) for t in texts), sum(t.count("\n") + 1 for t in texts)
