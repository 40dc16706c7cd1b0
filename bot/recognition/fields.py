"""What each Management API field must be, to explain a pasted 422 `Validation failed`.

Field names come from the documented request bodies and filters; the phrasing is ours and safe
to show. An unknown field is explained from the API's own description.
"""

from __future__ import annotations

import re
from typing import Final

from bot.recognition.targets import FieldProblem

_LAST_30_DAYS: Final = "a date as YYYY-MM-DD within the last 30 days"
_QUOTA: Final = (
    "a size in bytes from the plan's fixed set: 52428800 (50 MB) up to 107374182400 (100 GB)"
)
EXPECTED: Final[dict[str, str]] = {
    "name": "a domain name like example.com (lower case, no scheme or path)",
    "domain": "a domain name like example.com",
    "email": "a full address like name@example.com",
    "email_address": "a full address like name@example.com",
    "from": "a full sender address like noreply@example.com",
    "to": "a full recipient address like name@example.com",
    "allow_nets": "a list of IP addresses or CIDR ranges, like 203.0.113.7 or 203.0.113.0/24",
    "status": "enabled or disabled",
    "date": _LAST_30_DAYS,
    "start_date": _LAST_30_DAYS + ", not after end_date",
    "end_date": _LAST_30_DAYS + ", not before start_date",
    "per": "a whole number from 1 to 100",
    "page": "a whole number from 1",
    "quota": _QUOTA,
    "quota_bytes": _QUOTA,
    "max_email_quota": "a size in bytes the domain's plan allows",
    "password": "at least 8 characters with at least one letter and one digit",
    "password_confirmation": "exactly the same text as password",
    "postmaster_password": "at least 8 characters with at least one digit",
    "postmaster_password_confirmation": "exactly the same text as postmaster_password",
    "password2": "at least 8 characters with at least one letter and one digit",
    "password2_confirmation": "exactly the same text as password2",
    "description": "a non-empty description",
    "type": "transactional or newsletter",
    "payment_method": "stripe, paypal or lcwsoftpaypalbillingagreements",
    "customer_type": "private, company or reseller",
    "plan": "basic, professional or enterprise",
    "antispam_level": "a whole number from 0 to 3",
    "language": "it, en or es",
    "firstname": "a non-empty first name",
    "lastname": "a non-empty last name",
    "domain_codes": "a list of Hosting domain codes like D123456789",
    "account": "a Delivery account id (a whole number)",
    "account_id": "a Delivery account id (a whole number)",
    "collection": "worked, queued or errors",
    "error_category": "auth, limits or generic",
    "auth_protocol": "api or smtp",
    "reason": "bounce or complaint",
    "message_id": "a message id like <uuid>@example.com",
    "query": "a non-empty search text",
    "country": "a two-letter country code like IT",
    "ignore_suppression_list": "true or false",
    "bounce_notification": "true or false",
}
_FROM_DESCRIPTION: Final = (
    (re.compile(r"already (?:exists|been taken|in use)", re.I), "a value not already in use"),
    (re.compile(r"blank|required|missing|empty", re.I), "a value (it is required)"),
    (re.compile(r"too long.{0,40}?(\d+)", re.I), "at most {0} characters"),
    (re.compile(r"too short.{0,40}?(\d+)", re.I), "at least {0} characters"),
    (re.compile(r"not included in the list|not an allowed", re.I), "one of the allowed values"),
    (re.compile(r"not a number|must be an integer", re.I), "a whole number"),
    (re.compile(r"greater than or equal to (\d+)", re.I), "a number of at least {0}"),
    (re.compile(r"less than or equal to (\d+)", re.I), "a number of at most {0}"),
    (re.compile(r"doesn't match|does not match|confirmation", re.I), "the same value as its pair"),
)
_SAFE_FIELD: Final = re.compile(r"[^A-Za-z0-9_.\[\]-]")
MAX_TEXT: Final = 200


def explain(field: str, description: str) -> FieldProblem:
    """One field error with what the field must be, from the table or the description."""
    name = _SAFE_FIELD.sub("", field)[:64] or "(unnamed field)"
    text = description[:MAX_TEXT]
    return FieldProblem(name, text, _expected(name, text))


def _expected(field: str, description: str) -> str:
    base = field.rsplit(".", 1)[-1].split("[", 1)[0].lower()
    if base in EXPECTED:
        return EXPECTED[base]
    for pattern, phrase in _FROM_DESCRIPTION:
        match = pattern.search(description)
        if match:
            return phrase.format(*match.groups())
    return f"a valid value for {field}"
