"""TraceService over canned Qboxmail answers: pasted responses, progress, JSON, unreachable API."""

from __future__ import annotations

import pytest

from bot.diagnostics.report import Report, StepResult, StepStatus, VerdictCode
from bot.diagnostics.service import TraceService
from bot.errors import ApiUnreachable, InputError
from bot.qboxmail.contract import SEND_ERRORS
from bot.recognition.targets import FieldProblem, Hints, PastedResponse, Target, TargetKind
from tests.diagnostics.canned import NOW, CannedQboxmail, account, domain, entry

RID = "f43eb659-beb4-4f8a-a737-2d403998f4cf"
MID = "8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example"
V = VerdictCode
EXPECTED = {
    "missing_token": V.REJECTED_AUTH,
    "invalid_token": V.REJECTED_AUTH,
    "ip_not_allowed": V.REJECTED_IP,
    "sender_domain_not_allowed": V.REJECTED_DOMAIN,
    "sender_domain_not_verified": V.REJECTED_DOMAIN,
    "account_disabled": V.ACCOUNT_INACTIVE,
    "account_blocked": V.ACCOUNT_INACTIVE,
    "account_wait_pay": V.ACCOUNT_INACTIVE,
    "quota_exceeded": V.REJECTED_QUOTA,
    "rate_limited": V.REJECTED_QUOTA,
}


def service(api: CannedQboxmail) -> TraceService:
    return TraceService(api.client, simulated=False, scan_budget=6, clock=lambda: NOW)


def pasted(status: int, error: str | None = None, **extra: object) -> Target:
    response = PastedResponse(http_status=status, error=error, request_id=RID, **extra)  # type: ignore[arg-type]
    return Target(TargetKind.SEND_RESPONSE, RID, pasted=response)


@pytest.mark.parametrize("kind", SEND_ERRORS, ids=[k.error for k in SEND_ERRORS])
async def test_a_pasted_send_error_maps_to_its_verdict(kind: object) -> None:
    error = kind.error  # type: ignore[attr-defined]
    status = kind.http_status  # type: ignore[attr-defined]
    report = await service(CannedQboxmail()).trace(pasted(status, error))
    assert report.checklist == "send_rejected"
    assert len([s for s in report.steps if not s.id.startswith(("dns", "tokens"))]) == 8
    assert report.verdict.code == EXPECTED.get(error, V.REJECTED_PAYLOAD)
    assert report.steps[1].evidence[0].value == error


async def test_sender_domain_not_verified_on_an_assigned_domain_is_domain_not_verified() -> None:
    rejected = entry(
        collection="errors",
        status=None,
        error="sender_domain_not_verified",
        http_status=403,
        message_id=None,
        request_id=RID,
    )
    api = CannedQboxmail(
        mailouts_data=[rejected],
        accounts={4127: account()},
        domains=[domain(dns_verification_status="not_verified")],
    )
    report = await service(api).trace(Target(TargetKind.REQUEST_ID, RID))
    assert report.checklist == "send_rejected"
    assert report.verdict.code == V.DOMAIN_NOT_VERIFIED


async def test_a_pasted_202_traces_its_messages() -> None:
    api = CannedQboxmail(mailouts_data=[entry()], accounts={4127: account()}, domains=[domain()])
    target = pasted(202, message_ids=(MID,), recipients=("anna@example.com",))
    report = await service(api).trace(target)
    assert report.checklist == "message_trace"
    assert report.verdict.code == V.DELIVERED
    assert [t.value for t in report.related] == [MID]


async def test_a_pasted_management_422_is_explained_field_by_field() -> None:
    problems = (FieldProblem("name", "is not valid", "a domain name"),)
    target = Target(
        TargetKind.MANAGEMENT_ERROR,
        "Validation failed",
        pasted=PastedResponse(http_status=422, field_problems=problems),
    )
    report = await service(CannedQboxmail()).trace(target)
    assert report.verdict.code == V.REJECTED_PAYLOAD
    assert report.steps[0].evidence[0].label == "name"


async def test_progress_is_reported_as_each_step_finishes() -> None:
    seen: list[tuple[str, int, int]] = []

    async def progress(step: StepResult, done: int, total: int) -> None:
        seen.append((step.id, done, total))

    api = CannedQboxmail(mailouts_data=[entry()], accounts={4127: account()}, domains=[domain()])
    target = Target(TargetKind.MESSAGE_ID, MID, Hints(recipients=("anna@example.com",)))
    report = await service(api).trace(target, progress=progress)
    assert [d for _, d, _ in seen] == list(range(1, len(report.steps) + 1))
    assert {t for _, _, t in seen} == {len(report.steps)}


async def test_reports_round_trip_through_json() -> None:
    api = CannedQboxmail(
        mailouts_data=[entry(status="bounce", smtp_code=550)],
        accounts={4127: account()},
        domains=[domain()],
    )
    target = Target(TargetKind.MESSAGE_ID, MID, Hints(recipients=("anna@example.com",)))
    report = await service(api).trace(target, deep=True)
    assert report.deep
    assert any(s.id == "blast_radius" for s in report.steps)
    assert Report.from_json(report.to_json()) == report


async def test_an_unreachable_api_raises_instead_of_an_all_unknown_report() -> None:
    with pytest.raises(ApiUnreachable):
        await service(CannedQboxmail(unreachable=frozenset({"*"}))).check("account", "4127")


async def test_one_unreachable_fact_is_unknown_not_a_failure_of_the_trace() -> None:
    api = CannedQboxmail(accounts={4127: account()}, unreachable=frozenset({"dashboard"}))
    report = await service(api).check("account", "4127")
    alerts = next(s for s in report.steps if s.id == "alerts")
    assert alerts.status == StepStatus.UNKNOWN
    assert "connection refused" in (alerts.error or "")
    assert report.steps[0].status == StepStatus.PASS


@pytest.mark.parametrize(
    ("kind", "value"),
    [("account", "abc"), ("domain", "nodot"), ("mailbox", "EA12345678"), ("request", "nope")],
)
async def test_check_refuses_a_value_of_the_wrong_kind(kind: str, value: str) -> None:
    with pytest.raises(InputError) as raised:
        await service(CannedQboxmail()).check(kind, value)
    assert raised.value.usage
    assert raised.value.example.startswith("qbx check")
