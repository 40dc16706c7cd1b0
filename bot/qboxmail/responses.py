"""Turn Qboxmail HTTP responses into wire models or into the bot.errors tree.

Statuses map to classes (401/403 auth, 404, 422 with field errors, 429 with Retry-After,
5xx); error bodies are parsed per API (Management `message`/`errors`, Send `error`/
`request_id`); a body that is not the promised JSON shape becomes ApiDecodeError.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Generic, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.errors import (
    ApiAuthError,
    ApiDecodeError,
    ApiNotFound,
    ApiRateLimited,
    ApiResponseError,
    ApiServerError,
    ApiValidationError,
    FieldError,
)
from bot.logs import Redactor
from bot.qboxmail.contract import Api
from bot.qboxmail.models import ManagementErrorBody, Page, Pagination, SendErrorBody
from bot.qboxmail.retry import parse_retry_after

M = TypeVar("M", bound=BaseModel)
PDF_MAGIC = b"%PDF-"

MAX_MESSAGE = 300


@dataclass(frozen=True)
class CallInfo:
    """Which call a response answers, and the secrets its error text must never show."""

    api: Api
    method: str
    path: str
    secrets: tuple[str, ...] = ()

    def scrub(self, text: str) -> str:
        """`text` without the call's tokens or anything shaped like a credential, shortened."""
        return Redactor(self.secrets).scrub_text(text)[:MAX_MESSAGE]


class _Envelope(BaseModel, Generic[M]):
    """The Management envelope as it arrives; `pagination` may be missing, `{}` or null."""

    model_config = ConfigDict(extra="ignore")

    resources: list[M]
    pagination: Pagination | None = None


# --- errors -------------------------------------------------------------------------------------
def _status_class(status: int) -> type[ApiResponseError]:
    if status in (401, 403):
        return ApiAuthError
    if status == 404:
        return ApiNotFound
    if status == 422:
        return ApiValidationError
    if status == 429:
        return ApiRateLimited
    if status >= 500:
        return ApiServerError
    return ApiResponseError


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None


def _send_body(raw: Any) -> SendErrorBody | None:
    try:
        return SendErrorBody.model_validate(raw)
    except ValidationError:
        return None


def _management_body(raw: Any) -> ManagementErrorBody | None:
    try:
        return ManagementErrorBody.model_validate(raw)
    except ValidationError:
        return None


def response_now(response: httpx.Response, fallback: datetime) -> datetime:
    """The server's own idea of now (its Date header) when it sent one; else `fallback`."""
    try:
        return parsedate_to_datetime(response.headers["date"])
    except (KeyError, TypeError, ValueError, IndexError):
        return fallback


def error_for(response: httpx.Response, call: CallInfo, now: datetime) -> ApiResponseError:
    """The bot.errors exception for an HTTP error response."""
    status = response.status_code
    raw = _json_or_none(response.content)
    send = _send_body(raw) if call.api is Api.SEND else None
    mgmt = _management_body(raw) if send is None and isinstance(raw, dict) else None
    text = (send.message if send else mgmt.message if mgmt else "") or (
        f"HTTP {status} {response.reason_phrase}".strip()
    )
    error = _status_class(status)(
        call.scrub(text),
        method=call.method,
        path=call.path,
        status=status,
        request_id=send.request_id if send else None,
        error_id=send.error if send else None,
    )
    if isinstance(error, ApiValidationError) and mgmt:
        error.with_fields(
            tuple(FieldError(e.field, call.scrub(e.description)) for e in mgmt.errors)
        )
    if isinstance(error, ApiRateLimited):
        error.with_retry_after(
            parse_retry_after(response.headers.get("retry-after"), response_now(response, now))
        )
    return error


# --- success bodies -----------------------------------------------------------------------------
def _decode_error(call: CallInfo, status: int, reason: str) -> ApiDecodeError:
    return ApiDecodeError(
        call.scrub(f"the body is not the JSON the contract promises: {reason}"),
        method=call.method,
        path=call.path,
        status=status,
    )


def _first_problem(error: ValidationError) -> str:
    first = error.errors(include_input=False, include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    return f"{where}: {first['msg']} ({error.error_count()} problem(s))"


def parse_model(model: type[M], raw: Any, call: CallInfo, status: int) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _decode_error(call, status, _first_problem(exc)) from None


def decode_json(response: httpx.Response, call: CallInfo) -> Any:
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise _decode_error(call, response.status_code, f"malformed JSON ({exc})") from None


def decode_page(model: type[M], response: httpx.Response, call: CallInfo) -> Page[M]:
    """A Management list envelope, parsed and validated in one pass (pydantic-core's JSON)."""
    envelope_type: type[_Envelope[M]] = _Envelope[model]  # type: ignore[valid-type]
    try:
        envelope = envelope_type.model_validate_json(response.content)
    except ValidationError as exc:
        raise _decode_error(call, response.status_code, _first_problem(exc)) from None
    page_type: type[Page[M]] = Page[model]  # type: ignore[valid-type]
    return page_type.model_construct(  # already validated: no second pass
        resources=envelope.resources, pagination=envelope.pagination or Pagination()
    )


def decode_one(model: type[M], response: httpx.Response, call: CallInfo) -> M:
    """A single-resource envelope: the one item of `resources`; none -> ApiNotFound."""
    page = decode_page(model, response, call)
    if not page.resources:
        raise ApiNotFound(
            "the API answered with no resource",
            method=call.method,
            path=call.path,
            status=response.status_code,
        )
    return page.resources[0]


def decode_model(model: type[M], response: httpx.Response, call: CallInfo) -> M:
    """A bare JSON object body (the Send API's 202) as `model`."""
    return parse_model(model, decode_json(response, call), call, response.status_code)


def decode_pdf(response: httpx.Response, call: CallInfo) -> bytes:
    """The body as PDF bytes; anything that is not a PDF is a decode error."""
    if not response.content.startswith(PDF_MAGIC):
        kind = response.headers.get("content-type", "no content type")
        raise _decode_error(call, response.status_code, f"expected a PDF, got {kind}")
    return response.content
