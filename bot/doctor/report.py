"""What `qbx doctor` found: checks with a status and a fix, and each Qboxmail endpoint's shape.

Pure values; `to_json` is the `--json` shape and `lines` the text output (one line per check).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.doctor.shape import Shape


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


class Area(StrEnum):
    SETTINGS = "settings"
    QBOXMAIL = "qboxmail"
    SLACK = "slack"
    STORE = "store"


class EndpointStatus(StrEnum):
    OK = "ok"  # answered; every field qbx reads is there, of the kind it expects
    DRIFT = "drift"  # answered, but missing fields or unexpected types/vocabulary
    EMPTY = "empty"  # answered with no items: nothing to compare
    FAILED = "failed"  # did not answer (error, timeout)
    SKIPPED = "skipped"  # not called: a write, or nothing to call it with


MARKS = {Status.OK: "✓", Status.WARN: "!", Status.FAIL: "✗"}


@dataclass(frozen=True)
class Check:
    area: Area
    name: str
    status: Status
    detail: str
    fix: str = ""

    def line(self) -> str:
        """One terminal line: the mark, where, what was found, and (unless ok) what to do."""
        fix = f" → {self.fix}" if self.fix and self.status is not Status.OK else ""
        text = f"{self.area.value}: {self.name}: {self.detail}{fix}"
        return f"{MARKS[self.status]} " + "".join(c if c.isprintable() else " " for c in text)

    def to_json(self) -> dict[str, str]:
        return {
            "area": self.area.value,
            "name": self.name,
            "status": self.status.value,
            "detail": self.detail,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class EndpointResult:
    name: str
    method: str
    path: str
    status: EndpointStatus
    shape: Shape = field(default_factory=Shape)
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "status": self.status.value,
            "missing": list(self.shape.missing),
            "unexpected_type": [u.text() for u in self.shape.unexpected_type],
            "unknown_fields": list(self.shape.unknown_fields),
        }


@dataclass(frozen=True)
class DoctorReport:
    checks: tuple[Check, ...]
    endpoints: tuple[EndpointResult, ...] = ()

    @property
    def ok(self) -> bool:
        return all(check.status is not Status.FAIL for check in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checks": [check.to_json() for check in self.checks],
            "qboxmail": {"endpoints": [e.to_json() for e in self.endpoints]},
        }

    def lines(self) -> list[str]:
        counts = {s: sum(c.status is s for c in self.checks) for s in Status}
        summary = (
            f"{counts[Status.OK]} ok, {counts[Status.WARN]} to look at, "
            f"{counts[Status.FAIL]} failed"
        )
        return [*(check.line() for check in self.checks), summary]
