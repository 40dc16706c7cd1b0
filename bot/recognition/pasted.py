"""Pasted API bodies: a Send API 202 or error body, a Management API error body.

Found as objects anywhere in the text (a ``` block, a log line's `body={...}`, JSON logged as
a string, a Python dict repr); the HTTP status comes from `error_code` or a nearby `HTTP 403`
/ `status=403`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from bot.qboxmail import contract
from bot.recognition.fields import explain
from bot.recognition.mentions import classify_address
from bot.recognition.objects import OBJECT_START, ObjectReader
from bot.recognition.targets import FieldProblem, PastedResponse, TargetKind

MAX_ATTEMPTS: Final = 64  # objects tried per text
MAX_BODIES: Final = 8
MAX_ITEMS: Final = 100  # messages or field errors read from one body
_STATUS_BEFORE: Final = 300
_STATUS_AFTER: Final = 120
_STATUS: Final = re.compile(
    r"(?:\bHTTP(?:/\d(?:\.\d)?)?[ \t]{1,3}|\bstatus(?:_?code)?[\"']?[ \t]{0,3}[:=]?[ \t]{0,3})"
    r"([1-5]\d\d)\b",
    re.IGNORECASE,
)
_ERROR_ID: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")


@dataclass(frozen=True)
class SentMessage:
    message_id: str
    to: str | None
    submitted: date | None


@dataclass(frozen=True)
class PastedBody:
    """One recognised body: what it says and where it sits in the text."""

    kind: TargetKind  # SEND_RESPONSE or MANAGEMENT_ERROR
    response: PastedResponse
    messages: tuple[SentMessage, ...]
    start: int
    end: int


def find_bodies(text: str) -> list[PastedBody]:
    """Every Send or Management body pasted in `text`, in order."""
    bodies: list[PastedBody] = []
    position, attempts, reader = 0, 0, ObjectReader()
    while attempts < MAX_ATTEMPTS and len(bodies) < MAX_BODIES:
        match = OBJECT_START.search(text, position)
        if match is None:
            break
        attempts += 1
        obj, end = reader.read(text, match)
        body = _interpret(text, obj, match.start(), end) if isinstance(obj, dict) else None
        if body is not None:
            bodies.append(body)
        position = end if body is not None else match.start() + 1  # look inside other JSON
    return bodies


def _interpret(text: str, obj: dict[str, object], start: int, end: int) -> PastedBody | None:
    status = _nearby_status(text, start, end)
    if _is_send(obj):
        return _send_body(obj, status, start, end)
    if "errors" in obj or ("message" in obj and status is not None and status >= 400):
        return _management_body(obj, status, start, end)
    return None


def _is_send(obj: dict[str, object]) -> bool:
    return (
        "error_code" in obj
        or "queued_messages" in obj
        or ("request_id" in obj and ("error" in obj or "messages" in obj))
    )


def _send_body(obj: dict[str, object], status: int | None, start: int, end: int) -> PastedBody:
    code = _int(obj.get("error_code"))
    messages = _messages(obj.get("messages"))
    response = PastedResponse(
        http_status=_send_status(code, status),
        error=_error_id(obj.get("error")),
        message=_text(obj.get("message")),
        request_id=_request_id(obj.get("request_id")),
        message_ids=tuple(m.message_id for m in messages),
        recipients=tuple(dict.fromkeys(m.to for m in messages if m.to)),
    )
    return PastedBody(TargetKind.SEND_RESPONSE, response, messages, start, end)


def _send_status(code: int | None, nearby: int | None) -> int | None:
    if code is not None and 100 <= code <= 599:
        return code
    if nearby is not None:
        return nearby
    return 202 if code == 0 else None  # the documented 202 body carries error_code 0


def _management_body(
    obj: dict[str, object], status: int | None, start: int, end: int
) -> PastedBody:
    message = _text(obj.get("message"))
    problems = _field_problems(obj.get("errors"))
    if status is None and (problems or message == "Validation failed"):
        status = 422  # the documented meaning of `Validation failed` + errors[]
    response = PastedResponse(http_status=status, message=message, field_problems=problems)
    return PastedBody(TargetKind.MANAGEMENT_ERROR, response, (), start, end)


def _field_problems(errors: object) -> tuple[FieldProblem, ...]:
    pairs: list[tuple[str, str]] = []
    if isinstance(errors, dict):
        for name, value in list(errors.items())[:MAX_ITEMS]:
            items = value if isinstance(value, list) else [value]
            pairs.append((str(name), "; ".join(str(i) for i in items[:10])))
    elif isinstance(errors, list):
        for item in errors[:MAX_ITEMS]:
            if isinstance(item, dict):
                pairs.append((str(item.get("field", "")), str(item.get("description", ""))))
            elif isinstance(item, str):
                pairs.append(("", item))
    return tuple(explain(name, description) for name, description in pairs)


def _messages(value: object) -> tuple[SentMessage, ...]:
    if not isinstance(value, list):
        return ()
    found: list[SentMessage] = []
    for item in value[:MAX_ITEMS]:
        if not isinstance(item, dict):
            continue
        message_id = _message_id(item.get("message_id"))
        if message_id is not None:
            to = item.get("to")
            to_address = classify_address(to) if isinstance(to, str) else None
            found.append(SentMessage(message_id, to_address, _date(item.get("submitted_at"))))
    return tuple(found)


def _nearby_status(text: str, start: int, end: int) -> int | None:
    before = list(_STATUS.finditer(text, max(0, start - _STATUS_BEFORE), start))
    if before:
        return int(before[-1][1])
    after = _STATUS.search(text, end, end + _STATUS_AFTER)
    return int(after[1]) if after else None


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 3:
        return int(value)
    return None


def _text(value: object) -> str | None:
    return value[:300] if isinstance(value, str) else None


def _error_id(value: object) -> str | None:
    return value if isinstance(value, str) and _ERROR_ID.fullmatch(value) else None


def _request_id(value: object) -> str | None:
    if isinstance(value, str) and contract.REQUEST_ID_RE.fullmatch(value.strip().lower()):
        return value.strip().lower()
    return None


def _message_id(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    candidate = value.strip().strip("<>").lower()
    return candidate if contract.MESSAGE_ID_RE.fullmatch(candidate) else None


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value[:40].replace("Z", "+00:00")).date()
    except ValueError:
        return None
