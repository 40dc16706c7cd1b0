"""Modals, one shape for all of them (the trace form, Narrow the search, a 👎's why): a title,
submit and close labels, the metadata carried back on submission, and input blocks."""

from __future__ import annotations

from collections.abc import Sequence

from bot.render.slack_limits import Block


def modal(
    callback_id: str, title: str, blocks: Sequence[Block], *, metadata: str,
    submit: str, close: str,
) -> Block:  # fmt: skip
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata,
        "title": _plain(title),
        "submit": _plain(submit),
        "close": _plain(close),
        "blocks": list(blocks),
    }


def input_block(block_id: str, label: str, element: Block, *, optional: bool = False) -> Block:
    return {"type": "input", "block_id": block_id, "optional": optional,
            "label": _plain(label), "element": element}  # fmt: skip


def _plain(text: str) -> Block:
    return {"type": "plain_text", "text": text}
