"""The typed async Qboxmail client: one method per allow-listed endpoint of both APIs.

Management calls authenticate with the client's X-Api-Token; Send calls take a Bearer token
per call and are never retried. Errors are the bot.errors tree; results are bot.qboxmail.models.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel

from bot.clocks import Monotonic, WallClock
from bot.errors import PathNotAllowed
from bot.qboxmail.contract import ENDPOINTS_BY_NAME, MANAGEMENT_DEFAULT_PER, Api
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
    SendResponse,
    SuppressionEdit,
    SuppressionEntry,
    TraceMailAccount,
    TraceMailDomain,
)
from bot.qboxmail.query import MailoutQuery, wire_params
from bot.qboxmail.requester import JSON_TYPE, Call, Requester, Timeouts
from bot.qboxmail.responses import CallInfo, decode_model, decode_one, decode_page, decode_pdf
from bot.qboxmail.retry import Jitter, RetryBackoff, Sleep, Timing

M = TypeVar("M", bound=BaseModel)
PER = MANAGEMENT_DEFAULT_PER
PDF_ACCEPT = f"application/pdf, {JSON_TYPE}"  # JSON for the 404 error body


@dataclass(frozen=True)
class RawAnswer:
    """An allow-listed read's 2xx answer, undecoded (what `qbx doctor` compares and records)."""

    status: int
    content_type: str
    content: bytes


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _path(endpoint: str, **values: object) -> str:
    """The endpoint's path with its placeholders filled and validated (before any I/O)."""
    try:
        return ENDPOINTS_BY_NAME[endpoint].render(**values)
    except ValueError as exc:
        spec = ENDPOINTS_BY_NAME[endpoint]
        raise PathNotAllowed(str(exc), method=spec.method, path=spec.path) from None


class QboxmailClient:
    """Async client for the Qboxmail Management and Send APIs (use as an async context)."""

    def __init__(
        self,
        *,
        api_url: str,
        api_token: str,
        send_url: str,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        retry_budget: float = 20.0,
        max_retries: int = 4,
        max_connections: int = 50,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        jitter: Jitter = random.random,
        clock: Monotonic = time.monotonic,
        wall_clock: WallClock = _utcnow,
    ) -> None:
        self._http = Requester(
            bases={Api.MANAGEMENT: api_url, Api.SEND: send_url},
            management_token=api_token,
            timeouts=Timeouts(connect=connect_timeout, read=read_timeout),
            backoff=RetryBackoff(max_retries=max_retries, budget=retry_budget),
            timing=Timing(sleep=sleep, clock=clock, jitter=jitter),
            wall_clock=wall_clock,
            max_connections=max_connections,
            transport=transport,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- plumbing ---------------------------------------------------------------------------
    async def _get(
        self, path: str, params: dict[str, str] | None = None, accept: str = JSON_TYPE
    ) -> httpx.Response:
        return await self._http.send(Call(Api.MANAGEMENT, "GET", path, params, accept=accept))

    async def _page(self, model: type[M], path: str, params: dict[str, str]) -> Page[M]:
        response = await self._get(path, params)
        return decode_page(model, response, CallInfo(Api.MANAGEMENT, "GET", path))

    async def _items(self, model: type[M], path: str, params: dict[str, str]) -> list[M]:
        return list((await self._page(model, path, params)).resources)

    async def _one(self, model: type[M], path: str, params: dict[str, str] | None = None) -> M:
        response = await self._get(path, params)
        return decode_one(model, response, CallInfo(Api.MANAGEMENT, "GET", path))

    # --- Delivery ---------------------------------------------------------------------------
    async def delivery_accounts(
        self, *, query: str | None = None, status: str | None = None, page: int = 1, per: int = PER
    ) -> Page[DeliveryAccount]:
        params = wire_params(query=query, status=status, page=page, per=per)
        return await self._page(DeliveryAccount, _path("delivery_accounts"), params)

    async def delivery_account(self, account_id: int) -> DeliveryAccount:
        return await self._one(DeliveryAccount, _path("delivery_account", id=account_id))

    async def api_tokens(self, account_id: int) -> list[ApiToken]:
        return await self._items(ApiToken, _path("api_tokens", id=account_id), {})

    async def delivery_domains(
        self, *, query: str | None = None, status: str | None = None, page: int = 1, per: int = PER
    ) -> Page[DeliveryDomain]:
        params = wire_params(query=query, status=status, page=page, per=per)
        return await self._page(DeliveryDomain, _path("delivery_domains"), params)

    async def suppression_lists(
        self,
        *,
        query: str | None = None,
        account_id: int | None = None,
        reason: str | None = None,
        page: int = 1,
        per: int = PER,
    ) -> Page[SuppressionEntry]:
        params = wire_params(query=query, account_id=account_id, reason=reason, page=page, per=per)
        return await self._page(SuppressionEntry, _path("suppression_lists"), params)

    async def suppression_details(self, email: str) -> list[SuppressionEntry]:
        """The documented POST lookup (the address stays out of URLs); retried like a GET."""
        path = _path("suppression_details")
        response = await self._http.send(Call(Api.MANAGEMENT, "POST", path, json={"email": email}))
        page = decode_page(SuppressionEntry, response, CallInfo(Api.MANAGEMENT, "POST", path))
        return list(page.resources)

    async def suppression_edit(self, edit: SuppressionEdit) -> None:
        """The client's one write (documented PUT): e.g. `active=False` reactivates an address."""
        path = _path("suppression_edit")
        await self._http.send(Call(Api.MANAGEMENT, "PUT", path, json=edit.body()))

    # --- TraceMail --------------------------------------------------------------------------
    async def mailouts(self, query: MailoutQuery) -> Page[MailoutEntry]:
        return await self._page(MailoutEntry, _path("mailouts"), query.to_params())

    async def iter_mailouts(
        self, query: MailoutQuery, *, max_pages: int
    ) -> AsyncIterator[Page[MailoutEntry]]:
        """Pages from `query.page` on (newest first), until the last page or `max_pages`."""
        if max_pages < 1:
            raise ValueError(f"max_pages must be 1 or more, not {max_pages}")
        current = query
        for _ in range(max_pages):
            page = await self.mailouts(current)
            yield page
            if not page.resources or current.page >= page.pagination.total_pages:
                return
            current = current.with_page(current.page + 1)

    async def counters(
        self,
        *,
        account: int | None = None,
        domain: str | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        to: str | None = None,
        from_: str | None = None,
    ) -> Counters:
        params = wire_params(
            account=account, domain=domain, start_date=start_date, end_date=end_date, to=to,
            from_=from_,
        )  # fmt: skip
        return await self._one(Counters, _path("counters"), params)

    async def tracemail_accounts(
        self,
        *,
        start_date: date | None = None,
        end_date: date | None = None,
        page: int = 1,
        per: int = PER,
    ) -> Page[TraceMailAccount]:
        params = wire_params(start_date=start_date, end_date=end_date, page=page, per=per)
        return await self._page(TraceMailAccount, _path("tracemail_accounts"), params)

    async def tracemail_domains(
        self,
        *,
        account: int | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        page: int = 1,
        per: int = PER,
    ) -> Page[TraceMailDomain]:
        params = wire_params(
            account=account, start_date=start_date, end_date=end_date, page=page, per=per
        )
        return await self._page(TraceMailDomain, _path("tracemail_domains"), params)

    async def daily_statistics(
        self,
        *,
        account: int | None = None,
        domain: str | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
    ) -> list[DailyStatistics]:
        params = wire_params(
            account=account, domain=domain, start_date=start_date, end_date=end_date
        )
        return await self._items(DailyStatistics, _path("daily_statistics"), params)

    async def dashboard(self) -> Dashboard:
        return await self._one(Dashboard, _path("dashboard"))

    # --- Hosting and Email log analysis -----------------------------------------------------
    async def hosting_domains(
        self, *, query: str | None = None, page: int = 1, per: int = PER
    ) -> Page[HostingDomain]:
        params = wire_params(query=query, page=page, per=per)
        return await self._page(HostingDomain, _path("hosting_domains"), params)

    async def hosting_domain(self, domain_code: str) -> HostingDomain:
        return await self._one(HostingDomain, _path("hosting_domain", domain_code=domain_code))

    async def mailboxes(
        self, domain_code: str, *, query: str | None = None, page: int = 1, per: int = PER
    ) -> Page[Mailbox]:
        params = wire_params(query=query, page=page, per=per)
        return await self._page(Mailbox, _path("mailboxes", domain_code=domain_code), params)

    async def mailbox(self, domain_code: str, email_account_code: str) -> Mailbox:
        path = _path("mailbox", domain_code=domain_code, email_account_code=email_account_code)
        return await self._one(Mailbox, path)

    async def access_logs(
        self, domain_code: str, *, email: str, day: date, page: int = 1, per: int = PER
    ) -> Page[AccessLog]:
        params = wire_params(email=email, date=day, page=page, per=per)
        return await self._page(AccessLog, _path("log_access", domain_code=domain_code), params)

    async def incoming_logs(
        self, domain_code: str, *, email: str, day: date, page: int = 1, per: int = PER
    ) -> Page[IncomingLog]:
        params = wire_params(email=email, date=day, page=page, per=per)
        return await self._page(IncomingLog, _path("log_incoming", domain_code=domain_code), params)

    async def outgoing_logs(
        self, domain_code: str, *, email: str, day: date, page: int = 1, per: int = PER
    ) -> Page[OutgoingLog]:
        params = wire_params(email=email, date=day, page=page, per=per)
        return await self._page(OutgoingLog, _path("log_outgoing", domain_code=domain_code), params)

    async def message_folder(
        self, domain_code: str, *, email: str, message_id: str
    ) -> MessageFolder:
        params = wire_params(email=email, message_id=message_id)
        return await self._one(
            MessageFolder, _path("message_folder", domain_code=domain_code), params
        )

    async def log_pdf(self, domain_code: str, log_type: str, log_id: str) -> bytes:
        """The PDF export of one Email log analysis entry, as bytes (checked to be a PDF)."""
        path = _path("log_pdf", domain_code=domain_code, log_type=log_type, log_id=log_id)
        response = await self._get(path, accept=PDF_ACCEPT)
        return decode_pdf(response, CallInfo(Api.MANAGEMENT, "GET", path))

    # --- undecoded reads (qbx doctor) ------------------------------------------------------
    async def raw(
        self,
        endpoint: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        **path_values: object,
    ) -> RawAnswer:
        """One allow-listed read, undecoded. Writes (the Send API, the suppression edit) are
        refused before the network: this method never sends mail or changes anything."""
        spec = ENDPOINTS_BY_NAME[endpoint]
        if spec.writes or spec.api is not Api.MANAGEMENT:
            raise PathNotAllowed(f"{endpoint} is a write", method=spec.method, path=spec.path)
        call = Call(spec.api, spec.method, _path(endpoint, **path_values), params, json=body)
        response = await self._http.send(replace(call, accept=f"{JSON_TYPE}, application/pdf"))
        kind = response.headers.get("content-type", "")
        return RawAnswer(response.status_code, kind, response.content)

    # --- Send API (never retried: a retry could send the mail twice) ------------------------
    async def send(
        self, payload: dict[str, Any], *, token: str, client_ip: str | None = None
    ) -> SendResponse:
        return await self._send("send", payload, token, client_ip)

    async def send_bulk(
        self, payload: dict[str, Any], *, token: str, client_ip: str | None = None
    ) -> SendResponse:
        return await self._send("send_bulk", payload, token, client_ip)

    async def _send(
        self, endpoint: str, payload: dict[str, Any], token: str, client_ip: str | None
    ) -> SendResponse:
        path = _path(endpoint)
        call = Call(Api.SEND, "POST", path, json=payload, token=token, client_ip=client_ip)
        response = await self._http.send(call)
        return decode_model(SendResponse, response, CallInfo(Api.SEND, "POST", path, (token,)))
