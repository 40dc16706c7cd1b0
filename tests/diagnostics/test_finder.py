"""Finding a message in TraceMail without an id filter: narrowing, call counts, budget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from bot.diagnostics.ledger_lookup import LedgerLookup
from bot.diagnostics.report import VerdictCode
from bot.diagnostics.service import TraceService
from bot.qboxmail.models import MailoutEntry
from bot.recognition.targets import Hints, Target, TargetKind
from tests.diagnostics.canned import NOW, CannedQboxmail, account, domain, entry

MID = "8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example"
RID = "f43eb659-beb4-4f8a-a737-2d403998f4cf"


def busy_domain(days: int = 30, per_day: int = 1000, wanted_day: int = 3) -> list[object]:
    """A busy sending domain: `per_day` entries a day; the wanted message `wanted_day` days ago."""
    entries = []
    for day in range(days):
        for n in range(per_day):
            at = NOW - timedelta(days=day, minutes=n)
            entries.append(
                entry(
                    id=f"e{day}-{n}",
                    created_at=at,
                    to=f"user{n}@example.net",
                    message_id=f"{day:08d}-0000-4000-8000-{n:012d}@shop.example",
                )
            )
    wanted = NOW - timedelta(days=wanted_day, minutes=7)
    entries.append(entry(id="wanted", created_at=wanted, to="anna@example.com", message_id=MID))
    return entries


@pytest.fixture(scope="module")
def traffic() -> list[object]:
    return busy_domain()


def service(
    api: CannedQboxmail, budget: int = 12, ledger: LedgerLookup | None = None
) -> TraceService:
    return TraceService(
        api.client, simulated=False, scan_budget=budget, clock=lambda: NOW, ledger=ledger
    )


def fake(traffic: list[object]) -> CannedQboxmail:
    entries: list[MailoutEntry] = list(traffic)  # type: ignore[arg-type]
    return CannedQboxmail(mailouts_data=entries, accounts={4127: account()}, domains=[domain()])


async def test_with_the_recipient_the_message_is_found_in_a_handful_of_calls(
    traffic: list[object],
) -> None:
    api = fake(traffic)
    target = Target(TargetKind.MESSAGE_ID, MID, Hints(recipients=("anna@example.com",)))
    report = await service(api).trace(target)
    assert report.verdict.code == VerdictCode.DELIVERED
    assert api.requests.count("mailouts") == 2  # worked + queued, first pages, together
    assert all(
        q.to == "anna@example.com" and q.domain == "shop.example" for q in api.mailout_queries
    )


async def test_with_the_date_only_that_day_is_read(traffic: list[object]) -> None:
    api = fake(traffic)
    day = (NOW - timedelta(days=3)).date()
    report = await service(api).trace(Target(TargetKind.MESSAGE_ID, MID, Hints(dates=(day,))))
    assert report.verdict.code == VerdictCode.DELIVERED
    assert {(q.start_date, q.end_date) for q in api.mailout_queries} == {(day, day)}
    assert api.requests.count("mailouts") <= 12


async def test_without_hints_a_spent_budget_is_inconclusive_never_not_found(
    traffic: list[object],
) -> None:
    api = fake(traffic)
    report = await service(api, budget=4).trace(Target(TargetKind.MESSAGE_ID, MID))
    assert report.verdict.code == VerdictCode.INCONCLUSIVE
    assert "not ruled out" in report.verdict.headline.lower()
    assert "read 4 of " in report.verdict.headline  # what was read, of how many
    assert f"({(NOW - timedelta(days=30)).date()}..{NOW.date()})" in report.verdict.headline
    assert api.requests.count("mailouts") == 4
    assert any("budget (4 calls) ran out" in n for n in report.notes)
    assert any("recipient address or the day" in n for n in report.notes)
    assert "give the recipient" in report.verdict.next_action.lower()
    assert report.bundle is not None
    assert report.bundle.message_id == MID


async def test_a_search_that_read_every_page_is_not_found() -> None:
    api = fake(busy_domain(days=2, per_day=50))
    other = "ffffffff-0000-4000-8000-000000000000@shop.example"
    report = await service(api, budget=12).trace(Target(TargetKind.MESSAGE_ID, other))
    assert report.verdict.code == VerdictCode.NOT_FOUND
    assert not any("ran out" in n for n in report.notes)


async def test_a_recipient_search_that_ran_out_asks_for_the_day(traffic: list[object]) -> None:
    api = fake(traffic)
    target = Target(TargetKind.MESSAGE_ID, MID, Hints(recipients=("nobody@example.com",)))
    report = await service(api, budget=1).trace(target)
    assert report.verdict.code == VerdictCode.INCONCLUSIVE
    assert "the day it was sent" in report.verdict.next_action


@pytest.mark.parametrize("days_ago", [31, 45, 400], ids=["31-days", "45-days", "a-year"])
async def test_an_id_older_than_the_history_is_beyond_retention(days_ago: int) -> None:
    api = CannedQboxmail()
    old = (NOW - timedelta(days=days_ago)).date()
    report = await service(api).trace(Target(TargetKind.MESSAGE_ID, MID, Hints(dates=(old,))))
    assert report.verdict.code == VerdictCode.BEYOND_RETENTION
    assert "mailouts" not in api.requests


@dataclass(frozen=True)
class Record:
    submitted_at: datetime
    request_id: str | None
    http_status: int
    error: str | None = None
    recipients: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()

    def message_ids(self) -> tuple[str, ...]:
        return self.ids

    def all_recipients(self) -> tuple[str, ...]:
        return self.recipients


class OneRecordLedger:
    def __init__(self, record: Record) -> None:
        self.record = record

    async def lookup_message(self, message_id: str) -> Record | None:
        return self.record if message_id in self.record.ids else None

    async def lookup_request(self, request_id: str) -> Record | None:
        return self.record if request_id == self.record.request_id else None

    async def lookup_reference(self, reference: str) -> list[Record]:
        return [self.record] if reference == "order-77" else []


async def test_an_old_ledger_record_means_beyond_retention_not_not_found() -> None:
    record = Record(
        NOW - timedelta(days=40), RID, 202, recipients=("anna@example.com",), ids=(MID,)
    )
    api = CannedQboxmail()
    svc = service(api, ledger=OneRecordLedger(record))
    report = await svc.trace(Target(TargetKind.MESSAGE_ID, MID))
    assert report.verdict.code == VerdictCode.BEYOND_RETENTION


async def test_the_ledger_narrows_a_reference_to_its_recipient_and_day(
    traffic: list[object],
) -> None:
    record = Record(NOW - timedelta(days=3), RID, 202, recipients=("anna@example.com",), ids=(MID,))
    api = fake(traffic)
    svc = service(api, ledger=OneRecordLedger(record))
    report = await svc.trace(Target(TargetKind.REFERENCE, "order-77"))
    assert report.verdict.code == VerdictCode.DELIVERED
    assert api.requests.count("mailouts") == 2
    assert {q.start_date for q in api.mailout_queries} == {date(2026, 11, 17)}


async def test_accepted_by_the_ledger_but_missing_ends_in_the_escalation_bundle() -> None:
    record = Record(NOW - timedelta(days=1), RID, 202, recipients=("anna@example.com",), ids=(MID,))
    api = CannedQboxmail(accounts={4127: account()}, domains=[domain()])
    svc = service(api, ledger=OneRecordLedger(record))
    report = await svc.trace(Target(TargetKind.MESSAGE_ID, MID))
    assert report.checklist == "accepted_missing"
    assert len(report.steps) == 6
    assert report.verdict.code == VerdictCode.NOT_FOUND
    assert report.bundle is not None
    assert (report.bundle.message_id, report.bundle.request_id) == (MID, RID)
    assert report.bundle.recipient == "anna@example.com"


async def test_a_request_trace_searches_rejected_requests_and_reports_all_its_messages() -> None:
    second = "9b16f3df-7f5f-4e53-a7e7-3e665ef57c52@shop.example"
    api = CannedQboxmail(
        mailouts_data=[entry(id="a"), entry(id="b", to="bob@example.com", message_id=second)],
        accounts={4127: account()},
        domains=[domain()],
    )
    report = await service(api).trace(Target(TargetKind.REQUEST_ID, RID))
    searched = [(q.collection, q.status) for q in api.mailout_queries]
    assert searched[0] == ("errors", None)  # rejected requests first
    assert {c for c, _ in searched} == {"errors", "worked", "queued"}
    assert {t.value for t in report.related} == {MID, second}


async def test_a_ledger_error_record_runs_the_rejected_request_checklist() -> None:
    record = Record(NOW - timedelta(hours=1), RID, 403, error="ip_not_allowed")
    svc = service(CannedQboxmail(), ledger=OneRecordLedger(record))
    report = await svc.trace(Target(TargetKind.REQUEST_ID, RID))
    assert report.checklist == "send_rejected"
    assert report.verdict.code == VerdictCode.REJECTED_IP
    assert report.steps[0].evidence[0].source == "ledger"


async def test_without_hints_failures_are_searched_first_across_the_whole_history(
    traffic: list[object],
) -> None:
    bounced = entry(
        id="old-bounce",
        created_at=NOW - timedelta(days=20),
        status="bounce",
        to="zed@example.org",
        message_id="7b16f3df-7f5f-4e53-a7e7-3e665ef57c59@shop.example",
    )
    api = fake([*traffic, bounced])
    report = await service(api).trace(Target(TargetKind.MESSAGE_ID, bounced.message_id or ""))
    assert report.verdict.code == VerdictCode.BOUNCED
    # bounce, suppressed, all processed, queued: once each
    assert api.requests.count("mailouts") == 4
