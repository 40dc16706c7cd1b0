"""What the two hosted-resource checklists (hosting_inactive, mailbox) share, declared once."""

from __future__ import annotations

from typing import Any

NEIGHBOURS_STEP: dict[str, Any] = {
    "id": "neighbours", "title": "Deeper: the domain's other mailboxes", "deep": True,
    "needs": ["domain_mailboxes", "mailbox", "hosting_domain"],
    "check": "other_mailboxes_active",
    "concludes": "the other mailboxes are fine: the problem is this one",
    "remedy": "When every mailbox is affected, fix the domain (status, MX, ownership).",
}  # fmt: skip

STATUS_RULES: tuple[dict[str, Any], ...] = (
    {"when": [{"step": "status", "finding": "domain_inactive"}], "verdict": "domain_inactive",
     "headline": "{summary}", "next_action": "{remedy}"},
    {"when": [{"step": "status", "finding": "mailbox_inactive"}], "verdict": "mailbox_inactive",
     "headline": "{summary}", "next_action": "{remedy}"},
)  # fmt: skip

LOG_RULES: tuple[dict[str, Any], ...] = (
    {"when": [{"step": "logs", "finding": "quota_full"}], "verdict": "mailbox_inactive",
     "headline": "{summary}", "next_action": "{remedy}"},
    {"when": [{"step": "logs", "status": ["warn"]}], "verdict": "degraded",
     "headline": "{summary}", "next_action": "{remedy}"},
)  # fmt: skip
