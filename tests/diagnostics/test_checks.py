"""Each check over facts, table-driven: one row per case, read by its id."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.diagnostics.checks import CHECKS
from bot.diagnostics.facts.delivery import Stats
from bot.diagnostics.facts.hosting import Lookup
from bot.diagnostics.facts.outcomes import Rejection
from bot.diagnostics.factstore import Known, RunOptions
from bot.diagnostics.finder import Located
from bot.diagnostics.report import StepStatus
from bot.qboxmail.models import ApiToken, DailyStatistics, HostingDomain, Mailbox, SuppressionEntry
from bot.recognition.targets import Target, TargetKind
from tests.diagnostics.canned import NOW, account, domain, entry

P, F, W, U = StepStatus.PASS, StepStatus.FAIL, StepStatus.WARN, StepStatus.UNKNOWN
TOKEN = ApiToken(id=1, label="shop", token_preview="qbxAbC12", allow_nets=["10.0.0.0/8"])
OPEN = ApiToken(id=2, label="open", token_preview="zzzz9999", allow_nets=[])


def rej(**fields: Any) -> Rejection:
    return Rejection(
        **{
            "http_status": 403,
            "error": "ip_not_allowed",
            "client_ip": "10.1.2.3",
            "sender": "news@shop.example",
            **fields,
        }
    )


def stats(all_: int, bounce: int, suppressed: int = 0) -> Stats:
    day = DailyStatistics(date=date(2026, 11, 20), all=all_, bounce=bounce, suppressed=suppressed)
    return Stats("account 4127", (day,))


def hosted(
    status: str = "enabled", detail: str = "ok", healthy: bool = True
) -> Lookup[HostingDomain]:
    item = HostingDomain(
        code="D100000001",
        name="office.example",
        status=status,
        status_detail=detail,
        is_healthy=healthy,
    )
    return Lookup("office.example", "GET /api/domains", item=item)


def box(status: str = "enabled", used: int = 10, quota: int = 100) -> Lookup[Mailbox]:
    item = Mailbox(
        code="EA10000001",
        email="info@office.example",
        status=status,
        quota_bytes=quota,
        used_bytes=used,
    )
    return Lookup("info@office.example", "GET /api/domains/D100000001/email_accounts", item=item)


def other(status: str = "enabled") -> Mailbox:
    return Mailbox(
        code="EA10000002",
        email="sales@office.example",
        status=status,
        quota_bytes=100,
        used_bytes=1,
    )


SUPPRESSED = SuppressionEntry(id=1, email="anna@example.com", reason="bounce", created_at=NOW)
ROWS: list[tuple[str, str, dict[str, Any], StepStatus, str | None]] = [
    # check, facts, expected status, expected finding
    (
        "ip-inside-both-nets",
        "caller_ip_allowed",
        {
            "rejection": rej(),
            "account": account(allow_nets=["10.0.0.0/8"]),
            "tokens": (TOKEN,),
            "options": RunOptions(),
        },
        P,
        None,
    ),
    (
        "ip-outside-account-nets",
        "caller_ip_allowed",
        {
            "rejection": rej(client_ip="192.0.2.55"),
            "account": account(allow_nets=["10.0.0.0/8"]),
            "tokens": (OPEN,),
            "options": RunOptions(),
        },
        F,
        "ip",
    ),
    (
        "ip-outside-the-used-token",
        "caller_ip_allowed",
        {
            "rejection": rej(client_ip="192.0.2.55"),
            "account": account(),
            "tokens": (TOKEN, OPEN),
            "options": RunOptions(token_prefix="qbxAbC12rest"),
        },
        F,
        "ip",
    ),
    (
        "ipv6-in-cidr",
        "caller_ip_allowed",
        {
            "rejection": rej(client_ip="2001:db8::5"),
            "account": account(allow_nets=["2001:db8::/32"]),
            "tokens": (OPEN,),
            "options": RunOptions(),
        },
        P,
        None,
    ),
    (
        "ip-unknown",
        "caller_ip_allowed",
        {
            "rejection": rej(client_ip=None),
            "account": account(),
            "tokens": (),
            "options": RunOptions(),
        },
        U,
        None,
    ),
    (
        "token-prefix-matches",
        "token_belongs_to_account",
        {"tokens": (TOKEN,), "options": RunOptions(token_prefix="qbxAbC12xyz")},
        P,
        None,
    ),
    (
        "token-prefix-foreign",
        "token_belongs_to_account",
        {"tokens": (TOKEN,), "options": RunOptions(token_prefix="nope1234")},
        F,
        "wrong_token",
    ),
    (
        "token-nothing-to-compare",
        "token_belongs_to_account",
        {"tokens": (TOKEN,), "options": RunOptions()},
        U,
        None,
    ),
    ("domain-good", "domain_verified", {"sending_domain": domain(), "account": account()}, P, None),
    (
        "domain-unassigned",
        "domain_verified",
        {"sending_domain": domain(accounts=[9]), "account": account(domains=[])},
        F,
        "not_assigned",
    ),
    (
        "domain-missing",
        "domain_verified",
        {"sending_domain": None, "sender_domain": "shop.example", "account": account()},
        F,
        "not_assigned",
    ),
    (
        "domain-unknown",
        "domain_verified",
        {"sending_domain": None, "sender_domain": None, "account": None},
        U,
        None,
    ),
    (
        "domain-dns-not-verified",
        "domain_verified",
        {"sending_domain": domain(dns_verification_status="misconfigured"), "account": account()},
        F,
        "not_verified",
    ),
    (
        "domain-needs-approval",
        "domain_verified",
        {"sending_domain": domain(approval_status="need_approval"), "account": account()},
        F,
        "not_verified",
    ),
    ("account-enabled", "account_enabled_with_quota", {"account": account()}, P, None),
    (
        "account-wait-pay",
        "account_enabled_with_quota",
        {"account": account(status=2)},
        F,
        "inactive",
    ),
    (
        "account-no-quota",
        "account_enabled_with_quota",
        {"account": account(remaining_messages=0)},
        F,
        "quota",
    ),
    ("account-unknown", "account_enabled_with_quota", {"account": None}, U, None),
    (
        "error-invalid-token",
        "error_id_explained",
        {"rejection": rej(error="invalid_token")},
        F,
        "rejected_auth",
    ),
    (
        "error-quota",
        "error_id_explained",
        {"rejection": rej(error="quota_exceeded")},
        F,
        "rejected_quota",
    ),
    (
        "error-batch",
        "error_id_explained",
        {"rejection": rej(error="batch_too_large")},
        F,
        "rejected_payload",
    ),
    (
        "error-only-413",
        "error_id_explained",
        {"rejection": rej(error=None, http_status=413)},
        F,
        "rejected_payload",
    ),
    (
        "payload-413",
        "payload_within_limits",
        {"rejection": rej(error="payload_too_large", http_status=413)},
        F,
        "payload",
    ),
    ("payload-not-the-cause", "payload_within_limits", {"rejection": rej()}, P, None),
    ("http-202", "http_status_accepted", {"rejection": rej(http_status=202, error=None)}, P, None),
    ("http-401", "http_status_accepted", {"rejection": rej(http_status=401)}, F, None),
    ("delivered", "message_delivered", {"entry": entry()}, P, "delivered"),
    (
        "bounced",
        "message_delivered",
        {"entry": entry(status="bounce", smtp_code=550, smtp_enhanced_code="5.1.1")},
        F,
        "bounced",
    ),
    (
        "deferred",
        "message_delivered",
        {
            "entry": entry(
                collection="queued",
                status="deferred",
                smtp_code=451,
                next_attempt_at=NOW + timedelta(minutes=5),
            )
        },
        W,
        "deferred",
    ),
    (
        "queued",
        "message_delivered",
        {"entry": entry(collection="queued", status=None)},
        W,
        "queued",
    ),
    (
        "suppressed",
        "message_delivered",
        {"entry": entry(status="suppressed", suppression_reason="complaint")},
        F,
        "suppressed",
    ),
    (
        "not-suppressed",
        "recipient_not_suppressed",
        {"recipient": "anna@example.com", "suppression": ()},
        P,
        None,
    ),
    (
        "suppressed-entry",
        "recipient_not_suppressed",
        {"recipient": "anna@example.com", "suppression": (SUPPRESSED,)},
        F,
        "suppressed",
    ),
    (
        "suppression-inactive",
        "recipient_not_suppressed",
        {
            "recipient": "anna@example.com",
            "suppression": (SUPPRESSED.model_copy(update={"active": False}),),
        },
        P,
        None,
    ),
    ("not-found", "message_found_in_tracemail", {"located": Located(pages=3)}, F, "not_found"),
    (
        "beyond-retention",
        "message_found_in_tracemail",
        {"located": Located(beyond_retention=True)},
        F,
        "beyond_retention",
    ),
    ("bounce-rate-good", "bounce_rate_good", {"stats": stats(10000, 20)}, P, None),
    ("bounce-rate-watch", "bounce_rate_good", {"stats": stats(10000, 70)}, W, "watch"),
    ("bounce-rate-critical", "bounce_rate_good", {"stats": stats(10000, 150)}, F, "critical"),
    (
        "suppressed-rate-critical",
        "suppressed_rate_good",
        {"stats": stats(1000, 0, 20)},
        F,
        "critical",
    ),
    ("hosted-enabled", "resource_active", {"hosting_domain": hosted(), "mailbox": box()}, P, None),
    (
        "hosted-suspended",
        "resource_active",
        {"hosting_domain": hosted("disabled", "suspended"), "mailbox": None},
        F,
        "domain_inactive",
    ),
    (
        "mailbox-disabled",
        "resource_active",
        {"hosting_domain": hosted(), "mailbox": box("disabled")},
        F,
        "mailbox_inactive",
    ),
    (
        "ownership-pending",
        "ownership_and_dns_ok",
        {"hosting_domain": hosted("ownership_check", "ownership_pending")},
        F,
        "domain_inactive",
    ),
    ("mx-unhealthy", "ownership_and_dns_ok", {"hosting_domain": hosted(healthy=False)}, W, None),
    (
        "not-visible",
        "resource_visible_to_token",
        {
            "hosting_domain": Lookup(
                "D999999999", "GET /api/domains/D999999999", denied="404 Not found"
            ),
            "mailbox": None,
        },
        F,
        "not_visible",
    ),
    ("mailbox-full", "mailbox_has_space", {"mailbox": box(used=100)}, F, "quota_full"),
    ("mailbox-nearly-full", "mailbox_has_space", {"mailbox": box(used=96)}, W, None),
    ("mailbox-roomy", "mailbox_has_space", {"mailbox": box(used=10)}, P, None),
    (
        "neighbours-fine",
        "other_mailboxes_active",
        {"domain_mailboxes": (box().item, other()), "mailbox": box(), "hosting_domain": hosted()},
        P,
        None,
    ),
    (
        "neighbours-all-affected",
        "other_mailboxes_active",
        {
            "domain_mailboxes": (box().item, other("disabled")),
            "mailbox": box(),
            "hosting_domain": hosted(),
        },
        F,
        None,
    ),
]


@pytest.mark.parametrize(
    ("check", "facts", "status", "finding"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_check(check: str, facts: dict[str, Any], status: StepStatus, finding: str | None) -> None:
    outcome = CHECKS[check](Known(facts))
    assert (outcome.status, outcome.finding) == (status, finding), outcome.summary
    if status in (F, P) and check not in ("http_status_accepted",):
        assert outcome.summary


def test_a_failing_check_names_its_evidence_and_source() -> None:
    outcome = CHECKS["account_enabled_with_quota"](Known({"account": account(status=3)}))
    assert outcome.status == F
    assert any(e.source == "GET /api/delivery/accounts/4127" for e in outcome.evidence)


def test_pasted_field_problems_are_explained_one_by_one() -> None:
    from bot.recognition.targets import FieldProblem, PastedResponse

    pasted = PastedResponse(
        http_status=422,
        field_problems=(
            FieldProblem("name", "is not valid", "a domain name like shop.example"),
            FieldProblem("plan", "can't be blank", "basic, professional or enterprise"),
        ),
    )
    target = Target(TargetKind.MANAGEMENT_ERROR, "Validation failed", pasted=pasted)
    outcome = CHECKS["pasted_fields_valid"](Known({"target": target}))
    assert outcome.status == F
    assert [e.label for e in outcome.evidence] == ["name", "plan"]
    assert "must be a domain name like shop.example" in outcome.evidence[0].value


NOT_FOUND_REMEDIES = [
    ("no-hints", Located(pages=12), "Give the recipient address or the day it was sent"),
    ("date-only", Located(pages=4, known_dates=(date(2026, 11, 20),)), "Give the recipient"),
    ("recipient-known", Located(pages=2, known_recipients=("anna@example.com",)), "typos"),
]


@pytest.mark.parametrize(
    ("located", "advice"),
    [row[1:] for row in NOT_FOUND_REMEDIES],
    ids=[row[0] for row in NOT_FOUND_REMEDIES],
)
def test_not_found_asks_only_for_what_was_not_given(located: Located, advice: str) -> None:
    outcome = CHECKS["message_found_in_tracemail"](Known({"located": located}))
    assert outcome.finding == "not_found"
    assert outcome.remedy is not None
    assert advice in outcome.remedy
    if located.known_recipients:
        assert "Give" not in outcome.remedy
