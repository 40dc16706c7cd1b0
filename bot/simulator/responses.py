"""Documented response bodies: the Management envelope and error body, the Send API error body."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from bot.qboxmail.contract import SEND_ERRORS_BY_ID

JSON = "application/json"


@dataclass
class Resources:
    """A Management success body before serialisation: item JSON texts and the pagination."""

    items: list[bytes]
    pagination: dict[str, Any] | None = None  # None: `{}` as for single resources
    status: int = 200


class ApiProblem(Exception):
    """A Management error answer: status, the documented message and field errors."""

    def __init__(self, status: int, message: str, errors: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []


def unauthorized() -> ApiProblem:
    return ApiProblem(401, "Unauthorized")


def forbidden() -> ApiProblem:
    return ApiProblem(403, "Forbidden")


def not_found() -> ApiProblem:
    return ApiProblem(404, "Not found")


def invalid(field_name: str, description: str) -> ApiProblem:
    return ApiProblem(422, "Validation failed", [{"field": field_name, "description": description}])


def management_error(problem: ApiProblem, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps({"message": problem.message, "errors": problem.errors}).encode()
    return Response(body, problem.status, headers=headers, media_type=JSON)


def envelope(items: list[bytes], pagination: dict[str, Any] | None) -> bytes:
    pag = json.dumps(pagination if pagination is not None else {}).encode()
    return b'{"resources":[' + b",".join(items) + b'],"pagination":' + pag + b"}"


def data_wrapped(item: bytes) -> bytes:
    """The `{"data": "<json text>"}` wire variant of one item."""
    return b'{"data":' + json.dumps(item.decode()).encode() + b"}"


def pagination(
    total: int, page: int, per: int, *, query: str | None = None, status: str | None = None
) -> dict[str, Any]:
    return {
        "per": per,
        "page": page,
        "total_pages": max(1, -(-total // per)),
        "query": query,
        "filter": None,
        "status": status,
        "sort_field": None,
        "sort": None,
        "total_records": total,
    }


def send_error(
    error: str,
    request_id: str,
    *,
    message: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    kind = SEND_ERRORS_BY_ID[error]
    body = {
        "error_code": kind.http_status,
        "error": error,
        "message": message or kind.meaning[0].upper() + kind.meaning[1:] + ".",
        "request_id": request_id,
    }
    return Response(json.dumps(body).encode(), kind.http_status, headers=headers, media_type=JSON)


def model_json(model: Any, **extra: Any) -> bytes:
    """A wire model's JSON (by alias), with extra documented fields the model does not keep."""
    data = model.model_dump(mode="json", by_alias=True)
    data.update(extra)
    return json.dumps(data).encode()
