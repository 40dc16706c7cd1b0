"""One recipient: suppression entries and recent outcomes."""

from __future__ import annotations

from typing import Any

ID = "recipient"

DECLARATION: dict[str, Any] = {
    "id": ID,
    "title": "Recipient",
    "steps": [
        {"id": "suppression", "title": "Suppression lists", "needs": ["recipient", "suppression"],
         "check": "recipient_not_suppressed", "concludes": "not suppressed",
         "remedy": "Remove the suppression only if the recipient asked for mail again."},
        {"id": "recent", "title": "Recent outcomes (30 days)", "needs": ["recent"],
         "check": "recent_deliveries_succeed", "concludes": "the latest message was delivered",
         "remedy": "See the latest remote reply above."},
        {"id": "blast_radius", "title": "Deeper: others failing the same way (24 h)",
         "deep": True, "needs": ["recipient_blast_radius"],
         "check": "recipients_failure_is_isolated", "concludes": "nobody else failed alike",
         "remedy": "Many recipients at one domain failing alike points at the remote side."},
    ],
    "rules": [
        {"when": [{"step": "suppression", "finding": "suppressed"}], "verdict": "suppressed",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "recent", "finding": "bounced"}], "verdict": "bounced",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "recent", "finding": "suppressed"}], "verdict": "suppressed",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "recent", "status": ["warn"], "finding": "deferred"}],
         "verdict": "deferred", "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "recent", "status": ["warn"], "finding": "none"}],
         "verdict": "not_found", "headline": "{summary}",
         "next_action": "Check the address, or trace the message_id instead."},
        {"when": [{"step": "recent", "status": ["pass"], "finding": "delivered"}],
         "verdict": "delivered", "headline": "{summary}",
         "next_action": "Ask the recipient to check spam and filters."},
        {"when": [{"step": "recent", "status": ["pass"]}], "verdict": "queued",
         "headline": "{summary}", "next_action": "Check again in a few minutes."},
    ],
    "fallback": {"verdict": "unknown", "headline": "qbx could not read this recipient's history.",
                 "next_action": "See the steps marked unknown."},
}  # fmt: skip
