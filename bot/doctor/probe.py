"""Read each allow-listed Qboxmail endpoint once or twice, small pages, in dependency order.

Ids for the single-resource endpoints come from the lists read before them (the first
account, hosted domain, mailbox, log entry). Writes (the Send API) are never called.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.doctor.report import EndpointResult, EndpointStatus
from bot.doctor.shape import Shape, Unexpected, compare
from bot.errors import ApiAuthError, QboxmailError
from bot.qboxmail.client import QboxmailClient, RawAnswer
from bot.qboxmail.contract import ENDPOINTS, ENDPOINTS_BY_NAME, Api, Endpoint
from bot.qboxmail.models import BINARY_ENDPOINTS, RESPONSE_MODELS, Pagination, unwrap_data

SMALL_PAGE = "3"
MAILOUTS_PAGE = "10"
Item = dict[str, Any]


@dataclass(frozen=True)
class Sample:
    """One answer as received: decoded JSON (None for a PDF), for comparing and recording."""

    endpoint: str
    status: int
    content_type: str
    size: int
    body: Any


@dataclass
class Probe:
    reader: QboxmailClient
    today: date
    results: dict[str, EndpointResult] = field(default_factory=dict)
    samples: dict[str, Sample] = field(default_factory=dict)
    entries: list[Item] = field(default_factory=list)  # mailouts items (for Send error ids)
    auth_error: QboxmailError | None = None

    async def run(self) -> None:
        """Every endpoint, chains concurrently; the caller bounds the whole with a timeout."""
        await self.read("dashboard")
        if self.results["dashboard"].status is EndpointStatus.FAILED:
            return  # the token or the host is wrong: every other call would fail the same way
        await asyncio.gather(
            self._delivery(), self._suppressions(), self._tracemail(), self._hosting()
        )

    # --- chains -------------------------------------------------------------------------------
    async def _delivery(self) -> None:
        accounts = await self.read("delivery_accounts", {"per": SMALL_PAGE})
        account_id = _first(accounts, "id")
        await self.read_with("delivery_account", account_id, id=account_id)
        await self.read_with("api_tokens", account_id, id=account_id)
        await self.read("delivery_domains", {"per": SMALL_PAGE})

    async def _suppressions(self) -> None:
        entries = await self.read("suppression_lists", {"per": SMALL_PAGE})
        email = _first(entries, "email")
        await self.read_with("suppression_details", email, body={"email": email})

    async def _tracemail(self) -> None:
        since = {"start_date": str(self.today - timedelta(days=1)), "end_date": str(self.today)}
        recent = {"per": MAILOUTS_PAGE}
        errors = {"per": MAILOUTS_PAGE, "collection": "errors"}
        self.entries = await self.read("mailouts", recent, errors)
        await self.read("counters", since)
        await self.read("tracemail_accounts", {**since, "per": SMALL_PAGE})
        await self.read("tracemail_domains", {**since, "per": SMALL_PAGE})
        week = {"start_date": str(self.today - timedelta(days=6)), "end_date": str(self.today)}
        await self.read("daily_statistics", week)

    async def _hosting(self) -> None:
        domains = await self.read("hosting_domains", {"per": SMALL_PAGE})
        code = _first(domains, "code")
        await asyncio.gather(
            self.read_with("hosting_domain", code, domain_code=code), self._mailboxes(code)
        )

    async def _mailboxes(self, code: object) -> None:
        boxes = await self.read_with("mailboxes", code, {"per": SMALL_PAGE}, domain_code=code)
        box = _first(boxes, "code")
        emails: list[str | None] = [str(b["email"]) for b in boxes if b.get("email")]
        await asyncio.gather(
            self.read_with("mailbox", box, domain_code=code, email_account_code=box),
            self._logs(code, emails),
        )

    async def _logs(self, code: object, emails: list[str | None]) -> None:
        """Yesterday's logs of the first mailbox (of a few) that received mail that day."""
        incoming: list[Item] = []
        email: str | None = None
        for email in emails or [None]:
            incoming = await self.read_with(
                "log_incoming", email, self._day(email), domain_code=code
            )
            if incoming:
                break
        message_id, log_id = _first(incoming, "message_id"), _first(incoming, "id")
        where = {"email": str(email), "message_id": str(message_id)}
        await asyncio.gather(
            self.read_with("log_access", email, self._day(email), domain_code=code),
            self.read_with("log_outgoing", email, self._day(email), domain_code=code),
            self.read_with("message_folder", message_id, where, domain_code=code),
            self.read_with("log_pdf", log_id, domain_code=code, log_type="incoming", log_id=log_id),
        )

    def _day(self, email: str | None) -> dict[str, str]:
        return {"email": str(email), "date": str(self.today - timedelta(days=1)), "per": "5"}

    # --- one endpoint -------------------------------------------------------------------------
    async def read_with(
        self, name: str, needed: object, *params: dict[str, str], **path: object
    ) -> list[Item]:
        """`read`, unless the id it needs could not be found (then SKIPPED, saying why)."""
        if needed is None:
            self._record(_result(name, EndpointStatus.SKIPPED, detail=_NOTHING))
            return []
        return await self.read(name, *params, **path)

    async def read(
        self, name: str, *params: dict[str, str], body: Any = None, **path: object
    ) -> list[Item]:
        """Call `name` once per params set (once when none), compare the items with its model,
        keep a sample (the first with items) for recording."""
        items: list[Any] = []
        shapes: list[Shape] = []
        for query in params or ({},):
            try:
                answer = await self.reader.raw(name, params=query or None, body=body, **path)
            except QboxmailError as error:
                self._failed(name, error)
                return []
            sample = _sample(name, answer)
            found, envelope = _envelope(ENDPOINTS_BY_NAME[name], sample)
            if found or name not in self.samples:
                self.samples[name] = sample
            items.extend(found)
            shapes.append(envelope)
        if name not in BINARY_ENDPOINTS:
            shapes.append(compare(RESPONSE_MODELS[name], items))
        self._record(_verdict(name, items, _union(shapes)))
        return [i for i in items if isinstance(i, dict)]

    def _failed(self, name: str, error: QboxmailError) -> None:
        if isinstance(error, ApiAuthError) and name == "dashboard":
            self.auth_error = error
        self._record(_result(name, EndpointStatus.FAILED, detail=_error_text(error)))

    def _record(self, result: EndpointResult) -> None:
        self.results[result.name] = result

    def finished(self, why_not: str) -> tuple[EndpointResult, ...]:
        """Every endpoint of the allow-list, in its order; any not reached says `why_not`."""
        out = []
        for endpoint in ENDPOINTS:
            if endpoint.name in self.results:
                out.append(self.results[endpoint.name])
            elif endpoint.writes:
                out.append(_result(endpoint.name, EndpointStatus.SKIPPED, detail=_never(endpoint)))
            else:
                out.append(_result(endpoint.name, EndpointStatus.FAILED, detail=why_not))
        return tuple(out)


_NOTHING = "not called: the list before it had nothing to read it with"
_SENDS = "never called: it sends mail (its error ids are checked in TraceMail instead)"
_CHANGES = "never called: it changes the customer's platform (the doctor only reads)"


def _never(endpoint: Endpoint) -> str:
    return _SENDS if endpoint.api is Api.SEND else _CHANGES


def _result(
    name: str, status: EndpointStatus, shape: Shape | None = None, detail: str = ""
) -> EndpointResult:
    spec = ENDPOINTS_BY_NAME[name]
    return EndpointResult(name, spec.method, spec.path, status, shape or Shape(), detail)


def _error_text(error: QboxmailError) -> str:
    status = getattr(error, "status", None)
    return f"HTTP {status}: {error}" if status else str(error)


def _first(items: list[Item], key: str) -> object:
    return next((item[key] for item in items if item.get(key) not in (None, "")), None)


def _sample(name: str, answer: RawAnswer) -> Sample:
    if name in BINARY_ENDPOINTS:
        return Sample(name, answer.status, answer.content_type, len(answer.content), None)
    try:
        body = json.loads(answer.content)
    except ValueError:
        body = None
    return Sample(name, answer.status, answer.content_type, len(answer.content), body)


def _envelope(endpoint: Endpoint, sample: Sample) -> tuple[list[Any], Shape]:
    """The sample's items, and what is wrong with the body around them (envelope, PDF)."""
    if endpoint.name in BINARY_ENDPOINTS:
        if sample.content_type.startswith("application/pdf"):
            return [{"pdf": sample.size}], Shape()
        return [], Shape(unexpected_type=(Unexpected("body", "a PDF", sample.content_type),))
    body = sample.body
    if not isinstance(body, dict):
        return [], Shape(unexpected_type=(Unexpected("body", "a JSON object", "something else"),))
    resources = body.get("resources")
    if not isinstance(resources, list):
        return [], Shape(missing=("resources",))
    paging = _pagination(body.get("pagination")) if endpoint.paged else Shape()
    return [unwrap_data(r) for r in resources], paging


def _pagination(value: Any) -> Shape:
    if not isinstance(value, dict) or not value:
        return Shape(missing=("pagination",))
    found = compare(Pagination, [value])
    return Shape(
        missing=tuple(f"pagination.{name}" for name in found.missing),
        unexpected_type=tuple(
            Unexpected(f"pagination.{u.field}", u.expected, u.got) for u in found.unexpected_type
        ),
        unknown_fields=tuple(f"pagination.{name}" for name in found.unknown_fields),
    )


def _union(shapes: list[Shape]) -> Shape:
    """Everything any of the shapes found, each once, in a stable order."""
    missing = dict.fromkeys(name for s in shapes for name in s.missing)
    unexpected = {u.field: u for s in shapes for u in s.unexpected_type}
    unknown = {name for s in shapes for name in s.unknown_fields}
    return Shape(
        missing=tuple(missing),
        unexpected_type=tuple(unexpected[k] for k in sorted(unexpected)),
        unknown_fields=tuple(sorted(unknown)),
    )


def _verdict(name: str, items: list[Item], shape: Shape) -> EndpointResult:
    if shape.drifted:
        return _result(name, EndpointStatus.DRIFT, shape)
    if not items:
        return _result(name, EndpointStatus.EMPTY, shape, "answered with no items")
    return _result(name, EndpointStatus.OK, shape, f"{len(items)} item(s) compared")
