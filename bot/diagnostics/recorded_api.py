"""A QboxmailApi that forwards every call to the real one and records it in a CallLog."""

from __future__ import annotations

from datetime import date

from bot.diagnostics.api import QboxmailApi
from bot.diagnostics.recording import CallLog, recorded
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


class RecordedApi:
    """Forwards to `api`; each call is counted and placed on the current dependency chain."""

    def __init__(self, api: QboxmailApi, log: CallLog) -> None:
        self._api = api
        self.log = log

    async def delivery_account(self, account_id: int) -> DeliveryAccount:
        return await recorded(
            self.log, "delivery_account", lambda: self._api.delivery_account(account_id)
        )

    async def api_tokens(self, account_id: int) -> list[ApiToken]:
        return await recorded(self.log, "api_tokens", lambda: self._api.api_tokens(account_id))

    async def delivery_domains(
        self, *, query: str | None = None, status: str | None = None, page: int = 1, per: int = 25
    ) -> Page[DeliveryDomain]:
        return await recorded(
            self.log,
            "delivery_domains",
            lambda: self._api.delivery_domains(query=query, status=status, page=page, per=per),
        )

    async def suppression_details(self, email: str) -> list[SuppressionEntry]:
        return await recorded(
            self.log, "suppression_details", lambda: self._api.suppression_details(email)
        )

    async def mailouts(self, query: MailoutQuery) -> Page[MailoutEntry]:
        return await recorded(self.log, "mailouts", lambda: self._api.mailouts(query))

    async def daily_statistics(
        self,
        *,
        account: int | None = None,
        domain: str | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
    ) -> list[DailyStatistics]:
        return await recorded(
            self.log,
            "daily_statistics",
            lambda: self._api.daily_statistics(
                account=account, domain=domain, start_date=start_date, end_date=end_date
            ),
        )

    async def dashboard(self) -> Dashboard:
        return await recorded(self.log, "dashboard", self._api.dashboard)

    async def hosting_domains(
        self, *, query: str | None = None, page: int = 1, per: int = 25
    ) -> Page[HostingDomain]:
        return await recorded(
            self.log,
            "hosting_domains",
            lambda: self._api.hosting_domains(query=query, page=page, per=per),
        )

    async def hosting_domain(self, domain_code: str) -> HostingDomain:
        return await recorded(
            self.log, "hosting_domain", lambda: self._api.hosting_domain(domain_code)
        )

    async def mailboxes(
        self, domain_code: str, *, query: str | None = None, page: int = 1, per: int = 25
    ) -> Page[Mailbox]:
        return await recorded(
            self.log,
            "mailboxes",
            lambda: self._api.mailboxes(domain_code, query=query, page=page, per=per),
        )

    async def mailbox(self, domain_code: str, email_account_code: str) -> Mailbox:
        return await recorded(
            self.log, "mailbox", lambda: self._api.mailbox(domain_code, email_account_code)
        )

    async def access_logs(
        self, domain_code: str, *, email: str, day: date, page: int = 1, per: int = 25
    ) -> Page[AccessLog]:
        return await recorded(
            self.log,
            "access_logs",
            lambda: self._api.access_logs(domain_code, email=email, day=day, page=page, per=per),
        )

    async def incoming_logs(
        self, domain_code: str, *, email: str, day: date, page: int = 1, per: int = 25
    ) -> Page[IncomingLog]:
        return await recorded(
            self.log,
            "incoming_logs",
            lambda: self._api.incoming_logs(domain_code, email=email, day=day, page=page, per=per),
        )

    async def outgoing_logs(
        self, domain_code: str, *, email: str, day: date, page: int = 1, per: int = 25
    ) -> Page[OutgoingLog]:
        return await recorded(
            self.log,
            "outgoing_logs",
            lambda: self._api.outgoing_logs(domain_code, email=email, day=day, page=page, per=per),
        )

    async def message_folder(
        self, domain_code: str, *, email: str, message_id: str
    ) -> MessageFolder:
        return await recorded(
            self.log,
            "message_folder",
            lambda: self._api.message_folder(domain_code, email=email, message_id=message_id),
        )
