"""Qboxmail's guide, "Hosting domain or mailbox not active": its 4 steps, as data."""

from __future__ import annotations

from typing import Any

from bot.diagnostics.checklists.hosted import LOG_RULES, NEIGHBOURS_STEP, STATUS_RULES

ID = "hosting_inactive"

DECLARATION: dict[str, Any] = {
    "id": ID,
    "title": "Hosting domain or mailbox not active",
    "steps": [
        {"id": "status", "title": "Check the resource status and status_detail",
         "needs": ["hosting_domain", "mailbox"], "check": "resource_active",
         "concludes": "domain (and mailbox) enabled",
         "remedy": "Enable the resource, or follow its status_detail."},
        {"id": "ownership", "title": "Confirm ownership and DNS checks",
         "needs": ["hosting_domain"], "check": "ownership_and_dns_ok",
         "concludes": "ownership verified, MX and DNS checks pass",
         "remedy": "Complete the ownership check and point the MX records at Qboxmail."},
        {"id": "access", "title": "Confirm the authenticated user has access to the resource",
         "needs": ["hosting_domain", "mailbox"], "check": "resource_visible_to_token",
         "concludes": "our token can see it",
         "remedy": "Check the code, or use a token of a user who manages this resource."},
        {"id": "logs", "title": "Inspect Email log analysis access, incoming and outgoing logs",
         "needs": ["mailbox_logs", "mailbox"], "check": "mailbox_logs_clean",
         "concludes": "no failed logins, no refused mail, not full",
         "remedy": "Open the logs listed below (PDF)."},
        NEIGHBOURS_STEP,
    ],
    "rules": [
        {"when": [{"step": "access", "finding": "inconclusive"}], "verdict": "inconclusive",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "access"}], "verdict": "not_found", "headline": "{summary}",
         "next_action": "{remedy}"},
        *STATUS_RULES,
        {"when": [{"step": "ownership"}], "verdict": "domain_inactive", "headline": "{summary}",
         "next_action": "{remedy}"},
        *LOG_RULES,
        {"when": [{"step": "ownership", "status": ["warn"]}], "verdict": "degraded",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "status", "status": ["pass"]}], "verdict": "healthy",
         "headline": "Active: {summary}", "next_action": "Nothing to fix on Qboxmail's side."},
    ],
    "fallback": {"verdict": "unknown", "headline": "qbx could not read the resource's status.",
                 "next_action": "See the steps marked unknown."},
}  # fmt: skip
