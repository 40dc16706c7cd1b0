"""Slack's Block Kit limits, the cutting that keeps a message inside them, and a checker. Pure.

Limits as enforced by slack_sdk's block models and Slack (see shared/reference/slack-platform.md
items 21-25). `TEXT_BUDGET` keeps the summed block text well below the undocumented ~12k cap.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Final

MAX_BLOCKS: Final = 50
MAX_SECTION_TEXT: Final = 3000
MAX_FIELD_TEXT: Final = 2000
MAX_FIELDS: Final = 10
MAX_HEADER: Final = 150
MAX_ACTIONS: Final = 25
MAX_CONTEXT_ELEMENTS: Final = 10
MAX_ID: Final = 255
MAX_BUTTON_TEXT: Final = 75
MAX_BUTTON_VALUE: Final = 2000
MAX_URL: Final = 3000
MAX_TOP_TEXT: Final = 40_000
TEXT_BUDGET: Final = 10_000

Block = dict[str, Any]
ELLIPSIS: Final = "…"


def clip(text: str, limit: int) -> str:
    """Cut `text` to `limit` characters, marking the cut; never splits an `&amp;` entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def and_more(count: int, noun: str) -> str:
    return f"{ELLIPSIS}and {count} more {noun}"


def block_text_length(block: Mapping[str, Any]) -> int:
    """Characters of text a block carries (what counts against Slack's message budget)."""
    return sum(len(t) for t in _texts(block))


def fit_blocks(
    blocks: list[Block], *, noun: str = "items", budget: int = TEXT_BUDGET
) -> list[Block]:
    """Keep leading blocks while they fit 50 blocks and the text budget; say how many were cut."""
    kept: list[Block] = []
    used = 0
    for index, block in enumerate(blocks):
        size = block_text_length(block)
        room_for_note = len(blocks) - index > 1
        if len(kept) >= MAX_BLOCKS - (1 if room_for_note else 0) or used + size > budget - 60:
            kept.append(context_block(and_more(len(blocks) - index, noun)))
            return kept
        kept.append(block)
        used += size
    return kept


def context_block(text: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)}],
    }


# --- the checker -------------------------------------------------------------------------------


def validate_blocks(message: Mapping[str, Any]) -> list[str]:
    """Every way `message` (a chat.postMessage/update/postEphemeral body) breaks Slack's limits."""
    problems: list[str] = []
    blocks = _decode_blocks(message.get("blocks"), problems)
    text = message.get("text")
    if blocks and not text:
        problems.append("blocks without a top-level text fallback")
    if isinstance(text, str) and len(text) > MAX_TOP_TEXT:
        problems.append(f"top-level text {len(text)} > {MAX_TOP_TEXT}")
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks > {MAX_BLOCKS}")
    total = 0
    for index, block in enumerate(blocks):
        problems.extend(f"block {index}: {p}" for p in _check_block(block))
        total += block_text_length(block)
    if total > TEXT_BUDGET:
        problems.append(f"block text {total} > budget {TEXT_BUDGET}")
    return problems


def _decode_blocks(raw: Any, problems: list[str]) -> list[Block]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = json.loads(raw)
    if not isinstance(raw, list) or not all(isinstance(b, dict) for b in raw):
        problems.append("blocks is not a list of objects")
        return []
    return raw


def _check_block(block: Block) -> list[str]:
    problems = _too_long("block_id", block.get("block_id"), MAX_ID)
    kind = block.get("type")
    if kind == "section":
        problems += _check_section(block)
    elif kind == "header":
        problems += _check_header(block)
    elif kind == "actions":
        problems += _check_actions(block.get("elements", []))
    elif kind == "context":
        elements = block.get("elements", [])
        if not 1 <= len(elements) <= MAX_CONTEXT_ELEMENTS:
            problems.append(f"context has {len(elements)} elements")
        problems += [
            p for e in elements for p in _too_long("context", e.get("text"), MAX_SECTION_TEXT)
        ]
    elif kind != "divider":
        problems.append(f"unexpected block type {kind!r}")
    return problems


def _check_section(block: Block) -> list[str]:
    text = block.get("text") or {}
    fields = block.get("fields") or []
    problems = _too_long("section text", text.get("text"), MAX_SECTION_TEXT)
    if not text and not fields:
        problems.append("section with neither text nor fields")
    if len(fields) > MAX_FIELDS:
        problems.append(f"{len(fields)} fields > {MAX_FIELDS}")
    problems += [p for f in fields for p in _too_long("field", f.get("text"), MAX_FIELD_TEXT)]
    if "accessory" in block:
        problems += _check_actions([block["accessory"]])
    return problems


def _check_header(block: Block) -> list[str]:
    text = block.get("text") or {}
    problems = _too_long("header", text.get("text"), MAX_HEADER)
    if text.get("type") != "plain_text":
        problems.append("header text must be plain_text")
    return problems


def _check_actions(elements: list[Block]) -> list[str]:
    problems = [] if 1 <= len(elements) <= MAX_ACTIONS else [f"{len(elements)} action elements"]
    for element in elements:
        label = (element.get("text") or {}).get("text")
        problems += _too_long("button text", label, MAX_BUTTON_TEXT)
        problems += _too_long("button value", element.get("value"), MAX_BUTTON_VALUE)
        problems += _too_long("action_id", element.get("action_id"), MAX_ID)
        problems += _too_long("url", element.get("url"), MAX_URL)
    return problems


def _too_long(what: str, value: Any, limit: int) -> list[str]:
    if isinstance(value, str) and len(value) > limit:
        return [f"{what} {len(value)} > {limit}"]
    return []


def _texts(node: Any) -> Iterable[str]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)
