"""What diagnostics needs from the outside world: the Qboxmail client and the send ledger.

Protocols only: the real `QboxmailClient` (and the store's ledger) satisfy them
structurally, so the diagnostic core never imports httpx or redis.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from bot.qboxmail.models import (
    AccessLog,
    ApiToken,
    DailyStatistics,
    Dashboard,
    DeliveryAccount,
    DeliveryDomain,
    HostingDomain,
    IncomingLog,
    Mailbox,
    MailoutEntry,
    MessageFolder,
    OutgoingLog,
    Page,
    SuppressionEntry,
)
from bot.qboxmail.query import MailoutQuery


class QboxmailApi(Protocol):
    """The subset of QboxmailClient's methods that the checklists call (all read-only)."""

    async def delivery_account(self, account_id: int) -> DeliveryAccount: ...

    async def api_tokens(self, account_id: int) -> list[ApiToken]: ...

    async def delivery_domains(
        self, *, query: str | None = None, status: str | None = None, page: int = 1, per: int = 25
    ) -> Page[DeliveryDomain]: ...

    async def suppression_details(self, email: str) -> list[SuppressionEntry]: ...

    async def mailouts(self, query: MailoutQuery) -> Page[MailoutEntry]: ...

    async def daily_statistics(
        self,
        *,
        account: int | None = None,
        domain: str | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
    ) -> list[DailyStatistics]: ...

    async def dashboard(self) -> Dashboard: ...

    async def hosting_domains(
        self, *, query: str | None = None, page: int = 1, per: int = 25
    ) -> Page[HostingDomain]: ...

    async def hosting_domain(self, domain_code: str) -> HostingDomain: ...

    async def mailboxes(
        self, domain_code: str, *, query: str | None = None, page: int = 1, per: int = 25
    ) -> Page[Mailbox]: ...

    async def mailbox(self, domain_code: str, email_account_code: str) -> Mailbox: ...

    async def access_logs(
        self, domain_code: str, *, email: str, day: date, page: int = 1, per: int = 25
    ) -> Page[AccessLog]: ...

    async def incoming_logs(
        self, domain_code: str, *, email: str, day: date, page: int = 1, per: int = 25
    ) -> Page[IncomingLog]: ...

    async def outgoing_logs(
        self, domain_code: str, *, email: str, day: date, page: int = 1, per: int = 25
    ) -> Page[OutgoingLog]: ...

    async def message_folder(
        self, domain_code: str, *, email: str, message_id: str
    ) -> MessageFolder: ...


class LedgerRecord(Protocol):
    """What the application told qbx about one Send API request it made (bot.ledger.book)."""

    @property
    def submitted_at(self) -> datetime: ...

    @property
    def request_id(self) -> str | None: ...

    @property
    def http_status(self) -> int: ...

    @property
    def error(self) -> str | None: ...

    def message_ids(self) -> tuple[str, ...]: ...

    def all_recipients(self) -> tuple[str, ...]: ...


class Ledger(Protocol):
    """The send ledger (bot/ledger/book.py): records applications post after each Send API call."""

    async def lookup_message(self, message_id: str) -> LedgerRecord | None: ...

    async def lookup_request(self, request_id: str) -> LedgerRecord | None: ...

    async def lookup_reference(self, reference: str) -> Sequence[LedgerRecord]: ...
