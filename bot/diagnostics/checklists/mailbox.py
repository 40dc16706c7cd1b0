"""A hosted mailbox: one day of Email log analysis and which folder a message landed in."""

from __future__ import annotations

from typing import Any

from bot.diagnostics.checklists.hosted import LOG_RULES, NEIGHBOURS_STEP, STATUS_RULES

ID = "mailbox"
MANAGEMENT_ERROR_ID = "management_error"

DECLARATION: dict[str, Any] = {
    "id": ID,
    "title": "Mailbox",
    "steps": [
        {"id": "status", "title": "Mailbox status", "needs": ["hosting_domain", "mailbox"],
         "check": "resource_active", "concludes": "domain and mailbox enabled",
         "remedy": "Enable the mailbox, or follow its status_detail."},
        {"id": "visible", "title": "Our token can see it", "needs": ["hosting_domain", "mailbox"],
         "check": "resource_visible_to_token", "concludes": "visible",
         "remedy": "Check the address, or use a token that manages the domain."},
        {"id": "space", "title": "Quota", "needs": ["mailbox"], "check": "mailbox_has_space",
         "concludes": "room for new mail", "remedy": "Free space or raise the quota."},
        {"id": "logs", "title": "One day of access, incoming and outgoing logs",
         "needs": ["mailbox_logs", "mailbox"], "check": "mailbox_logs_clean",
         "concludes": "no failed logins or refused mail", "remedy": "Open the logs listed (PDF)."},
        {"id": "folder", "title": "Which folder the message landed in",
         "needs": ["message_folder"], "check": "message_in_inbox",
         "concludes": "it is in INBOX", "remedy": "Look in that folder; adjust spam filters."},
        NEIGHBOURS_STEP,
    ],
    "rules": [
        {"when": [{"step": "visible", "finding": "inconclusive"}], "verdict": "inconclusive",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "visible"}], "verdict": "not_found", "headline": "{summary}",
         "next_action": "{remedy}"},
        *STATUS_RULES,
        {"when": [{"step": "space"}], "verdict": "mailbox_inactive", "headline": "{summary}",
         "next_action": "{remedy}"},
        *LOG_RULES,
        {"when": [{"step": "status", "status": ["pass"]}], "verdict": "healthy",
         "headline": "The mailbox is active: {summary}", "next_action": "Nothing to fix."},
    ],
    "fallback": {"verdict": "unknown", "headline": "qbx could not read the mailbox.",
                 "next_action": "See the steps marked unknown."},
}  # fmt: skip

MANAGEMENT_ERROR: dict[str, Any] = {
    "id": MANAGEMENT_ERROR_ID,
    "title": "Management API validation error",
    "steps": [
        {"id": "fields", "title": "Explain each refused field", "needs": ["target"],
         "check": "pasted_fields_valid", "concludes": "no field problems",
         "remedy": "Correct each field as described."},
    ],
    "rules": [
        {"when": [{"step": "fields"}], "verdict": "rejected_payload", "headline": "{summary}",
         "next_action": "{remedy}"},
    ],
    "fallback": {"verdict": "unknown", "headline": "No field errors could be read.",
                 "next_action": "Paste the whole response body."},
}  # fmt: skip
