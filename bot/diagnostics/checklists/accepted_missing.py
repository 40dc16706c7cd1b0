"""Qboxmail's guide, "Message accepted but not found in final delivery logs": 6 steps."""

from __future__ import annotations

from typing import Any

ID = "accepted_missing"

DECLARATION: dict[str, Any] = {
    "id": ID,
    "title": "Message accepted but not found in final delivery logs",
    "steps": [
        {"id": "accepted", "title": "Confirm the request returned 202 Accepted",
         "needs": ["ledger", "entry"], "check": "request_returned_202",
         "concludes": "the Send API answered 202", "remedy": "Find the response the app received."},
        {"id": "searched", "title": "Store and search by request_id and message_id",
         "needs": ["located"], "check": "message_in_final_logs",
         "concludes": "the message is in the final delivery logs",
         "remedy": "Give the recipient and the date to widen the search."},
        {"id": "domain", "title": "Check account/domain assignment and DNS verification",
         "needs": ["sending_domain", "sender_domain", "account"], "check": "domain_verified",
         "concludes": "assigned, DNS-verified, approved", "remedy": "Verify the domain."},
        {"id": "suppression", "title": "Check suppression-list behavior",
         "needs": ["recipient", "suppression"], "check": "recipient_not_suppressed",
         "concludes": "the recipient is not suppressed", "remedy": "Check the suppression list."},
        {"id": "account", "title": "Check Delivery account status and quota",
         "needs": ["account"], "check": "account_enabled_with_quota",
         "concludes": "enabled with quota", "remedy": "Re-enable the account or add quota."},
        {"id": "escalate", "title": "If the issue persists, contact support",
         "needs": ["entry", "recipient", "ledger", "target"], "check": "escalation_bundle_ready",
         "concludes": "the bundle support asks for is complete",
         "remedy": "Send Qboxmail support the bundle below."},
    ],
    "rules": [
        {"when": [{"step": "searched", "finding": "beyond_retention"}],
         "verdict": "beyond_retention", "headline": "Older than TraceMail's 30-day history.",
         "next_action": "Escalate to Qboxmail support with the bundle below."},
        {"when": [{"step": "suppression", "finding": "suppressed"}], "verdict": "suppressed",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "account", "finding": "inactive"}], "verdict": "account_inactive",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "account", "finding": "quota"}], "verdict": "rejected_quota",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "domain", "finding": "not_verified"}], "verdict": "domain_not_verified",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "domain", "finding": "not_assigned"}], "verdict": "rejected_domain",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "searched", "finding": "inconclusive"}], "verdict": "inconclusive",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "searched", "status": ["warn"], "finding": "queued"}],
         "verdict": "queued", "headline": "{summary}", "next_action": "Check again later."},
    ],
    "fallback": {"verdict": "not_found",
                 "headline": "Accepted, not in the final logs; nothing above explains it.",
                 "next_action": "Contact Qboxmail support with the escalation bundle below."},
}  # fmt: skip
