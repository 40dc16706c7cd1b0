"""Canned Qboxmail answers for the engine's unit tests: wire models served through the real
client over httpx.MockTransport, filtered and paged like the contract says, every call recorded
by its contract endpoint name."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

import httpx
from pydantic import BaseModel

from bot.qboxmail.client import QboxmailClient
from bot.qboxmail.contract import Api, match_endpoint
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


Answer = list[Any] | Page[Any] | BaseModel | None  # None: 404 Not found
NO_PAGING = {"api_tokens", "daily_statistics"}  # lists the client reads without pagination


async def _no_sleep(_: float) -> None:
    return None


@dataclass
class CannedQboxmail:
    """A canned Qboxmail world; `client` is the real QboxmailClient that reads it."""

    accounts: dict[int, DeliveryAccount] = field(default_factory=dict)
    tokens: dict[int, list[ApiToken]] = field(default_factory=dict)
    domains: list[DeliveryDomain] = field(default_factory=list)
    suppressed: dict[str, list[SuppressionEntry]] = field(default_factory=dict)
    mailouts_data: list[MailoutEntry] = field(default_factory=list)
    stats: list[DailyStatistics] = field(default_factory=list)
    board: Dashboard = field(default_factory=Dashboard)
    hosted: dict[str, HostingDomain] = field(default_factory=dict)
    boxes: dict[str, list[Mailbox]] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # endpoint names that cannot be reached
    calls: list[str] = field(default_factory=list)
    queries: list[MailoutQuery] = field(default_factory=list)

    @cached_property
    def client(self) -> QboxmailClient:
        return QboxmailClient(
            api_url="http://qboxmail.test", api_token="canned", send_url="http://send.test",
            max_retries=0, sleep=_no_sleep, transport=httpx.MockTransport(self.handle),
        )  # fmt: skip

    async def handle(self, request: httpx.Request) -> httpx.Response:
        endpoint = match_endpoint(Api.MANAGEMENT, request.method, request.url.path)
        assert endpoint is not None, f"{request.method} {request.url.path} is not allow-listed"
        self.calls.append(endpoint.name)
        if endpoint.name in self.broken or "*" in self.broken:
            raise httpx.ConnectError("connection refused", request=request)
        found = endpoint.pattern.match(request.url.path)
        assert found is not None
        return await self.respond(endpoint.name, found.groupdict(), request)

    async def respond(
        self, name: str, path: dict[str, str], request: httpx.Request
    ) -> httpx.Response:
        """The answer to one allow-listed read (a subclass may delay or change one)."""
        params = dict(request.url.params)
        answer = self.answer(name, path, params, request)
        if answer is None:
            return httpx.Response(404, json={"message": "Not found", "errors": []})
        if isinstance(answer, Page):
            return _page_response(answer)
        if isinstance(answer, list):
            if name in NO_PAGING:
                return httpx.Response(200, json={"resources": [_wire(a) for a in answer]})
            return _page_response(page_of(answer, _int(params, "page", 1), _int(params, "per", 25)))
        return httpx.Response(200, json={"resources": [_wire(answer)], "pagination": {}})

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
        self.queries.append(query)
        found = [e for e in self.mailouts_data if _matches(e, query)]
        found.sort(key=lambda e: e.created_at, reverse=True)
        return page_of(found, query.page, query.per)


def mailout_query(params: dict[str, str]) -> MailoutQuery:
    """The MailoutQuery the wire parameters were made from."""
    values: dict[str, Any] = {}
    for f in fields(MailoutQuery):
        raw = params.get(f.name.rstrip("_"))
        if raw is None:
            continue
        if f.name in ("account", "page", "per"):
            values[f.name] = int(raw)
        elif f.name.endswith("_date"):
            values[f.name] = date.fromisoformat(raw)
        else:
            values[f.name] = raw
    return MailoutQuery(**values)


def _int(params: dict[str, str], name: str, default: int) -> int:
    return int(params.get(name, default))


def _wire(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True)


def _page_response(page: Page[Any]) -> httpx.Response:
    body = {
        "resources": [_wire(r) for r in page.resources],
        "pagination": page.pagination.model_dump(mode="json", by_alias=True),
    }
    return httpx.Response(200, json=body)


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
