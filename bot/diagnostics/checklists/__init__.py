"""Every checklist declaration, loaded and validated (cross-references too) at import."""

from __future__ import annotations

from typing import Any

from bot.diagnostics.checklists import (
    accepted_missing,
    health,
    hosting_inactive,
    mailbox,
    message_trace,
    recipient,
    send_rejected,
)
from bot.diagnostics.checks import CHECKS
from bot.diagnostics.declarations import ChecklistDecl, load_checklist
from bot.diagnostics.facts import FACTS

SOURCES: tuple[dict[str, Any], ...] = (
    send_rejected.DECLARATION,
    accepted_missing.DECLARATION,
    message_trace.DECLARATION,
    hosting_inactive.DECLARATION,
    recipient.DECLARATION,
    health.ACCOUNT,
    health.DOMAIN,
    mailbox.DECLARATION,
    mailbox.MANAGEMENT_ERROR,
)


def load_all() -> dict[str, ChecklistDecl]:
    """Validate every declaration against the fact catalogue and the check registry."""
    loaded = [load_checklist(data, facts=FACTS, checks=CHECKS) for data in SOURCES]
    return {decl.id: decl for decl in loaded}


CHECKLISTS: dict[str, ChecklistDecl] = load_all()
