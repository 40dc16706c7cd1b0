"""Hand-built Reports for the pure rendering tests (the end-to-end tests use real traces)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.diagnostics.report import (
    EscalationBundle,
    Evidence,
    LogRef,
    Report,
    StepResult,
    StepStatus,
    Verdict,
    VerdictCode,
)
from bot.recognition.targets import Hints, Target, TargetKind

HOSTILE = "<!channel> <@U123> <https://evil.example|click> & co"
MESSAGE_ID = "0b9b6b8e-6f51-4c55-9a4e-1f0f3c7f1a2b@mail.example.com"


def step(index: int, status: StepStatus = StepStatus.PASS, text: str = "ok") -> StepResult:
    return StepResult(
        id=f"step_{index}",
        title=f"Step {index} {text}",
        status=status,
        summary=f"summary {text}",
        evidence=(Evidence("recipient", "jane.doe@customer.example", "GET /api/mailouts"),),
        remedy=f"remedy {text}",
    )


def report(
    *,
    code: VerdictCode = VerdictCode.BOUNCED,
    steps: tuple[StepResult, ...] = (),
    text: str = "ok",
    logs: int = 0,
    deep: bool = False,
) -> Report:
    return Report(
        checklist="message_trace",
        title="Message trace",
        target=Target(TargetKind.MESSAGE_ID, MESSAGE_ID, Hints(senders=("news@shop.example",))),
        verdict=Verdict(code, f"headline {text}", f"next {text}"),
        steps=steps or (step(1, text=text), step(2, StepStatus.FAIL, text)),
        generated_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        simulated=True,
        deep=deep,
        bundle=EscalationBundle(
            request_id="6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
            message_id=MESSAGE_ID,
            sender="news@shop.example",
            recipient="jane.doe@customer.example",
            checked=(f"FAIL bounced {text}",),
        ),
        logs=tuple(
            LogRef("D123456789", "incoming", f"L{i:012d}", f"incoming {text} {i}")
            for i in range(logs)
        ),
        notes=(f"note {text}",),
    )
