"""Reports: the value every trace produces. They serialise to JSON and back (cache, Slack, CLI)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import TypeAdapter

from bot.recognition.targets import Target


class StepStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    UNKNOWN = "unknown"  # could not check (error or skipped prerequisite): never a pass


class VerdictCode(StrEnum):
    DELIVERED = "delivered"
    QUEUED = "queued"
    DEFERRED = "deferred"
    BOUNCED = "bounced"
    SUPPRESSED = "suppressed"
    REJECTED_AUTH = "rejected_auth"
    REJECTED_IP = "rejected_ip"
    REJECTED_DOMAIN = "rejected_domain"
    REJECTED_QUOTA = "rejected_quota"
    REJECTED_PAYLOAD = "rejected_payload"
    ACCOUNT_INACTIVE = "account_inactive"
    DOMAIN_NOT_VERIFIED = "domain_not_verified"
    DOMAIN_INACTIVE = "domain_inactive"
    MAILBOX_INACTIVE = "mailbox_inactive"
    BEYOND_RETENTION = "beyond_retention"
    NOT_FOUND = "not_found"  # every place the message could be was searched
    INCONCLUSIVE = "inconclusive"  # the search budget ran out before it could be ruled out
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNKNOWN = "unknown"


class Severity(StrEnum):
    """How a verdict should look to a person (emoji, colour)."""

    GOOD = "good"
    INFO = "info"
    WARNING = "warning"
    BAD = "bad"


SEVERITY: dict[VerdictCode, Severity] = {
    VerdictCode.DELIVERED: Severity.GOOD,
    VerdictCode.HEALTHY: Severity.GOOD,
    VerdictCode.QUEUED: Severity.INFO,
    VerdictCode.DEFERRED: Severity.WARNING,
    VerdictCode.DEGRADED: Severity.WARNING,
    VerdictCode.BEYOND_RETENTION: Severity.INFO,
    VerdictCode.NOT_FOUND: Severity.WARNING,
    VerdictCode.INCONCLUSIVE: Severity.WARNING,
    VerdictCode.UNKNOWN: Severity.WARNING,
}  # every other code is BAD


def severity_of(code: VerdictCode) -> Severity:
    return SEVERITY.get(code, Severity.BAD)


@dataclass(frozen=True)
class Evidence:
    """A fact that decided a step: what it is, its value, and where it came from."""

    label: str
    value: str
    source: str | None = None  # e.g. "GET /api/delivery/accounts/4127", "input"


@dataclass(frozen=True)
class StepResult:
    id: str
    title: str
    status: StepStatus
    summary: str  # one line: what was found
    evidence: tuple[Evidence, ...] = ()
    remedy: str | None = None  # what to do when the step did not pass
    skipped_because: str | None = None
    error: str | None = None  # why it could not be checked


@dataclass(frozen=True)
class Verdict:
    code: VerdictCode
    headline: str  # the most likely cause, one line
    next_action: str  # what to do next, one line

    @property
    def severity(self) -> Severity:
        return severity_of(self.code)


@dataclass(frozen=True)
class EscalationBundle:
    """What Qboxmail support asks for (guide, checklist 2 step 6), plus what qbx checked."""

    request_id: str | None = None
    message_id: str | None = None
    timestamp: datetime | None = None
    sender: str | None = None
    recipient: str | None = None
    account_id: int | None = None
    domain: str | None = None
    checked: tuple[str, ...] = ()  # one line per step: "PASS account enabled", ...
    remote_mx: str | None = None  # the server that answered last
    remote_reply: str | None = None  # its reply, as it said it (untrusted text)
    decoded_reply: str | None = None  # that reply in qbx's words
    updated_at: datetime | None = None  # the last change TraceMail recorded


@dataclass(frozen=True)
class LogRef:
    """An Email log analysis entry whose PDF can be fetched."""

    domain_code: str
    log_type: str  # access | incoming | outgoing
    log_id: str
    title: str  # e.g. "incoming 2026-11-20 10:02 from a@b.example"


@dataclass(frozen=True)
class Report:
    checklist: str  # checklist id, e.g. "message_trace"
    title: str  # checklist title, e.g. "Message trace"
    target: Target
    verdict: Verdict
    steps: tuple[StepResult, ...]
    generated_at: datetime
    simulated: bool
    deep: bool = False
    api_calls: int = 0
    duration_ms: float = 0.0
    bundle: EscalationBundle | None = None
    logs: tuple[LogRef, ...] = ()
    notes: tuple[str, ...] = ()  # e.g. what was searched and what hint would narrow it
    related: tuple[Target, ...] = field(default=())  # e.g. message ids found for a request_id
    api_depth: int = 0  # the longest chain of API calls that had to wait for one another

    def to_json(self) -> str:
        return _ADAPTER.dump_json(self).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> Report:
        return _ADAPTER.validate_json(text)


_ADAPTER: TypeAdapter[Report] = TypeAdapter(Report)

ProgressCallback = Callable[[StepResult, int, int], Awaitable[None]]
"""Called as each step finishes: (step, steps done, steps in all)."""
