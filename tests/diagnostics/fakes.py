"""An in-memory QboxmailApi for the engine's unit tests: canned wire models, filtered and
paged like the contract says, every call recorded."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from bot.errors import ApiNotFound, ApiUnreachable
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
    Pagination,
    SuppressionEntry,
)
from bot.qboxmail.query import MailoutQuery

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def page_of(items: list[Any], page: int, per: int) -> Page[Any]:
    total_pages = max(1, math.ceil(len(items) / per))
    chunk = items[(page - 1) * per : page * per]
    pagination = Pagination(per=per, page=page, total_pages=total_pages, total_records=len(items))
    return Page[Any](resources=chunk, pagination=pagination)


def entry(**fields: Any) -> MailoutEntry:
    base: dict[str, Any] = {
        "id": "m1",
        "created_at": NOW,
        "account_id": 4127,
        "domain": "shop.example",
        "from": "news@shop.example",
        "to": "anna@example.com",
        "collection": "worked",
        "status": "delivered",
        "attempts": 1,
        "request_id": "f43eb659-beb4-4f8a-a737-2d403998f4cf",
        "message_id": "8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example",
    }
    return MailoutEntry.model_validate({**base, **fields})


def account(**fields: Any) -> DeliveryAccount:
    base: dict[str, Any] = {
        "id": 4127,
        "username": "acme",
        "status": 0,
        "remaining_messages": 100,
        "domains": ["shop.example"],
    }
    return DeliveryAccount.model_validate({**base, **fields})


def domain(**fields: Any) -> DeliveryDomain:
    base: dict[str, Any] = {
        "code": "DD00000001",
        "name": "shop.example",
        "accounts": [4127],
        "dns_verification_status": "verified",
        "approval_status": "approved",
    }
    return DeliveryDomain.model_validate({**base, **fields})


@dataclass
class FakeApi:
    accounts: dict[int, DeliveryAccount] = field(default_factory=dict)
    tokens: dict[int, list[ApiToken]] = field(default_factory=dict)
    domains: list[DeliveryDomain] = field(default_factory=list)
    suppressed: dict[str, list[SuppressionEntry]] = field(default_factory=dict)
    mailouts_data: list[MailoutEntry] = field(default_factory=list)
    stats: list[DailyStatistics] = field(default_factory=list)
    board: Dashboard = field(default_factory=Dashboard)
    hosted: dict[str, HostingDomain] = field(default_factory=dict)
    boxes: dict[str, list[Mailbox]] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # method names that raise ApiUnreachable
    calls: list[str] = field(default_factory=list)
    queries: list[MailoutQuery] = field(default_factory=list)

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if name in self.broken or "*" in self.broken:
            raise ApiUnreachable("connection refused", method="GET", path=f"/{name}")

    async def delivery_account(self, account_id: int) -> DeliveryAccount:
        self._call("delivery_account")
        if account_id not in self.accounts:
            raise ApiNotFound("Not found", method="GET", path="/api/delivery/accounts", status=404)
        return self.accounts[account_id]

    async def api_tokens(self, account_id: int) -> list[ApiToken]:
        self._call("api_tokens")
        return self.tokens.get(account_id, [])

    async def delivery_domains(
        self, *, query: str | None = None, status: str | None = None, page: int = 1, per: int = 25
    ) -> Page[DeliveryDomain]:
        self._call("delivery_domains")
        found = [d for d in self.domains if not query or query in d.name]
        return page_of(found, page, per)

    async def suppression_details(self, email: str) -> list[SuppressionEntry]:
        self._call("suppression_details")
        return self.suppressed.get(email, [])

    async def mailouts(self, query: MailoutQuery) -> Page[MailoutEntry]:
        self._call("mailouts")
        self.queries.append(query)
        found = [e for e in self.mailouts_data if _matches(e, query)]
        found.sort(key=lambda e: e.created_at, reverse=True)
        return page_of(found, query.page, query.per)

    async def daily_statistics(
        self,
        *,
        account: int | None = None,
        domain: str | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
    ) -> list[DailyStatistics]:
        self._call("daily_statistics")
        return self.stats

    async def dashboard(self) -> Dashboard:
        self._call("dashboard")
        return self.board

    async def hosting_domains(
        self, *, query: str | None = None, page: int = 1, per: int = 25
    ) -> Page[HostingDomain]:
        self._call("hosting_domains")
        return page_of([d for d in self.hosted.values() if not query or query in d.name], page, per)

    async def hosting_domain(self, domain_code: str) -> HostingDomain:
        self._call("hosting_domain")
        if domain_code not in self.hosted:
            raise ApiNotFound("Not found", method="GET", path="/api/domains", status=404)
        return self.hosted[domain_code]

    async def mailboxes(
        self, domain_code: str, *, query: str | None = None, page: int = 1, per: int = 25
    ) -> Page[Mailbox]:
        self._call("mailboxes")
        found = [m for m in self.boxes.get(domain_code, []) if not query or query in m.email]
        return page_of(found, page, per)

    async def mailbox(self, domain_code: str, email_account_code: str) -> Mailbox:
        self._call("mailbox")
        found = [m for m in self.boxes.get(domain_code, []) if m.code == email_account_code]
        if not found:
            raise ApiNotFound("Not found", method="GET", path="/api/domains", status=404)
        return found[0]

    async def access_logs(
        self, domain_code: str, *, email: str, day: date, page: int = 1, per: int = 25
    ) -> Page[AccessLog]:
        self._call("access_logs")
        return page_of([], page, per)

    async def incoming_logs(
        self, domain_code: str, *, email: str, day: date, page: int = 1, per: int = 25
    ) -> Page[IncomingLog]:
        self._call("incoming_logs")
        return page_of([], page, per)

    async def outgoing_logs(
        self, domain_code: str, *, email: str, day: date, page: int = 1, per: int = 25
    ) -> Page[OutgoingLog]:
        self._call("outgoing_logs")
        return page_of([], page, per)

    async def message_folder(
        self, domain_code: str, *, email: str, message_id: str
    ) -> MessageFolder:
        self._call("message_folder")
        return MessageFolder(message_id=message_id, found=True, folder="INBOX")


def _matches(e: MailoutEntry, q: MailoutQuery) -> bool:
    checks = (
        q.domain is None or e.domain == q.domain,
        q.to is None or e.to == q.to,
        (q.collection or "worked") == e.collection,
        q.status is None or e.status == q.status,
        q.start_date is None or e.created_at.date() >= q.start_date,
        q.end_date is None or e.created_at.date() <= q.end_date,
    )
    return all(checks)
