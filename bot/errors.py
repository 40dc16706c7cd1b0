"""The whole qbx exception tree; one place (the handlers' error mapper) turns these into words.

QbxError
├── ConfigError              bad settings; start-up stops with every bad field listed
├── InputError               input that is not something qbx can trace (usage line + example)
├── ChecklistError           a checklist declaration that fails validation at start-up
├── StoreError               the shared store failed
│   └── StoreUnavailable     Redis cannot be reached (callers fall back or answer 503)
└── QboxmailError            anything from the Qboxmail APIs; carries method, path, status,
    │                        and the Send API request_id when there is one
    ├── PathNotAllowed       refused by the client's allow-list before any network I/O
    ├── ApiUnreachable       connection failed or timed out after the retry budget
    │   └── ApiTimeout
    ├── ApiDecodeError       the body is not the JSON shape the contract promises
    └── ApiResponseError     an HTTP error status
        ├── ApiAuthError     401 / 403
        ├── ApiNotFound      404
        ├── ApiValidationError 422, with the field errors
        ├── ApiRateLimited   429, with retry_after seconds when given
        └── ApiServerError   5xx
"""

from __future__ import annotations

from dataclasses import dataclass


class QbxError(Exception):
    """Base of every error qbx raises on purpose."""


class ConfigError(QbxError):
    """Settings failed validation; the message lists every bad field and how to fix it."""


class InputError(QbxError):
    """The user's input cannot be traced; `usage` and `example` say what would work."""

    def __init__(self, message: str, *, usage: str = "", example: str = "") -> None:
        super().__init__(message)
        self.usage = usage
        self.example = example


class ChecklistError(QbxError):
    """A checklist declaration is invalid (unknown fact, dangling prerequisite, ...)."""


class StoreError(QbxError):
    """The shared store failed."""


class StoreUnavailable(StoreError):
    """The shared store (Redis) cannot be reached."""


@dataclass(frozen=True)
class FieldError:
    """One field of a Management API 422 body."""

    field: str
    description: str


class QboxmailError(QbxError):
    """An error talking to Qboxmail; always says which call failed."""

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        status: int | None = None,
        request_id: str | None = None,
        error_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.request_id = request_id
        self.error_id = error_id

    def __str__(self) -> str:
        where = f"{self.method} {self.path}"
        status = f" -> {self.status}" if self.status is not None else ""
        rid = f" (request_id {self.request_id})" if self.request_id else ""
        return f"{self.message} [{where}{status}]{rid}"


class PathNotAllowed(QboxmailError):
    """The request is not on the allow-list; it never reached the network."""


class ApiUnreachable(QboxmailError):
    """The API could not be reached within the retry budget."""


class ApiTimeout(ApiUnreachable):
    """The API did not answer in time."""


class ApiDecodeError(QboxmailError):
    """The response body is not what the contract promises."""


class ApiResponseError(QboxmailError):
    """The API answered with an HTTP error status."""


class ApiAuthError(ApiResponseError):
    """401 or 403: the token is missing, wrong, or may not see this resource."""


class ApiNotFound(ApiResponseError):
    """404: the resource does not exist or is not visible to this token."""


class ApiValidationError(ApiResponseError):
    """422: the request had invalid fields."""

    field_errors: tuple[FieldError, ...] = ()

    def with_fields(self, field_errors: tuple[FieldError, ...]) -> ApiValidationError:
        """Attach the 422 body's field errors."""
        self.field_errors = field_errors
        return self


class ApiRateLimited(ApiResponseError):
    """429: too many requests or quota exhausted."""

    retry_after: float | None = None

    def with_retry_after(self, seconds: float | None) -> ApiRateLimited:
        """Attach the Retry-After the server asked for."""
        self.retry_after = seconds
        return self


class ApiServerError(ApiResponseError):
    """5xx: Qboxmail failed."""


__all__ = [
    "ApiAuthError",
    "ApiDecodeError",
    "ApiNotFound",
    "ApiRateLimited",
    "ApiResponseError",
    "ApiServerError",
    "ApiTimeout",
    "ApiUnreachable",
    "ApiValidationError",
    "ChecklistError",
    "ConfigError",
    "FieldError",
    "InputError",
    "PathNotAllowed",
    "QboxmailError",
    "QbxError",
    "StoreError",
    "StoreUnavailable",
]
