"""Wire models for Qboxmail responses: lenient on input, as the assumed contract (A§1) asks.

Unknown fields are ignored, numbers and booleans that arrive as strings are accepted, and an
item wrapped as {"data": {...}} or {"data": "<json text>"} is unwrapped. Field names here are
the contract's; the simulator serialises these same models, so both sides agree by
construction. Vocabulary fields stay plain strings (compare them with the enums in
`contract`) so that a value Qboxmail adds later does not break parsing; each names its enum
as `Vocabulary` metadata, and `qbx doctor` reads the fields, types and vocabularies it checks
real answers against from these models. No httpx here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Final, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.qboxmail.contract import (
    SUPPRESSION_EDIT_FIELDS,
    AccountStatus,
    AccountStatusDetail,
    AccountType,
    Approval,
    Collection,
    DnsVerification,
    ErrorCategory,
    HostingDomainStatus,
    HostingStatusDetail,
    MailboxStatus,
    MailoutStatus,
    SuppressionReason,
)

T = TypeVar("T")


def unwrap_data(value: Any) -> Any:
    """{"data": {...}} and {"data": "<json text>"} become the inner object (A§1)."""
    if isinstance(value, dict) and set(value) == {"data"}:
        inner = value["data"]
        if isinstance(inner, str):
            try:
                inner = json.loads(inner)
            except ValueError:
                return value
        if isinstance(inner, dict):
            return inner
    return value


@dataclass(frozen=True)
class Vocabulary:
    """Field metadata: the values the contract knows for this field (`qbx doctor` checks them)."""

    name: str
    values: frozenset[str | int]

    @classmethod
    def of(cls, enum: type[Enum]) -> Vocabulary:
        return cls(enum.__name__, frozenset(member.value for member in enum))


class Wire(BaseModel):
    """Base of every wire model."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, value: Any) -> Any:
        return unwrap_data(value)


def _int_list(value: Any) -> Any:
    """Lists of ids may arrive as ints, strings, or objects with an `id`."""
    if value is None:
        return []
    if isinstance(value, list):
        out = []
        for item in value:
            out.append(item.get("id") if isinstance(item, dict) else item)
        return out
    return value


class Pagination(Wire):
    per: int = 0
    page: int = 1
    total_pages: int = 1
    total_records: int = 0


# --- TraceMail ----------------------------------------------------------------------------------
class MailoutEntry(Wire):
    """One TraceMail mailouts entry: one recipient of one message (A§4.1)."""

    id: str
    created_at: datetime
    updated_at: datetime | None = None
    account_id: int | None = None
    account: str | None = None
    domain: str | None = None
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    subject: str | None = None
    auth_protocol: str | None = None
    collection: Annotated[str, Vocabulary.of(Collection)] = "worked"
    status: Annotated[str | None, Vocabulary.of(MailoutStatus)] = None
    error_category: Annotated[str | None, Vocabulary.of(ErrorCategory)] = None
    error: str | None = None  # a contract.SEND_ERRORS id (`qbx doctor` lists unknown ones)
    http_status: int | None = None
    request_id: str | None = None
    message_id: str | None = None
    smtp_code: int | None = None
    smtp_enhanced_code: str | None = None
    smtp_response: str | None = None
    remote_mx: str | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    suppression_reason: Annotated[str | None, Vocabulary.of(SuppressionReason)] = None
    client_ip: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class Counters(Wire):
    """TraceMail counter fields (documented names; camelCase for the error splits)."""

    all: int = 0
    delivered: int = 0
    suppressed: int = 0
    bounce: int = 0
    queued: int = 0
    errors: int = 0
    auth_errors: int = Field(default=0, alias="authErrors")
    limits_errors: int = Field(default=0, alias="limitsErrors")
    generic_errors: int = Field(default=0, alias="genericErrors")

    def rate(self, count: int) -> float:
        """`count` as a percentage of all processed messages (0 when none)."""
        return 100.0 * count / self.all if self.all else 0.0

    @property
    def bounce_rate(self) -> float:
        return self.rate(self.bounce)

    @property
    def suppressed_rate(self) -> float:
        return self.rate(self.suppressed)


class TraceMailAccount(Counters):
    id: int
    username: str = ""
    description: str = ""
    type: Annotated[str | None, Vocabulary.of(AccountType)] = None
    status: Annotated[int, Vocabulary.of(AccountStatus)] = AccountStatus.ENABLED
    status_detail: Annotated[str | None, Vocabulary.of(AccountStatusDetail)] = None


class TraceMailDomain(Counters):
    code: str = ""
    name: str
    account_ids: list[int] = Field(default_factory=list)

    @field_validator("account_ids", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        return _int_list(value)


class DailyStatistics(Counters):
    date: date


class MonthTotal(Wire):
    month: str
    total: int = 0


class DashboardAlert(Wire):
    level: str = "info"
    text: str = ""


class Dashboard(Wire):
    month_total: int = 0
    previous_months: list[MonthTotal] = Field(default_factory=list)
    bounce_rate: float = 0.0
    suppressed_rate: float = 0.0
    plan_usage_percent: float = 0.0
    alerts: list[DashboardAlert] = Field(default_factory=list)


# --- Delivery resources -------------------------------------------------------------------------
class DomainRef(Wire):
    code: str | None = None
    name: str


class DeliveryAccount(Wire):
    """A Delivery account. The SMTP `password` the API returns is never parsed or kept."""

    id: int
    username: str = ""
    description: str = ""
    type: Annotated[str | None, Vocabulary.of(AccountType)] = None
    plan: str | None = None
    status: Annotated[int, Vocabulary.of(AccountStatus)] = AccountStatus.ENABLED
    status_detail: Annotated[str | None, Vocabulary.of(AccountStatusDetail)] = None
    allow_nets: list[str] = Field(default_factory=list)
    domains: list[DomainRef] = Field(default_factory=list)
    remaining_messages: int = 0
    remaining_extra_messages_bought: int = 0
    messages_sent: int = 0
    plan_num_messages: int | None = None
    ignore_suppression_list: bool = False
    created_at: datetime | None = None

    @field_validator("domains", mode="before")
    @classmethod
    def _domain_refs(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"name": v} if isinstance(v, str) else v for v in value]
        return [] if value is None else value

    @field_validator("allow_nets", mode="before")
    @classmethod
    def _nets(cls, value: Any) -> Any:
        return [] if value is None else value

    @property
    def remaining_total(self) -> int:
        """What can still be sent this period (A§5)."""
        return self.remaining_messages + self.remaining_extra_messages_bought

    @property
    def domain_names(self) -> tuple[str, ...]:
        return tuple(d.name.lower() for d in self.domains)


class DeliveryDomain(Wire):
    code: str
    name: str
    status: int = 0
    display_status: str | None = None
    status_detail: str | None = None
    dns_verification_status: Annotated[str | None, Vocabulary.of(DnsVerification)] = None
    approval_status: Annotated[str | None, Vocabulary.of(Approval)] = None
    dkim_last_check_ok: bool | None = None
    dkim_last_checked_at: datetime | None = None
    spf_last_check_ok: bool | None = None
    spf_last_checked_at: datetime | None = None
    txt_spf_record: str | None = None
    suggested_dmarc_record: str | None = None
    accounts: list[int] = Field(default_factory=list)
    created_at: datetime | None = None

    @field_validator("accounts", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        return _int_list(value)


class ApiToken(Wire):
    id: int
    label: str = ""
    token_preview: str = ""
    allow_nets: list[str] = Field(default_factory=list)
    created_at: datetime | None = None
    last_used_at: datetime | None = None

    @field_validator("allow_nets", mode="before")
    @classmethod
    def _nets(cls, value: Any) -> Any:
        return [] if value is None else value


class SuppressionEntry(Wire):
    id: int | str
    email: str
    reason: Annotated[str | None, Vocabulary.of(SuppressionReason)] = None
    category: str | None = None
    message: str | None = None
    accounts: list[int] = Field(default_factory=list)
    active: bool = True
    created_at: datetime | None = None

    @field_validator("accounts", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        return _int_list(value)

    @property
    def customer_wide(self) -> bool:
        """`accounts: []` means the entry applies to every account (A§5)."""
        return not self.accounts


class SuppressionEdit(Wire):
    """The body of PUT /api/delivery/suppression_lists/edit (contract.SUPPRESSION_EDIT_*)."""

    email: str
    active: bool
    accounts: list[int] = Field(default_factory=list)  # the entry's own scope; [] = customer-wide

    def body(self) -> dict[str, Any]:
        return self.model_dump(include=set(SUPPRESSION_EDIT_FIELDS))


# --- Hosting ------------------------------------------------------------------------------------
class HostingDomain(Wire):
    code: str
    name: str
    status: Annotated[str, Vocabulary.of(HostingDomainStatus)] = "enabled"
    status_detail: Annotated[str | None, Vocabulary.of(HostingStatusDetail)] = None
    is_healthy: bool | None = None
    ownership_verification_email_address: str | None = None
    has_dkim: bool | None = None
    dkim_last_check_ok: bool | None = None
    created_at: datetime | None = None
    activated_at: datetime | None = None


class Mailbox(Wire):
    code: str
    name: str = ""
    email: str
    status: Annotated[str, Vocabulary.of(MailboxStatus)] = "enabled"
    status_detail: str | None = None
    quota_bytes: int = 0
    used_bytes: int = 0
    imap_disabled: bool = False
    pop_disabled: bool = False
    smtp_disabled: bool = False
    webmail_disabled: bool = False

    @property
    def usage_percent(self) -> float:
        return 100.0 * self.used_bytes / self.quota_bytes if self.quota_bytes else 0.0


class AccessLog(Wire):
    id: str
    action: str = "login"
    at: datetime
    user: str = ""
    protocol: str = ""
    client_ip: str | None = None
    client: str | None = None
    result: str = "success"
    deleted_msgs: int = 0
    expunged_msgs: int = 0
    trashed_msgs: int = 0
    bytes: int = 0


class IncomingLog(Wire):
    id: str
    received_at: datetime
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    subject: str | None = None
    size: int = 0
    client_ip: str | None = None
    message_id: str | None = None
    result: str = "delivered"
    folder: str | None = None
    smtp_code: int | None = None
    smtp_response: str | None = None


class OutgoingLog(Wire):
    id: str
    sent_at: datetime
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    subject: str | None = None
    size: int = 0
    message_id: str | None = None
    result: str = "delivered"
    remote_mx: str | None = None
    smtp_code: int | None = None
    smtp_enhanced_code: str | None = None
    smtp_response: str | None = None


class MessageFolder(Wire):
    message_id: str
    found: bool = False
    folder: str | None = None


# --- Send API -----------------------------------------------------------------------------------
class SendMessageResult(Wire):
    error_code: int = 0
    message: str = "OK"
    request_id: str | None = None
    message_id: str | None = None
    submitted_at: datetime | None = None
    to: str | None = None


class SendResponse(Wire):
    """The documented 202 body."""

    error_code: int = 0
    message: str = "OK"
    request_id: str
    queued_messages: int = 0
    messages: list[SendMessageResult] = Field(default_factory=list)
    suppression_summary: Any = None


class SendErrorBody(Wire):
    """The documented Send API error body."""

    error_code: int
    error: str
    message: str = ""
    request_id: str | None = None


class FieldErrorItem(Wire):
    field: str = ""
    description: str = ""


class ManagementErrorBody(Wire):
    """The documented Management error body; an `errors` object keyed by field is accepted."""

    message: str = ""
    errors: list[FieldErrorItem] = Field(default_factory=list)

    @field_validator("errors", mode="before")
    @classmethod
    def _errors(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return [
                {"field": k, "description": "; ".join(v) if isinstance(v, list) else str(v)}
                for k, v in value.items()
            ]
        return [] if value is None else value


class Page(BaseModel, Generic[T]):
    """One page of a Management list."""

    model_config = ConfigDict(frozen=True)

    resources: list[T]
    pagination: Pagination = Field(default_factory=Pagination)


# What each allow-listed endpoint answers (its items, inside the Management envelope; the Send
# API's bare body). `qbx doctor` and the recordings test compare real responses with these.
RESPONSE_MODELS: Final[dict[str, type[Wire]]] = {
    "delivery_accounts": DeliveryAccount,
    "delivery_account": DeliveryAccount,
    "api_tokens": ApiToken,
    "delivery_domains": DeliveryDomain,
    "suppression_lists": SuppressionEntry,
    "suppression_details": SuppressionEntry,
    "mailouts": MailoutEntry,
    "counters": Counters,
    "tracemail_accounts": TraceMailAccount,
    "tracemail_domains": TraceMailDomain,
    "daily_statistics": DailyStatistics,
    "dashboard": Dashboard,
    "hosting_domains": HostingDomain,
    "hosting_domain": HostingDomain,
    "mailboxes": Mailbox,
    "mailbox": Mailbox,
    "log_access": AccessLog,
    "log_incoming": IncomingLog,
    "log_outgoing": OutgoingLog,
    "message_folder": MessageFolder,
    "send": SendResponse,
    "send_bulk": SendResponse,
}
BINARY_ENDPOINTS: Final = frozenset({"log_pdf"})  # answers a PDF, not JSON
