"""Hosting domains and mailboxes, and Email log analysis (access, incoming, outgoing, PDF)."""

from __future__ import annotations

from bot.simulator.call import Call, Handler
from bot.simulator.responses import Resources, not_found


async def _todo(call: Call) -> Resources:
    raise not_found()


HANDLERS: dict[str, Handler] = dict.fromkeys(
    (
        "hosting_domains",
        "hosting_domain",
        "mailboxes",
        "mailbox",
        "log_access",
        "log_incoming",
        "log_outgoing",
        "message_folder",
        "log_pdf",
    ),
    _todo,
)
