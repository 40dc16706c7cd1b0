"""The id ledger: applications record each Send API response with their own reference (the
guide's "IDs to keep"); traces look records up by request_id, message_id, reference or recipient.

Records are kept 30 days (TraceMail's history). Bad records are refused field by field.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.clocks import EpochClock
from bot.errors import InputError
from bot.qboxmail.contract import (
    MESSAGE_ID_RE,
    REQUEST_ID_RE,
    SEND_MAX_BULK_RECIPIENTS,
    SEND_MAX_MESSAGES,
)
from bot.store import keys as k
from bot.store.base import IndexedRecord, Store

ADDRESS_RE: Final = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
BATCH: Final = 500  # records per store round trip
FUTURE_SLACK_SECONDS: Final = 86_400  # submitted_at may be ahead of our clock by this much
MAX_ADDRESS: Final = 320  # RFC 5321's longest path
MAX_TEXT: Final = 1000  # the Send API's messages and error ids are a line long
MAX_ID: Final = 400  # request_id / message_id, checked against their patterns after this


def _address(value: str) -> str:
    if not ADDRESS_RE.match(value):
        raise ValueError(f"not an email address: {value[:80]!r}")
    return value


Address = Annotated[str, StringConstraints(max_length=MAX_ADDRESS), AfterValidator(_address)]
Short = Annotated[str, StringConstraints(max_length=MAX_TEXT)]


class Index:
    REQUEST = "request"
    MESSAGE = "message"
    REFERENCE = "reference"
    RECIPIENT = "recipient"


def _request_id(value: str | None) -> str | None:
    if value is not None and not REQUEST_ID_RE.match(value):
        raise ValueError("not a Send API request_id (a UUID v4)")
    return value


class LedgerMessage(BaseModel):
    """One entry of a 202 body's `messages`."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    message_id: str | None = Field(default=None, max_length=MAX_ID)
    to: str | None = Field(default=None, max_length=MAX_ADDRESS)
    error_code: int = 0
    message: Short = "OK"
    request_id: str | None = Field(default=None, max_length=MAX_ID)
    submitted_at: datetime | None = None

    @field_validator("message_id")
    @classmethod
    def _message_id(cls, value: str | None) -> str | None:
        if value is not None and not MESSAGE_ID_RE.match(value.lower()):
            raise ValueError("not a Send API message_id (uuid@domain)")
        return value

    _check_request_id = field_validator("request_id")(_request_id)


class LedgerRecord(BaseModel):
    """A Send API response (202 or error body) with its HTTP status and the caller's context."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    http_status: int = Field(ge=100, le=599)
    request_id: str | None = Field(default=None, max_length=MAX_ID)
    error_code: int = 0
    error: Short | None = None  # the Send API error id, for an error body
    message: Short = ""
    queued_messages: int = Field(default=0, ge=0)
    messages: tuple[LedgerMessage, ...] = Field(default=(), max_length=SEND_MAX_MESSAGES)
    reference: str | None = Field(default=None, min_length=1, max_length=200)
    recipients: tuple[Address, ...] = Field(default=(), max_length=SEND_MAX_BULK_RECIPIENTS)
    submitted_at: datetime

    _check_request_id = field_validator("request_id")(_request_id)

    @field_validator("submitted_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs a timezone, e.g. 2026-04-16T08:41:13.225Z")
        return value

    @model_validator(mode="after")
    def _status_matches_body(self) -> LedgerRecord:
        if 200 <= self.http_status < 300 and self.request_id is None:
            raise ValueError("a 2xx response carries a request_id")
        if self.http_status >= 400 and not self.error:
            raise ValueError("an error response (4xx/5xx) carries the Send API `error` id")
        return self

    @property
    def record_id(self) -> str:
        """The request_id; a digest of the record when the response had none."""
        if self.request_id:
            return self.request_id
        body = self.model_dump_json(exclude_none=True).encode()
        return "sha-" + hashlib.sha256(body).hexdigest()[:32]

    def message_ids(self) -> tuple[str, ...]:
        return tuple(m.message_id for m in self.messages if m.message_id)

    def all_recipients(self) -> tuple[str, ...]:
        found = [*self.recipients, *(m.to for m in self.messages if m.to)]
        return tuple(dict.fromkeys(address.lower() for address in found))

    def index(self) -> tuple[tuple[str, str], ...]:
        entries = [(Index.MESSAGE, mid.lower()) for mid in self.message_ids()]
        entries += [(Index.RECIPIENT, address) for address in self.all_recipients()]
        if self.request_id:
            entries.append((Index.REQUEST, self.request_id.lower()))
        if self.reference:
            entries.append((Index.REFERENCE, self.reference.strip().lower()))
        return tuple(entries)


@dataclass(frozen=True)
class FieldIssue:
    field: str  # dotted path, e.g. "messages.0.message_id"; "" for the record as a whole
    message: str


class InvalidRecord(InputError):
    """A ledger record failed validation; `issues` names each bad field."""

    def __init__(self, issues: Sequence[FieldIssue]) -> None:
        self.issues = tuple(issues)
        text = "; ".join(f"{i.field or 'record'}: {i.message}" for i in self.issues)
        super().__init__(f"invalid ledger record: {text}")


def _issue(error: Any) -> FieldIssue:
    path = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    return FieldIssue(path, message)


class Ledger:
    """Records Send API responses and finds them again; a service over the Store."""

    def __init__(self, store: Store, *, clock: EpochClock) -> None:
        self._store = store
        self._clock = clock

    def parse(self, raw: Any) -> LedgerRecord:
        """Validate one record (a decoded JSON object); raise InvalidRecord naming each field."""
        if not isinstance(raw, dict):
            raise InvalidRecord([FieldIssue("", "a record is a JSON object")])
        try:
            record = LedgerRecord.model_validate(raw)
        except ValidationError as exc:
            raise InvalidRecord([_issue(e) for e in exc.errors()]) from None
        self._check_age(record)
        return record

    def _check_age(self, record: LedgerRecord) -> None:
        at, now = record.submitted_at.timestamp(), self._clock()
        if at < now - k.LEDGER_TTL:
            raise InvalidRecord([FieldIssue("submitted_at", "older than the 30-day history")])
        if at > now + FUTURE_SLACK_SECONDS:
            raise InvalidRecord([FieldIssue("submitted_at", "more than a day in the future")])

    async def record(self, records: Sequence[LedgerRecord]) -> int:
        """Store records (StoreUnavailable when Redis is down: never accepted then dropped)."""
        for start in range(0, len(records), BATCH):
            batch = [_indexed(r) for r in records[start : start + BATCH]]
            await self._store.put_records(batch, k.LEDGER_TTL)
        return len(records)

    async def lookup_request(self, request_id: str) -> LedgerRecord | None:
        found = await self._find(Index.REQUEST, request_id, 1)
        return found[0] if found else None

    async def lookup_message(self, message_id: str) -> LedgerRecord | None:
        found = await self._find(Index.MESSAGE, message_id, 1)
        return found[0] if found else None

    async def lookup_reference(self, reference: str) -> list[LedgerRecord]:
        return await self._find(Index.REFERENCE, reference, k.LEDGER_LOOKUP_LIMIT)

    async def lookup_recipient(self, address: str) -> list[LedgerRecord]:
        return await self._find(Index.RECIPIENT, address, k.LEDGER_LOOKUP_LIMIT)

    async def _find(self, index: str, value: str, limit: int) -> list[LedgerRecord]:
        bodies = await self._store.find_records(index, value.strip().lower(), limit)
        return [LedgerRecord.model_validate_json(body) for body in bodies]


def _indexed(record: LedgerRecord) -> IndexedRecord:
    return IndexedRecord(
        record_id=record.record_id,
        body=record.model_dump_json(exclude_none=True),
        score=record.submitted_at.timestamp(),
        index=record.index(),
    )


def decode_line(line: str) -> Any:
    """One JSONL line; InvalidRecord when it is not JSON."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        issue = FieldIssue("", f"not JSON ({exc.msg} at column {exc.colno})")
        raise InvalidRecord([issue]) from None
