"""A bare mailbox code: qbx finds the hosted domain that holds it, within the scan budget, and
then answers exactly as if the domain code had been given; a spent budget is inconclusive."""

from __future__ import annotations

import pytest

from bot.diagnostics.report import StepStatus, VerdictCode
from bot.diagnostics.service import TraceService
from bot.qboxmail.models import HostingDomain, Mailbox
from bot.recognition.ids import recognise
from tests.diagnostics.canned import NOW, CannedQboxmail

BOX = "EA10000009"


def world() -> CannedQboxmail:
    """Six hosted domains; the mailbox is in the last one, and it is disabled."""
    hosted = {
        f"D10000000{n}": HostingDomain(code=f"D10000000{n}", name=f"office{n}.example",
                                       status="enabled", status_detail="ok", is_healthy=True)
        for n in range(1, 7)
    }  # fmt: skip
    box = Mailbox(code=BOX, email="luca@office6.example", status="disabled",
                  status_detail="disabled_by_admin", quota_bytes=100, used_bytes=1)  # fmt: skip
    return CannedQboxmail(hosted=hosted, boxes={"D100000006": [box]})


def service(api: CannedQboxmail, budget: int = 12) -> TraceService:
    return TraceService(api.client, simulated=False, scan_budget=budget, clock=lambda: NOW)


async def test_the_bare_code_finds_its_domain_and_answers_as_with_it() -> None:
    bare = await service(world()).trace(recognise(BOX).targets[0])
    given = await service(world()).trace(recognise(f"{BOX} D100000006").targets[0])
    assert bare.verdict == given.verdict
    assert bare.verdict.code is VerdictCode.MAILBOX_INACTIVE
    assert [s.status for s in bare.steps] == [s.status for s in given.steps]
    visible = next(s for s in bare.steps if s.id == "access")
    assert "office6.example (D100000006)" in visible.evidence[0].value  # where it was found


async def test_the_search_stays_within_the_budget_and_says_so() -> None:
    api = world()
    report = await service(api, budget=3).trace(recognise(BOX).targets[0])
    assert report.verdict.code is VerdictCode.INCONCLUSIVE
    assert "asked 2 of 6 hosted domains" in report.verdict.headline
    assert f"{BOX} D123456789" in report.verdict.next_action  # what would finish it
    assert api.requests.count("hosting_domains") + api.requests.count("mailbox") <= 3


@pytest.mark.parametrize("budget", [12, 200])
async def test_a_code_no_domain_holds_is_not_found(budget: int) -> None:
    report = await service(world(), budget=budget).trace(recognise("EA19999999").targets[0])
    assert report.verdict.code is VerdictCode.NOT_FOUND
    access = next(s for s in report.steps if s.id == "access")
    assert access.status is StepStatus.FAIL
