"""Report -> terminal text: the verdict first, then each step with its evidence and remedy.

Colour (ANSI) only when asked for, which the CLI does only on a terminal. Pure.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.diagnostics.report import (
    EscalationBundle,
    Report,
    Severity,
    StepResult,
    StepStatus,
)

SIMULATED_BANNER = (
    "SIMULATED: no QBOXMAIL_API_TOKEN is set, so these answers come from qbx's embedded "
    "Qboxmail simulator, not from a real account."
)
STEP_MARK = {
    StepStatus.PASS: ("✓", "32"),
    StepStatus.FAIL: ("✗", "31"),
    StepStatus.WARN: ("!", "33"),
    StepStatus.UNKNOWN: ("?", "90"),
}
VERDICT_MARK = {
    Severity.GOOD: ("✓", "32"),
    Severity.INFO: ("i", "36"),
    Severity.WARNING: ("!", "33"),
    Severity.BAD: ("✗", "31"),
}


def paint(text: str, code: str, *, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def render_text(report: Report, *, color: bool = False) -> str:
    return "\n".join(_lines(report, color=color)) + "\n"


def _lines(report: Report, *, color: bool) -> Iterator[str]:
    if report.simulated:
        yield paint(SIMULATED_BANNER, "1;35", color=color)
    mark, code = VERDICT_MARK[report.verdict.severity]
    label = report.verdict.code.value.upper()
    yield paint(f"{mark} {label}", f"1;{code}", color=color) + f"  {report.verdict.headline}"
    yield f"  Next: {report.verdict.next_action}"
    yield ""
    deep = ", deep" if report.deep else ""
    yield (
        f"{report.title} for {report.target.kind.value} {report.target.value} "
        f"({report.api_calls} API calls, {report.duration_ms:.0f} ms{deep})"
    )
    for step in report.steps:
        yield from _step(step, color=color)
    yield from _section("Notes", report.notes)
    if report.bundle is not None:
        yield from _section("Escalation bundle for Qboxmail support", _bundle(report.bundle))
    yield from _section(
        "Email logs (PDF)", [f"{r.title} [{r.log_type} {r.log_id}]" for r in report.logs]
    )
    yield from _section("Related", [f"{t.kind.value} {t.value}" for t in report.related])


def _step(step: StepResult, *, color: bool) -> Iterator[str]:
    mark, code = STEP_MARK[step.status]
    status = paint(f"{mark} {step.status.value.upper():7}", code, color=color)
    yield f"  {status} {step.title}: {step.summary}"
    for item in step.evidence:
        where = f"  ({item.source})" if item.source else ""
        yield f"              {item.label}: {item.value}{where}"
    if step.remedy and step.status != StepStatus.PASS:
        yield f"              -> {step.remedy}"


def _section(title: str, lines: list[str] | tuple[str, ...]) -> Iterator[str]:
    if not lines:
        return
    yield ""
    yield f"{title}:"
    for line in lines:
        yield f"  - {line}"


def _bundle(bundle: EscalationBundle) -> list[str]:
    fields = {
        "request_id": bundle.request_id,
        "message_id": bundle.message_id,
        "timestamp": bundle.timestamp.isoformat() if bundle.timestamp else None,
        "sender": bundle.sender,
        "recipient": bundle.recipient,
        "account": bundle.account_id,
        "domain": bundle.domain,
    }
    lines = [f"{k}: {v if v is not None else '(unknown)'}" for k, v in fields.items()]
    return lines + [f"checked: {line}" for line in bundle.checked]
