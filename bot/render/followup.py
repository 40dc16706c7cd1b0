"""The follow-up features' own Block Kit: the 👎's why modal and a result's watch line. Pure.

The follow-up buttons themselves are built with every other button, in bot/render/buttons.py.
"""

from __future__ import annotations

from typing import Any, Final

from bot.render.buttons import ACTION_UNWATCH, ACTION_WATCH, button
from bot.render.modals import input_block, modal
from bot.render.slack_limits import Block, context_block

WHY_CALLBACK: Final = "qbx_feedback_why"
WHY_BLOCK: Final = "why"
WHY_MAX: Final = 200
Message = dict[str, Any]


def why_modal(private_metadata: str) -> Block:
    """The private question after a 👎: one line of why."""
    field = {
        "type": "plain_text_input",
        "action_id": WHY_BLOCK,
        "max_length": WHY_MAX,
        "placeholder": {"type": "plain_text", "text": "e.g. it was delivered, the log shows it"},
    }
    label = "One line of why (only qbx's admins see it)"
    return modal(WHY_CALLBACK, "What was wrong?", [input_block(WHY_BLOCK, label, field)],
                 metadata=private_metadata, submit="Send", close="Skip")  # fmt: skip


def with_watch_line(message: Message, line: str, stop_value: str | None) -> Message:
    """The result with a context line about its watch (before the buttons); while watching,
    *Stop watching* replaces *Watch*; once ended, neither is shown."""
    blocks = [dict(b) for b in message["blocks"]]
    at = next((i for i, b in enumerate(blocks) if b.get("type") == "actions"), len(blocks))
    if at < len(blocks):
        elements = [e for e in blocks[at]["elements"] if e.get("action_id") != ACTION_WATCH]
        if stop_value is not None:
            elements.insert(0, button("Stop watching", ACTION_UNWATCH, stop_value))
        blocks[at] = {**blocks[at], "elements": elements}
    blocks.insert(at, context_block(line))
    return {**message, "blocks": blocks}
