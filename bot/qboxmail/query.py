"""Query values for the client's list calls, and how they become wire parameters.

`MailoutQuery` holds the documented TraceMail mailouts filters (A§4.1) and nothing else: there
is no message_id or request_id filter, so callers narrow by recipient, domain and dates.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from enum import Enum

from bot.qboxmail.contract import MAILOUTS_DEFAULT_PER, MAILOUTS_FILTERS, MAILOUTS_MAX_PER

ParamValue = str | int | date | None


def wire_value(value: str | int | date) -> str:
    """One query value as the API reads it: dates as YYYY-MM-DD, enums by value."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def wire_params(**values: ParamValue) -> dict[str, str]:
    """Query parameters without the unset ones; a trailing underscore (`from_`) is dropped."""
    return {name.rstrip("_"): wire_value(v) for name, v in values.items() if v is not None}


@dataclass(frozen=True)
class MailoutQuery:
    """The documented filters of GET /api/delivery/tracemail/mailouts (dates inclusive, UTC)."""

    account: int | None = None
    domain: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    from_: str | None = None
    to: str | None = None
    subject: str | None = None
    auth_protocol: str | None = None
    collection: str | None = None
    status: str | None = None
    error_category: str | None = None
    page: int = 1
    per: int = MAILOUTS_DEFAULT_PER

    def __post_init__(self) -> None:
        if self.page < 1:
            raise ValueError(f"page must be 1 or more, not {self.page}")
        if not 1 <= self.per <= MAILOUTS_MAX_PER:
            raise ValueError(f"per must be 1..{MAILOUTS_MAX_PER}, not {self.per}")
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValueError(f"start_date {self.start_date} is after end_date {self.end_date}")

    def with_page(self, page: int) -> MailoutQuery:
        return replace(self, page=page)

    def to_params(self) -> dict[str, str]:
        params = wire_params(**{f.name: getattr(self, f.name) for f in fields(self)})
        unknown = set(params) - set(MAILOUTS_FILTERS)
        if unknown:  # the contract is the one list of filters; drift here is a bug
            raise ValueError(f"not documented mailouts filters: {sorted(unknown)}")
        return params
