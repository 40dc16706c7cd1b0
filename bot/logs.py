"""structlog set-up: JSON in production, console in development, secrets redacted everywhere.

Request-scoped context (trace id, Slack user and channel) rides on structlog's contextvars.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

if TYPE_CHECKING:
    from bot.settings import Settings

REDACTED = "[redacted]"
BODY_WITHHELD = "slack_bolt message withheld: it carries a request body"
_BOLT_LOGGERS = ("slack_bolt", "qbx.bolt")
_QUIET_LIBRARIES = ("httpx", "httpcore")

# Values that are secrets whatever field they hide in.
_SECRET_PATTERNS = (
    re.compile(r"xox[abposr]-[A-Za-z0-9-]{6,}"),  # Slack bot/user/legacy tokens
    re.compile(r"xapp-[A-Za-z0-9-]{6,}"),  # Slack app-level tokens
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"),  # Authorization: Bearer ...
    re.compile(r"(?i)(x-api-token[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9._~+/=-]{6,}"),
    re.compile(r"v0=[0-9a-f]{64}"),  # Slack request signatures
)
# Field names whose whole value is a secret.
_SECRET_KEYS = re.compile(
    r"(?i)(token|secret|password|passwd|authorization|api[_-]?key|signature|cookie)"
)


class Redactor:
    """A structlog processor that removes secrets from every value of every event."""

    def __init__(self, known_secrets: Iterable[str] = ()) -> None:
        self._known = tuple(
            sorted({s for s in known_secrets if len(s) >= 4}, key=len, reverse=True)
        )

    def scrub_text(self, text: str) -> str:
        for secret in self._known:
            text = text.replace(secret, REDACTED)
        for pattern in _SECRET_PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, text)
        return text

    def scrub(self, value: Any, key: str = "") -> Any:
        if key and _SECRET_KEYS.search(key) and value not in (None, "", False):
            return REDACTED
        if isinstance(value, str):
            return self.scrub_text(value)
        if isinstance(value, Mapping):
            return {k: self.scrub(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.scrub(v) for v in value]
        if isinstance(value, bytes | int | float | bool) or value is None:
            return value
        return self.scrub_text(repr(value))

    def __call__(self, logger: WrappedLogger, name: str, event_dict: EventDict) -> EventDict:
        return {k: self.scrub(v, k if k != "event" else "") for k, v in event_dict.items()}


class NoRequestBodies(logging.Filter):
    """Bolt logs whole request bodies (a badly signed request's at INFO, an unhandled one's at
    WARNING): recipient addresses and response_urls. Its lines that mention a body keep their
    level and lose their text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(_BOLT_LOGGERS) and _carries_body(record.getMessage()):
            record.msg, record.args = BODY_WITHHELD, None
        return True


def _carries_body(message: str) -> bool:
    """Bolt's lines that echo a request: "... body: {...}", "Unhandled request ({...})"."""
    lowered = message.lower()
    return "body" in lowered or "request (" in lowered or "{'" in message or '{"' in message


def _render_exception_then_redact(redactor: Redactor) -> list[Processor]:
    # Tracebacks are rendered to text first, so the redactor sees (and scrubs) them too.
    return [structlog.processors.format_exc_info, redactor]


class _CurrentStderr:
    """Writes to whatever sys.stderr is at the moment of writing (it may be swapped later)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()


def configure_logging(
    *,
    level: str = "INFO",
    fmt: str | None = None,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> None:
    """Configure structlog (and stdlib logging through it) once, at start-up."""
    out: TextIO = stream or _CurrentStderr()  # type: ignore[assignment]  # duck-typed stream
    use_console = fmt == "console" or (fmt is None and out.isatty())
    redactor = Redactor(secrets)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        *_render_exception_then_redact(redactor),
    ]
    renderer: Processor = (
        structlog.dev.ConsoleRenderer(colors=out.isatty())
        if use_console
        else structlog.processors.JSONRenderer()
    )
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(out),
        cache_logger_on_first_use=False,
    )
    # Libraries that log through the stdlib (uvicorn, slack_bolt, arq) go through the same chain.
    handler = logging.StreamHandler(out)
    handler.addFilter(NoRequestBodies())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processor=renderer,
            foreign_pre_chain=[
                structlog.contextvars.merge_contextvars,  # a request's context on library lines
                structlog.stdlib.add_logger_name,
                structlog.processors.add_log_level,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
                *_render_exception_then_redact(redactor),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx and httpcore log every request URL at INFO; TraceMail queries carry recipient
    # addresses, so their chatter stays out of our logs (the client logs what matters itself).
    for noisy in _QUIET_LIBRARIES:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


def bind_request(**context: Any) -> None:
    """Bind request-scoped context (trace_id, slack_user, slack_channel) for this task and the
    tasks it starts (they copy it), replacing whatever an earlier request in this context bound."""
    structlog.contextvars.unbind_contextvars("trace_id", "slack_user", "slack_channel", *context)
    structlog.contextvars.bind_contextvars(**context)


def bound_trace_id() -> str | None:
    """The trace id of the request this code runs for, when one is bound."""
    value = structlog.contextvars.get_contextvars().get("trace_id")
    return str(value) if value else None


def clear_request() -> None:
    structlog.contextvars.clear_contextvars()


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)


def configure_from_settings(settings: Settings, *, human: bool = False) -> None:
    """Logging for this process, from its settings: called once per process entry (the `qbx`
    dispatcher, uvicorn's worker factory). `human`: a command whose stdout is meant for people
    logs readable lines, and only warnings and errors unless LOG_LEVEL or LOG_FORMAT asks."""
    fmt = settings.log_format.value if settings.log_format else None
    level = settings.log_level.value
    if human:
        level = level if "log_level" in settings.model_fields_set else "WARNING"
        fmt = fmt or "console"
    configure_logging(level=level, fmt=fmt, secrets=settings.secret_values())
