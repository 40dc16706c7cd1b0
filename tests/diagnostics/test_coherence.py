"""Answers that do not contradict themselves: over every decoded reply category (as a bounce and
as a deferral) and every simulator scenario, the headline, the steps and the next action agree.

Rules: the next action of a message's outcome comes from the decoded cause; a temporary refusal
is never told to resend, a final one never told to wait; the headline does not repeat the
verdict's label or its own advice; a step that could not compare anything is never a PASS; the
step that names a verdict's cause never passes under that verdict.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio

from bot.diagnostics.report import Report, Severity, StepStatus, VerdictCode
from bot.diagnostics.service import TraceService
from bot.diagnostics.smtp import SmtpCategory, decode
from bot.qboxmail.client import QboxmailClient
from bot.recognition.ids import recognise
from bot.recognition.targets import Hints, Target, TargetKind
from bot.simulator import create_simulation, running_simulator
from bot.simulator.describe import describe
from tests.diagnostics.canned import NOW, CannedQboxmail, account, domain, entry
from tests.diagnostics.test_scenarios import trace_text

# Replies a remote server might give; the test takes the first of each decoded category.
REPLIES: tuple[tuple[int | None, str | None, str], ...] = (
    (550, "5.1.1", "<x@example.com>: User unknown"),
    (550, "5.2.1", "mailbox disabled"),
    (451, "4.7.0", "greylisted, try again later"),
    (550, "5.7.26", "unauthenticated mail is prohibited by DMARC policy"),
    (554, "5.7.1", "message looks like spam"),
    (552, "5.2.2", "mailbox full"),
    (554, "5.3.0", "mail system error"),
    (451, "4.3.0", "local error in processing"),
    (None, None, "something odd happened"),
    (421, "4.7.0", "try again later"),
)
FAILING = [c for c in SmtpCategory if c is not SmtpCategory.SUCCESS]
# The step that names each verdict's cause: it cannot PASS when the verdict blames it.
CAUSE_STEPS: dict[VerdictCode, frozenset[str]] = {
    VerdictCode.REJECTED_IP: frozenset({"caller_ip"}),
    VerdictCode.REJECTED_AUTH: frozenset({"token"}),
    VerdictCode.REJECTED_DOMAIN: frozenset({"sending_domain"}),
    VerdictCode.DOMAIN_NOT_VERIFIED: frozenset({"sending_domain", "domain"}),
    VerdictCode.ACCOUNT_INACTIVE: frozenset({"account_status"}),
    VerdictCode.SUPPRESSED: frozenset({"suppression", "outcome"}),
    VerdictCode.BOUNCED: frozenset({"outcome"}),
    VerdictCode.DEFERRED: frozenset({"outcome"}),
    VerdictCode.NOT_FOUND: frozenset({"found", "searched"}),
    VerdictCode.INCONCLUSIVE: frozenset({"found", "searched"}),
}
NOT_REALLY_CHECKED = ("not known", "nothing to compare", "could not", "unknown")


def example_of(category: SmtpCategory) -> tuple[int | None, str | None, str]:
    return next(r for r in REPLIES if decode(*r).category is category)


def test_there_is_an_example_reply_of_every_category() -> None:
    found = {decode(*r).category for r in REPLIES}
    assert set(FAILING) <= found, f"no example reply for {set(FAILING) - found}"


def service_with(mailout: Any) -> TraceService:
    api = CannedQboxmail(mailouts_data=[mailout], accounts={4127: account()}, domains=[domain()])
    return TraceService(api.client, simulated=False, scan_budget=12, clock=lambda: NOW)


def target() -> Target:
    hints = Hints(recipients=("anna@example.com",), dates=(NOW.date(),))
    return Target(TargetKind.MESSAGE_ID, entry().message_id or "", hints)


def assert_headline_is_one_thought(report: Report) -> None:
    verdict = report.verdict
    label = verdict.code.value.replace("_", " ")
    assert not verdict.headline.lower().startswith(label + ":"), verdict.headline
    assert verdict.next_action not in verdict.headline, "the advice is said twice"
    assert verdict.headline.strip()
    assert verdict.next_action.strip()


def assert_steps_agree(report: Report) -> None:
    for step in report.steps:
        if step.status is StepStatus.PASS:
            said = step.summary.lower()
            assert not any(w in said for w in NOT_REALLY_CHECKED), f"PASS unchecked: {step}"
    blamed = CAUSE_STEPS.get(report.verdict.code, frozenset())
    passing = {s.id for s in report.steps if s.status is StepStatus.PASS}
    assert not blamed & passing, f"{report.verdict.code}: {blamed & passing} passed"
    failing = [s for s in report.steps if s.status is StepStatus.FAIL]
    if report.verdict.severity is Severity.BAD:
        assert failing, "a bad verdict with no failing step"
    if report.verdict.severity is Severity.GOOD:
        assert not failing, f"a good verdict with failing steps: {failing}"


@pytest.mark.parametrize("category", FAILING, ids=[c.value for c in FAILING])
async def test_a_bounce_is_told_what_its_decoded_cause_needs(category: SmtpCategory) -> None:
    code, enhanced, text = example_of(category)
    bounced = entry(status="bounce", smtp_code=code, smtp_enhanced_code=enhanced,
                    smtp_response=text, remote_mx="mx.example.com")  # fmt: skip
    report = await service_with(bounced).trace(target())
    assert report.verdict.code is VerdictCode.BOUNCED
    outcome = next(s for s in report.steps if s.id == "outcome")
    decoded = decode(code, enhanced, text)
    if category is SmtpCategory.DEFERRAL:  # retried until Qboxmail gave up: now it is final
        assert "stopped retrying" in report.verdict.next_action
    else:
        assert report.verdict.next_action == decoded.action
    assert outcome.remedy == report.verdict.next_action
    assert "next attempt" not in report.verdict.next_action.lower()
    assert "nothing to do" not in report.verdict.next_action.lower()
    assert_headline_is_one_thought(report)
    assert_steps_agree(report)


@pytest.mark.parametrize("category", FAILING, ids=[c.value for c in FAILING])
async def test_a_deferral_is_never_told_to_resend(category: SmtpCategory) -> None:
    code, enhanced, text = example_of(category)
    later = NOW + timedelta(minutes=30)
    deferred = entry(status="deferred", smtp_code=code, smtp_enhanced_code=enhanced,
                     smtp_response=text, next_attempt_at=later.isoformat())  # fmt: skip
    report = await service_with(deferred).trace(target())
    assert report.verdict.code is VerdictCode.DEFERRED
    action = report.verdict.next_action
    assert "Qboxmail retries it" in action
    assert f"{later:%Y-%m-%d %H:%M}" in action
    assert "resend" not in action
    assert "address" not in action.lower() or category is SmtpCategory.HARD_BOUNCE
    assert_headline_is_one_thought(report)
    assert_steps_agree(report)


@pytest.mark.parametrize("reason", ["bounce", "complaint", "unsubscribe", None])
async def test_a_suppressed_message_is_never_told_to_act_on_a_reply(reason: str | None) -> None:
    suppressed = entry(status="suppressed", attempts=0, suppression_reason=reason)
    report = await service_with(suppressed).trace(target())
    assert report.verdict.code is VerdictCode.SUPPRESSED
    assert "reply" not in report.verdict.next_action
    assert "suppression" in report.verdict.next_action
    assert_headline_is_one_thought(report)


# --- every simulator scenario ---------------------------------------------------------------

SCENARIOS = describe(create_simulation())["scenarios"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def simulated() -> AsyncIterator[TraceService]:
    async with running_simulator() as sim:
        client = QboxmailClient(
            api_url=sim.base_url, api_token=sim.management_token, send_url=sim.send_url
        )
        async with client:
            yield TraceService(client, simulated=True, scan_budget=12, clock=_now)


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
async def test_every_scenarios_answer_agrees_with_itself(
    simulated: TraceService, scenario: dict[str, Any]
) -> None:
    found = recognise(trace_text(scenario), today=_now().date())
    report = await simulated.trace(found.targets[0])
    assert_headline_is_one_thought(report)
    assert_steps_agree(report)
    text = scenario["trace"]
    text = f"account {text}" if text.isdigit() else text
    bare = await simulated.trace(recognise(text, today=_now().date()).targets[0])
    assert_headline_is_one_thought(bare)
    assert_steps_agree(bare)


async def test_an_unreadable_outcome_is_unknown_and_never_passes() -> None:
    api = CannedQboxmail(mailouts_data=[entry()], accounts={4127: account()}, domains=[domain()],
                  unreachable=frozenset({"suppression_details", "delivery_domains"}))  # fmt: skip
    service = TraceService(api.client, simulated=False, scan_budget=12, clock=lambda: NOW)
    report = await service.trace(target())
    assert report.verdict.code is VerdictCode.DELIVERED
    unknown = {s.id for s in report.steps if s.status is StepStatus.UNKNOWN}
    assert {"suppression", "domain"} <= unknown
    assert_steps_agree(report)


@pytest.mark.asyncio(loop_scope="module")
async def test_the_scenarios_reach_every_verdict_but_unknown(simulated: TraceService) -> None:
    reached: set[VerdictCode] = set()
    for scenario in SCENARIOS:
        for text in (trace_text(scenario), scenario["trace"]):
            text = f"account {text}" if text.isdigit() else text
            report = await simulated.trace(recognise(text, today=_now().date()).targets[0])
            reached.add(report.verdict.code)
    assert set(VerdictCode) - reached == {VerdictCode.UNKNOWN}


@pytest.mark.parametrize("category", FAILING, ids=[c.value for c in FAILING])
async def test_a_recipients_latest_bounce_is_told_what_its_cause_needs(
    category: SmtpCategory,
) -> None:
    code, enhanced, text = example_of(category)
    bounced = entry(status="bounce", smtp_code=code, smtp_enhanced_code=enhanced,
                    smtp_response=text)  # fmt: skip
    report = await service_with(bounced).trace(Target(TargetKind.ADDRESS, "anna@example.com"))
    assert report.verdict.code is VerdictCode.BOUNCED
    recent = next(s for s in report.steps if s.id == "recent")
    assert report.verdict.next_action == recent.remedy
    assert "Fix or remove the address" not in report.verdict.next_action
    if category is not SmtpCategory.DEFERRAL:
        assert report.verdict.next_action == decode(code, enhanced, text).action
    assert_headline_is_one_thought(report)
