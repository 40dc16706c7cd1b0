"""The Qboxmail API contract qbx relies on: one place for every documented fact and assumption.

Sources: shared/reference/qboxmail-api-documented.md (facts) and qboxmail-api-assumed.md
(assumptions, cited below as "A§n"). The client's allow-list, the wire models' vocabularies,
the id recogniser and the simulator's route table all read from here, so correcting an
assumption once real responses are seen is one edit. Pure: no I/O, no httpx.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from functools import cached_property
from typing import Final

# --- Hosts and auth (documented; A§1) ---------------------------------------------------------
MANAGEMENT_TOKEN_HEADER: Final = "X-Api-Token"
SEND_AUTH_HEADER: Final = "Authorization"  # "Bearer <token>"


class Api(StrEnum):
    MANAGEMENT = "management"
    SEND = "send"


# --- Identifier formats (A§2) -----------------------------------------------------------------
UUID4: Final = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
DOMAIN_NAME: Final = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]"
REQUEST_ID_RE: Final = re.compile(rf"^{UUID4}$")
MESSAGE_ID_RE: Final = re.compile(rf"^(?P<uuid>{UUID4})@(?P<domain>{DOMAIN_NAME})$")
HOSTING_DOMAIN_CODE_RE: Final = re.compile(r"^D\d{9}$")
MAILBOX_CODE_RE: Final = re.compile(r"^(?:EA\d{8}|P\d{9})$")
DELIVERY_DOMAIN_CODE_RE: Final = re.compile(r"^DD\d{8}$")
EMAIL_LOG_ID_RE: Final = re.compile(r"^L\d{12}$")
TOKEN_PREVIEW_LENGTH: Final = 8  # A§5: token_preview is the token's first 8 characters


# --- Endpoints: the allow-list and the simulator's route table (A§4-7, documented §3-6) -----
@dataclass(frozen=True)
class Endpoint:
    """One request qbx may send. `path` uses {name} placeholders matched by `params`."""

    name: str
    api: Api
    method: str
    path: str
    idempotent: bool = True  # retried on 429/5xx/connection errors when True
    writes: bool = False  # changes the customer's platform: never called by a probe
    paged: bool = False
    params: tuple[tuple[str, str], ...] = ()  # placeholder -> regex

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        regex = re.escape(self.path)
        for placeholder, part in self.params:
            regex = regex.replace(re.escape("{" + placeholder + "}"), f"(?P<{placeholder}>{part})")
        return re.compile(f"^{regex}$")

    def render(self, **values: object) -> str:
        path = self.path
        for placeholder, _ in self.params:
            path = path.replace("{" + placeholder + "}", str(values[placeholder]))
        if not self.pattern.match(path):
            raise ValueError(f"{self.name}: {path!r} does not match {self.path}")
        return path


_ID = ("id", r"\d{1,12}")
_DOMAIN_CODE = ("domain_code", r"D\d{9}")
_MAILBOX_CODE = ("email_account_code", r"(?:EA\d{8}|P\d{9})")
_LOG_TYPE = ("log_type", r"access|incoming|outgoing")
_LOG_ID = ("log_id", r"L\d{12}")
_ELA = "/api/domains/{domain_code}/email_log_analysis"

ENDPOINTS: Final[tuple[Endpoint, ...]] = (
    # Delivery resources (documented)
    Endpoint("delivery_accounts", Api.MANAGEMENT, "GET", "/api/delivery/accounts", paged=True),
    Endpoint(
        "delivery_account", Api.MANAGEMENT, "GET", "/api/delivery/accounts/{id}", params=(_ID,)
    ),
    Endpoint(
        "api_tokens", Api.MANAGEMENT, "GET", "/api/delivery/accounts/{id}/api_tokens", params=(_ID,)
    ),
    Endpoint("delivery_domains", Api.MANAGEMENT, "GET", "/api/delivery/domains", paged=True),
    Endpoint(
        "suppression_lists", Api.MANAGEMENT, "GET", "/api/delivery/suppression_lists", paged=True
    ),
    # A documented POST that only looks up (keeps the address out of URLs): safe to retry.
    Endpoint(
        "suppression_details", Api.MANAGEMENT, "POST", "/api/delivery/suppression_lists/details"
    ),
    # The one write: reactivate (un-suppress) an address. Documented PUT; see SUPPRESSION_EDIT_*.
    # Retried like a read: the same body sets the same state (HTTP PUT is idempotent).
    Endpoint(
        "suppression_edit",
        Api.MANAGEMENT,
        "PUT",
        "/api/delivery/suppression_lists/edit",
        writes=True,
    ),
    # Delivery TraceMail (mailouts and counters documented; the rest assumed, A§4.2)
    Endpoint("mailouts", Api.MANAGEMENT, "GET", "/api/delivery/tracemail/mailouts", paged=True),
    Endpoint("counters", Api.MANAGEMENT, "GET", "/api/delivery/tracemail/counters"),
    Endpoint(
        "tracemail_accounts", Api.MANAGEMENT, "GET", "/api/delivery/tracemail/accounts", paged=True
    ),
    Endpoint(
        "tracemail_domains", Api.MANAGEMENT, "GET", "/api/delivery/tracemail/domains", paged=True
    ),
    Endpoint("daily_statistics", Api.MANAGEMENT, "GET", "/api/delivery/tracemail/daily_statistics"),
    Endpoint("dashboard", Api.MANAGEMENT, "GET", "/api/delivery/dashboard"),
    # Hosting (documented list; single resources assumed, A§6)
    Endpoint("hosting_domains", Api.MANAGEMENT, "GET", "/api/domains", paged=True),
    Endpoint(
        "hosting_domain",
        Api.MANAGEMENT,
        "GET",
        "/api/domains/{domain_code}",
        params=(_DOMAIN_CODE,),
    ),
    Endpoint(
        "mailboxes",
        Api.MANAGEMENT,
        "GET",
        "/api/domains/{domain_code}/email_accounts",
        paged=True,
        params=(_DOMAIN_CODE,),
    ),
    Endpoint(
        "mailbox",
        Api.MANAGEMENT,
        "GET",
        "/api/domains/{domain_code}/email_accounts/{email_account_code}",
        params=(_DOMAIN_CODE, _MAILBOX_CODE),
    ),
    # Email log analysis (all assumed, A§7)
    Endpoint(
        "log_access", Api.MANAGEMENT, "GET", f"{_ELA}/access", paged=True, params=(_DOMAIN_CODE,)
    ),
    Endpoint(
        "log_incoming",
        Api.MANAGEMENT,
        "GET",
        f"{_ELA}/incoming",
        paged=True,
        params=(_DOMAIN_CODE,),
    ),
    Endpoint(
        "log_outgoing",
        Api.MANAGEMENT,
        "GET",
        f"{_ELA}/outgoing",
        paged=True,
        params=(_DOMAIN_CODE,),
    ),
    Endpoint(
        "message_folder", Api.MANAGEMENT, "GET", f"{_ELA}/message_folder", params=(_DOMAIN_CODE,)
    ),
    Endpoint(
        "log_pdf",
        Api.MANAGEMENT,
        "GET",
        f"{_ELA}/{{log_type}}/{{log_id}}/pdf",
        params=(_DOMAIN_CODE, _LOG_TYPE, _LOG_ID),
    ),
    # Send API (documented). Never retried: a retry could send the mail twice.
    Endpoint("send", Api.SEND, "POST", "/send", idempotent=False, writes=True),
    Endpoint("send_bulk", Api.SEND, "POST", "/send/bulk", idempotent=False, writes=True),
)
ENDPOINTS_BY_NAME: Final = {e.name: e for e in ENDPOINTS}


def match_endpoint(api: Api, method: str, path: str) -> Endpoint | None:
    """The allow-listed endpoint for this request, or None (then it must not be sent)."""
    for endpoint in ENDPOINTS:
        if endpoint.api == api and endpoint.method == method and endpoint.pattern.match(path):
            return endpoint
    return None


# --- The suppression edit (documented §3.4: PUT .../suppression_lists/edit) ------------------
# Body: `email*`, `reason`, `accounts[]` (empty = no restriction), `active` (bool); success body
# "Empty". Assumptions: the entry edited is the address's entry with exactly that `accounts`
# scope, so qbx always sends the entry's own scope back (a reactivation never widens or narrows
# it); success is any 2xx with an empty or ignorable body; no entry for the address is a 404.
SUPPRESSION_EDIT_FIELDS: Final = ("email", "active", "accounts")
SUPPRESSION_EDIT_ENDPOINT: Final = "suppression_edit"


# --- Pagination and history (documented; A§4.1) -----------------------------------------------
MANAGEMENT_DEFAULT_PER: Final = 25
MAILOUTS_DEFAULT_PER: Final = 30
MAILOUTS_MAX_PER: Final = 100
TRACEMAIL_HISTORY_DAYS: Final = 30
EMAIL_LOG_HISTORY_DAYS: Final = 30
MAILOUTS_FILTERS: Final = (
    "account", "domain", "start_date", "end_date", "from", "to", "subject",
    "auth_protocol", "collection", "status", "error_category", "page", "per",
)  # fmt: skip


# --- Vocabularies ------------------------------------------------------------------------------
class AccountStatus(IntEnum):
    """Delivery account `status` integer (A§5)."""

    ENABLED = 0
    DISABLED = 1
    WAIT_PAY = 2
    BLOCKED = 3


class AccountStatusDetail(StrEnum):
    OK = "ok"
    DISABLED_BY_USER = "disabled_by_user"
    PAYMENT_REQUIRED = "payment_required"
    POLICY_REVIEW = "policy_review"
    QUOTA_EXHAUSTED = "quota_exhausted"


class AccountType(StrEnum):
    TRANSACTIONAL = "transactional"
    NEWSLETTER = "newsletter"
    PROMOTIONAL = "promotional"  # documented legacy alias of newsletter


class DnsVerification(StrEnum):
    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"
    MISCONFIGURED = "misconfigured"


class Approval(StrEnum):
    APPROVED = "approved"
    NEED_APPROVAL = "need_approval"
    REJECTED = "rejected"


class Collection(StrEnum):
    WORKED = "worked"
    QUEUED = "queued"
    ERRORS = "errors"


class MailoutStatus(StrEnum):
    DELIVERED = "delivered"
    SUPPRESSED = "suppressed"
    BOUNCE = "bounce"
    DEFERRED = "deferred"  # assumed: only with collection=queued (A§4.1)


class ErrorCategory(StrEnum):
    AUTH = "auth"
    LIMITS = "limits"
    GENERIC = "generic"


class SuppressionReason(StrEnum):
    BOUNCE = "bounce"
    COMPLAINT = "complaint"


class HostingDomainStatus(StrEnum):
    ENABLED = "enabled"
    DISABLED = "disabled"
    UPDATING = "updating"
    OWNERSHIP_CHECK = "ownership_check"
    ERROR = "error"


class HostingStatusDetail(StrEnum):
    OK = "ok"
    OWNERSHIP_PENDING = "ownership_pending"
    MX_NOT_CONFIGURED = "mx_not_configured"
    DNS_CHECK_FAILED = "dns_check_failed"
    SUSPENDED = "suspended"
    CONTACT_SUPPORT = "contact_support"


class MailboxStatus(StrEnum):
    ENABLED = "enabled"
    DISABLED = "disabled"
    UPDATING = "updating"
    ERROR = "error"


class LogType(StrEnum):
    ACCESS = "access"
    INCOMING = "incoming"
    OUTGOING = "outgoing"


# --- Send API errors (documented: missing_send_payload; the rest A§3) -------------------------
@dataclass(frozen=True)
class SendErrorKind:
    error: str
    http_status: int
    category: ErrorCategory
    meaning: str


SEND_ERRORS: Final[tuple[SendErrorKind, ...]] = (
    SendErrorKind("invalid_json", 400, ErrorCategory.GENERIC, "the body is not valid JSON"),
    SendErrorKind(
        "missing_send_payload", 400, ErrorCategory.GENERIC, "no non-empty `messages` array"
    ),
    SendErrorKind("invalid_message", 400, ErrorCategory.GENERIC, "a message field is invalid"),
    SendErrorKind(
        "missing_bulk_substitutions", 400, ErrorCategory.GENERIC,
        "a bulk recipient lacks a template variable",
    ),
    SendErrorKind("batch_too_large", 400, ErrorCategory.GENERIC, "over 500 messages or recipients"),
    SendErrorKind("missing_token", 401, ErrorCategory.AUTH, "no bearer token was sent"),
    SendErrorKind("invalid_token", 401, ErrorCategory.AUTH, "the bearer token is unknown"),
    SendErrorKind(
        "ip_not_allowed", 403, ErrorCategory.AUTH,
        "the caller IP is not in the token's or the account's allow_nets",
    ),
    SendErrorKind("account_disabled", 403, ErrorCategory.AUTH, "the Delivery account is disabled"),
    SendErrorKind("account_blocked", 403, ErrorCategory.AUTH, "the Delivery account is blocked"),
    SendErrorKind(
        "account_wait_pay", 403, ErrorCategory.AUTH, "the Delivery account awaits payment"
    ),
    SendErrorKind(
        "sender_domain_not_allowed", 403, ErrorCategory.GENERIC,
        "the from domain is not assigned to the token's account",
    ),
    SendErrorKind(
        "sender_domain_not_verified", 403, ErrorCategory.GENERIC,
        "the from domain is not DNS-verified or not approved",
    ),
    SendErrorKind("payload_too_large", 413, ErrorCategory.GENERIC, "the body is over 50 MB"),
    SendErrorKind(
        "rate_limited", 429, ErrorCategory.LIMITS, "over 10 requests/s for this token"
    ),
    SendErrorKind(
        "quota_exceeded", 429, ErrorCategory.LIMITS, "the account's plan quota is used up"
    ),
)  # fmt: skip
SEND_ERRORS_BY_ID: Final = {kind.error: kind for kind in SEND_ERRORS}

# --- Limits (documented §2.6) -----------------------------------------------------------------
SEND_MAX_MESSAGES: Final = 500
SEND_MAX_BULK_RECIPIENTS: Final = 500
SEND_MAX_PAYLOAD_BYTES: Final = 50 * 1024 * 1024
SEND_RATE_PER_SECOND: Final = 10

# --- Health bands (documented dashboard guide) -------------------------------------------------
RATE_GOOD_BELOW: Final = 0.5  # percent
RATE_CRITICAL_ABOVE: Final = 1.0  # percent; between the two: watch


class Band(StrEnum):
    GOOD = "good"
    WATCH = "watch"
    CRITICAL = "critical"


def rate_band(percent: float) -> Band:
    """Qboxmail's bounce/suppressed-rate band for a percentage."""
    if percent < RATE_GOOD_BELOW:
        return Band.GOOD
    if percent <= RATE_CRITICAL_ABOVE:
        return Band.WATCH
    return Band.CRITICAL
