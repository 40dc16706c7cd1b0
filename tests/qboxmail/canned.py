"""Canned Qboxmail answers served through the real client over httpx.MockTransport.

A test world says what each allow-listed read answers (`answer`); the client's allow-list,
wire decoding, error mapping and call recording all run for real. Every request is kept by its
contract endpoint name, and the mailouts queries as the MailoutQuery they were made from.
"""

from __future__ import annotations

import math
from dataclasses import fields
from datetime import date
from functools import cached_property
from typing import Any

import httpx
from pydantic import BaseModel

from bot.qboxmail.client import QboxmailClient
from bot.qboxmail.contract import MANAGEMENT_DEFAULT_PER, Api, match_endpoint
from bot.qboxmail.models import Page, Pagination
from bot.qboxmail.query import MailoutQuery

Answer = list[Any] | Page[Any] | BaseModel | None  # a list is paged; None is 404 Not found
UNPAGED = frozenset({"api_tokens", "daily_statistics"})  # lists the API answers whole


class Refused(Exception):
    """Raised by `answer`: the API answers this status and message instead."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def _no_sleep(_: float) -> None:
    return None


class CannedAnswers:
    """The wire side of a canned world; `client` is the real QboxmailClient that reads it."""

    unreachable: frozenset[str] = frozenset()  # endpoint names refused at connect ("*": all)

    def __init__(self) -> None:
        self.requests: list[str] = []  # endpoint names, in the order they were asked
        self.mailout_queries: list[MailoutQuery] = []

    @cached_property
    def client(self) -> QboxmailClient:
        return QboxmailClient(
            api_url="http://qboxmail.test", api_token="canned", send_url="http://send.test",
            max_retries=0, sleep=_no_sleep, transport=httpx.MockTransport(self.handle),
        )  # fmt: skip

    async def handle(self, request: httpx.Request) -> httpx.Response:
        endpoint = match_endpoint(Api.MANAGEMENT, request.method, request.url.path)
        assert endpoint is not None, f"{request.method} {request.url.path} is not allow-listed"
        self.requests.append(endpoint.name)
        if endpoint.name in self.unreachable or "*" in self.unreachable:
            raise httpx.ConnectError("connection refused", request=request)
        found = endpoint.pattern.match(request.url.path)
        assert found is not None
        return await self.respond(endpoint.name, found.groupdict(), request)

    async def respond(
        self, name: str, path: dict[str, str], request: httpx.Request
    ) -> httpx.Response:
        """The answer to one allow-listed read (a subclass may delay one)."""
        params = dict(request.url.params)
        if name == "mailouts":
            self.mailout_queries.append(mailout_query(params))
        try:
            answer = self.answer(name, path, params, request)
        except Refused as refused:
            return httpx.Response(refused.status, json={"message": str(refused), "errors": []})
        return _response(name, answer, params)

    def answer(
        self, name: str, path: dict[str, str], params: dict[str, str], request: httpx.Request
    ) -> Answer:
        raise NotImplementedError(name)


def _response(name: str, answer: Answer, params: dict[str, str]) -> httpx.Response:
    if answer is None:
        return httpx.Response(404, json={"message": "Not found", "errors": []})
    if isinstance(answer, list) and name in UNPAGED:
        return httpx.Response(200, json={"resources": [_wire(a) for a in answer]})
    if isinstance(answer, list):
        page, per = int(params.get("page", 1)), int(params.get("per", MANAGEMENT_DEFAULT_PER))
        answer = page_of(answer, page, per)
    if isinstance(answer, Page):
        resources, pagination = answer.resources, _wire(answer.pagination)
        return httpx.Response(200, json={"resources": [_wire(r) for r in resources],
                                         "pagination": pagination})  # fmt: skip
    return httpx.Response(200, json={"resources": [_wire(answer)], "pagination": {}})


def page_of(items: list[Any], page: int, per: int) -> Page[Any]:
    total_pages = max(1, math.ceil(len(items) / per))
    chunk = items[(page - 1) * per : page * per]
    pagination = Pagination(per=per, page=page, total_pages=total_pages, total_records=len(items))
    return Page[Any](resources=chunk, pagination=pagination)


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


def _wire(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True)
