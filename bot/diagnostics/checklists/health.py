"""Account or domain health: status, quota, dashboard alerts, 7 days of rates in bands."""

from __future__ import annotations

from typing import Any

ACCOUNT_ID = "account_health"
DOMAIN_ID = "domain_health"

_RATES = [
    {
        "id": "bounce_rate",
        "title": "Bounce rate, 7 days (good < 0.5 %, critical > 1 %)",
        "needs": ["stats"],
        "check": "bounce_rate_good",
        "concludes": "in the good band",
        "remedy": "Remove bouncing addresses; check list sources.",
    },
    {
        "id": "suppressed_rate",
        "title": "Suppressed rate, 7 days (stable < 0.5 %, at risk > 1 %)",
        "needs": ["stats"],
        "check": "suppressed_rate_good",
        "concludes": "in the stable band",
        "remedy": "Stop sending to suppressed addresses; check complaint sources.",
    },
    {
        "id": "alerts",
        "title": "Delivery dashboard alerts",
        "needs": ["dashboard", "target"],
        "check": "no_dashboard_alerts",
        "concludes": "no warning on the dashboard",
        "remedy": "Read the dashboard's alerts.",
    },
]
_RATES.insert(
    1,
    {
        "id": "bounce_now",
        "title": "Bounces among the newest messages (a spike hides in 7 days)",
        "needs": ["recent_sample"],
        "check": "no_bounce_spike_now",
        "concludes": "no bounce spike right now",
        "remedy": "Find what changed: a list import, a campaign, a remote outage (try --deep).",
    },
)
_RULES_TAIL = [
    {
        "when": [{"step": "bounce_now"}],
        "verdict": "degraded",
        "headline": "{summary}",
        "next_action": "{remedy}",
    },
    {
        "when": [{"step": "bounce_now", "status": ["warn"]}],
        "verdict": "degraded",
        "headline": "{summary}",
        "next_action": "{remedy}",
    },
    {
        "when": [{"step": "bounce_rate"}],
        "verdict": "degraded",
        "headline": "{summary}",
        "next_action": "{remedy}",
    },
    {
        "when": [{"step": "suppressed_rate"}],
        "verdict": "degraded",
        "headline": "{summary}",
        "next_action": "{remedy}",
    },
    {
        "when": [{"step": "bounce_rate", "status": ["warn"]}],
        "verdict": "degraded",
        "headline": "{summary}",
        "next_action": "{remedy}",
    },
    {
        "when": [{"step": "suppressed_rate", "status": ["warn"]}],
        "verdict": "degraded",
        "headline": "{summary}",
        "next_action": "{remedy}",
    },
    {
        "when": [{"step": "alerts", "status": ["warn"]}],
        "verdict": "degraded",
        "headline": "{summary}",
        "next_action": "{remedy}",
    },
    {
        "when": [
            {"step": "bounce_rate", "status": ["pass"]},
            {"step": "suppressed_rate", "status": ["pass"]},
        ],
        "verdict": "healthy",
        "headline": "Healthy: {summary}",
        "next_action": "Nothing to fix.",
    },
]
_FALLBACK = {
    "verdict": "unknown",
    "headline": "qbx could not read enough to judge its health.",
    "next_action": "See the steps marked unknown.",
}

ACCOUNT: dict[str, Any] = {
    "id": ACCOUNT_ID,
    "title": "Account health",
    "steps": [
        {"id": "status", "title": "Status and remaining quota", "needs": ["account"],
         "check": "account_enabled_with_quota", "concludes": "enabled with quota",
         "remedy": "Re-enable the account or add quota."},
        *_RATES,
        {"id": "tokens_used", "title": "Deeper: tokens and their last use", "deep": True,
         "needs": ["tokens", "now", "account_id"], "check": "tokens_recently_used",
         "concludes": "a token was used recently", "remedy": "Check which token the app uses."},
    ],
    "rules": [
        {"when": [{"step": "status", "finding": "inactive"}], "verdict": "account_inactive",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "status", "finding": "quota"}], "verdict": "rejected_quota",
         "headline": "{summary}", "next_action": "{remedy}"},
        *_RULES_TAIL,
    ],
    "fallback": _FALLBACK,
}  # fmt: skip

DOMAIN: dict[str, Any] = {
    "id": DOMAIN_ID,
    "title": "Domain health",
    "steps": [
        {"id": "status", "title": "Verification and approval",
         "needs": ["sending_domain", "sender_domain", "account"],
         "check": "domain_verified", "concludes": "DNS-verified and approved",
         "remedy": "Publish the DNS records shown, Verify domain, wait for approval."},
        {"id": "accounts", "title": "Its accounts: status and remaining quota",
         "needs": ["domain_accounts"], "check": "domain_accounts_enabled",
         "concludes": "an enabled account with quota sends for it",
         "remedy": "Re-enable the account or add quota."},
        *_RATES,
        {"id": "dns_state", "title": "Deeper: SPF and DKIM checks", "deep": True,
         "needs": ["sending_domain"], "check": "dns_records_pass",
         "concludes": "SPF and DKIM pass", "remedy": "Fix SPF/DKIM."},
    ],
    "rules": [
        {"when": [{"step": "status", "finding": "not_verified"}], "verdict": "domain_not_verified",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "status", "finding": "not_assigned"}], "verdict": "rejected_domain",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "accounts", "finding": "inactive"}], "verdict": "account_inactive",
         "headline": "{summary}", "next_action": "{remedy}"},
        {"when": [{"step": "accounts", "finding": "quota"}], "verdict": "rejected_quota",
         "headline": "{summary}", "next_action": "{remedy}"},
        *_RULES_TAIL,
    ],
    "fallback": _FALLBACK,
}  # fmt: skip
