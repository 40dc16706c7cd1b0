"""A canned Qboxmail world for the engine's unit tests: wire models served through the real
client (tests/qboxmail/canned.py), filtered and paged like the contract says."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from bot.qboxmail.models import (
    ApiToken,
    DailyStatistics,
    Dashboard,
    DeliveryAccount,
    DeliveryDomain,
    HostingDomain,
    Mailbox,
    MailoutEntry,
    MessageFolder,
    Page,
    SuppressionEntry,
)
from bot.qboxmail.query import MailoutQuery
from tests.qboxmail.canned import Answer, CannedAnswers, mailout_query, page_of

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


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
class CannedQboxmail(CannedAnswers):
    """A canned Qboxmail world for the engine; `client` is the real client that reads it."""

    accounts: dict[int, DeliveryAccount] = field(default_factory=dict)
    tokens: dict[int, list[ApiToken]] = field(default_factory=dict)
    domains: list[DeliveryDomain] = field(default_factory=list)
    suppressed: dict[str, list[SuppressionEntry]] = field(default_factory=dict)
    mailouts_data: list[MailoutEntry] = field(default_factory=list)
    stats: list[DailyStatistics] = field(default_factory=list)
    board: Dashboard = field(default_factory=Dashboard)
    hosted: dict[str, HostingDomain] = field(default_factory=dict)
    boxes: dict[str, list[Mailbox]] = field(default_factory=dict)
    unreachable: frozenset[str] = frozenset()  # endpoint names refused at connect ("*": all)

    def __post_init__(self) -> None:
        super().__init__()

    def answer(
        self, name: str, path: dict[str, str], params: dict[str, str], request: httpx.Request
    ) -> Answer:
        query = params.get("query")
        if name == "delivery_account":
            return self.accounts.get(int(path["id"]))
        if name == "api_tokens":
            return self.tokens.get(int(path["id"]), [])
        if name == "delivery_domains":
            return [d for d in self.domains if not query or query in d.name]
        if name == "suppression_details":
            return self.suppressed.get(json.loads(request.content)["email"], [])
        if name == "mailouts":
            return self._mailouts(mailout_query(params))
        if name == "daily_statistics":
            return self.stats
        if name == "dashboard":
            return self.board
        return self._hosting(name, path, params)

    def _hosting(self, name: str, path: dict[str, str], params: dict[str, str]) -> Answer:
        query = params.get("query")
        if name == "hosting_domains":
            return [d for d in self.hosted.values() if not query or query in d.name]
        if name == "hosting_domain":
            return self.hosted.get(path["domain_code"])
        boxes = self.boxes.get(path.get("domain_code", ""), [])
        if name == "mailboxes":
            return [m for m in boxes if not query or query in m.email]
        if name == "mailbox":
            return next((m for m in boxes if m.code == path["email_account_code"]), None)
        if name == "message_folder":
            return MessageFolder(message_id=params["message_id"], found=True, folder="INBOX")
        assert name in ("log_access", "log_incoming", "log_outgoing"), name
        return []

    def _mailouts(self, query: MailoutQuery) -> Page[Any]:
        found = [e for e in self.mailouts_data if _matches(e, query)]
        found.sort(key=lambda e: e.created_at, reverse=True)
        return page_of(found, query.page, query.per)


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
