"""The terminal rendering the CLI prints: verdict first, steps with evidence, colour on demand."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.diagnostics.report import (
    EscalationBundle,
    Evidence,
    Report,
    StepResult,
    StepStatus,
    Verdict,
    VerdictCode,
)
from bot.recognition.targets import Target, TargetKind
from bot.render.text import SIMULATED_BANNER, render_text

STEPS = (
    StepResult(
        "found",
        "Find the message",
        StepStatus.PASS,
        "Found 1 entry.",
        (
            Evidence(
                "searched", "worked to anna@example.com", "GET /api/delivery/tracemail/mailouts"
            ),
        ),
    ),
    StepResult(
        "outcome", "Outcome", StepStatus.FAIL, "Bounced: 550 5.1.1", remedy="Fix the address."
    ),
    StepResult(
        "account",
        "The sending account",
        StepStatus.UNKNOWN,
        "Skipped: found did not pass",
        skipped_because="found did not pass",
    ),
)


def report(*, simulated: bool = False, bundle: EscalationBundle | None = None) -> Report:
    return Report(
        checklist="message_trace",
        title="Message trace",
        target=Target(TargetKind.MESSAGE_ID, "8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example"),
        verdict=Verdict(VerdictCode.BOUNCED, "Bounced: the mailbox does not exist.", "Fix it."),
        steps=STEPS,
        generated_at=datetime(2026, 11, 20, tzinfo=UTC),
        simulated=simulated,
        api_calls=6,
        bundle=bundle,
        notes=("Searched 2 pages.",),
    )


def test_the_verdict_comes_first_with_its_symbol_and_next_action() -> None:
    lines = render_text(report()).splitlines()
    assert lines[0] == "✗ BOUNCED  Bounced: the mailbox does not exist."
    assert lines[1] == "  Next: Fix it."


def test_simulated_reports_say_so_on_the_first_line() -> None:
    assert render_text(report(simulated=True)).splitlines()[0] == SIMULATED_BANNER


def test_steps_show_status_summary_evidence_source_and_remedy() -> None:
    text = render_text(report())
    assert "✓ PASS    Find the message: Found 1 entry." in text
    assert "searched: worked to anna@example.com  (GET /api/delivery/tracemail/mailouts)" in text
    assert "✗ FAIL    Outcome: Bounced: 550 5.1.1" in text
    assert "-> Fix the address." in text
    assert "? UNKNOWN The sending account: Skipped: found did not pass" in text


def test_notes_and_the_escalation_bundle_are_listed() -> None:
    bundle = EscalationBundle(
        request_id="f43eb659-beb4-4f8a-a737-2d403998f4cf",
        recipient="a@b.example",
        checked=("PASS Find the message",),
    )
    text = render_text(report(bundle=bundle))
    assert "Notes:\n  - Searched 2 pages." in text
    assert "request_id: f43eb659-beb4-4f8a-a737-2d403998f4cf" in text
    assert "sender: (unknown)" in text


def test_colour_only_when_asked() -> None:
    assert "\x1b[" not in render_text(report())
    assert "\x1b[31m" in render_text(report(), color=True)
