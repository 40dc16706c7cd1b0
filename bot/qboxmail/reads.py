"""QboxmailApi: the read calls of QboxmailClient that the rest of qbx makes, as one protocol.

The client satisfies it structurally, so the packages that must stay free of httpx (the
diagnostic core, the incident engine) type against it without importing the client.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from bot.qboxmail.models import (
    AccessLog,
    ApiToken,
    Counters,
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
    TraceMailAccount,
    TraceMailDomain,
)
from bot.qboxmail.query import MailoutQuery


class QboxmailApi(Protocol):
    """The read-only QboxmailClient calls (same signatures; defaults are the client's)."""

    async def delivery_accounts(
        self, *, query: str | None = ..., status: str | None = ..., page: int = ..., per: int = ...
    ) -> Page[DeliveryAccount]: ...

    async def delivery_account(self, account_id: int) -> DeliveryAccount: ...

    async def api_tokens(self, account_id: int) -> list[ApiToken]: ...

    async def delivery_domains(
        self, *, query: str | None = ..., status: str | None = ..., page: int = ..., per: int = ...
    ) -> Page[DeliveryDomain]: ...

    async def suppression_details(self, email: str) -> list[SuppressionEntry]: ...

    async def mailouts(self, query: MailoutQuery) -> Page[MailoutEntry]: ...

    async def counters(
        self,
        *,
        account: int | None = ...,
        domain: str | None = ...,
        start_date: date | None = ...,
        end_date: date | None = ...,
        to: str | None = ...,
        from_: str | None = ...,
    ) -> Counters: ...

    async def tracemail_accounts(
        self, *, start_date: date | None = ..., end_date: date | None = ..., page: int = ...,
        per: int = ...,
    ) -> Page[TraceMailAccount]: ...  # fmt: skip

    async def tracemail_domains(
        self, *, account: int | None = ..., start_date: date | None = ...,
        end_date: date | None = ..., page: int = ..., per: int = ...,
    ) -> Page[TraceMailDomain]: ...  # fmt: skip

    async def daily_statistics(
        self, *, account: int | None = ..., domain: str | None = ..., start_date: date | None = ...,
        end_date: date | None = ...,
    ) -> list[DailyStatistics]: ...  # fmt: skip

    async def dashboard(self) -> Dashboard: ...

    async def hosting_domains(
        self, *, query: str | None = ..., page: int = ..., per: int = ...
    ) -> Page[HostingDomain]: ...

    async def hosting_domain(self, domain_code: str) -> HostingDomain: ...

    async def mailboxes(
        self, domain_code: str, *, query: str | None = ..., page: int = ..., per: int = ...
    ) -> Page[Mailbox]: ...

    async def mailbox(self, domain_code: str, email_account_code: str) -> Mailbox: ...

    async def access_logs(
        self, domain_code: str, *, email: str, day: date, page: int = ..., per: int = ...
    ) -> Page[AccessLog]: ...

    async def incoming_logs(
        self, domain_code: str, *, email: str, day: date, page: int = ..., per: int = ...
    ) -> Page[IncomingLog]: ...

    async def outgoing_logs(
        self, domain_code: str, *, email: str, day: date, page: int = ..., per: int = ...
    ) -> Page[OutgoingLog]: ...

    async def message_folder(
        self, domain_code: str, *, email: str, message_id: str
    ) -> MessageFolder: ...
