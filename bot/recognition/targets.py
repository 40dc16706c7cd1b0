"""What a support engineer handed qbx: recognised targets and the hints found beside them. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class TargetKind(StrEnum):
    MESSAGE_ID = "message_id"
    REQUEST_ID = "request_id"
    ADDRESS = "address"  # an email address: a recipient, a sender, or a hosted mailbox
    DOMAIN = "domain"  # a domain name: a sending domain or a hosted domain
    HOSTING_DOMAIN_CODE = "hosting_domain_code"  # D123456789
    MAILBOX_CODE = "mailbox_code"  # EA12345678 / P123456789
    DELIVERY_DOMAIN_CODE = "delivery_domain_code"  # DD66042061
    ACCOUNT_ID = "account_id"  # "account 4127"
    LOG_ID = "log_id"  # L000000012345
    SEND_RESPONSE = "send_response"  # a pasted Send API response or error body
    MANAGEMENT_ERROR = "management_error"  # a pasted Management API error body
    REFERENCE = "reference"  # the application's own order/user/campaign id (ledger lookup)


@dataclass(frozen=True)
class FieldProblem:
    """One field of a pasted 422 `Validation failed`, explained."""

    field: str
    description: str
    expected: str  # what the field must be, in plain words


@dataclass(frozen=True)
class PastedResponse:
    """What was read out of a pasted Send API response or error body."""

    http_status: int | None = None
    error: str | None = None  # Send API `error` id
    message: str | None = None
    request_id: str | None = None
    message_ids: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    field_problems: tuple[FieldProblem, ...] = ()  # Management 422 bodies


@dataclass(frozen=True)
class Hints:
    """Context found near an id that narrows a TraceMail search."""

    recipients: tuple[str, ...] = ()
    senders: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()
    account_id: int | None = None
    domain_code: str | None = None  # a Hosting domain code seen beside a mailbox or log id


@dataclass(frozen=True)
class Target:
    """One thing to trace."""

    kind: TargetKind
    value: str
    hints: Hints = field(default_factory=Hints)
    pasted: PastedResponse | None = None

    @property
    def key(self) -> str:
        """Stable identity for dedupe and caching: kind and normalised value."""
        return f"{self.kind.value}:{self.value.lower()}"


@dataclass(frozen=True)
class Recognition:
    """Everything recognised in one text: what will be traced and what was left over."""

    targets: tuple[Target, ...] = ()
    overflow: tuple[Target, ...] = ()  # beyond the per-message limit: listed, not traced
    truncated: bool = False  # the text was longer than what recognition reads

    @property
    def empty(self) -> bool:
        return not self.targets
