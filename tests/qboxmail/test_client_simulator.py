"""The client against the simulator as a real HTTP server on an ephemeral loopback port.

One simulator serves the whole module (its world is read-only apart from what the Send tests
add); faults are cleared after every test. Time in the client is fake: retries never sleep.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
import pytest_asyncio
from pypdf import PdfReader
from structlog.testing import capture_logs

from bot.errors import (
    ApiAuthError,
    ApiDecodeError,
    ApiNotFound,
    ApiRateLimited,
    ApiServerError,
    ApiTimeout,
)
from bot.qboxmail.client import QboxmailClient
from bot.qboxmail.query import MailoutQuery
from bot.simulator import Fault, SimClock, SimulatorHandle, running_simulator

from .conftest import FakeTime

pytestmark = pytest.mark.asyncio(loop_scope="module")

BUSY_DOMAIN = "mail.acme-shop.example"


# Mid-month and mid-day, whatever the machine's clock says: the dashboard's month so far and the
# day's traffic are never empty (they are in the first minutes of a month or a day).
SIM_NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sim() -> AsyncIterator[SimulatorHandle]:
    async with running_simulator(seed=7, now=SimClock(SIM_NOW)) as handle:
        yield handle


@pytest.fixture(autouse=True)
def no_faults_after(sim: SimulatorHandle) -> Iterator[None]:
    yield
    sim.faults.clear()


@pytest.fixture(scope="module")
def world(sim: SimulatorHandle) -> dict[str, Any]:
    return sim.describe()


@pytest.fixture(scope="module")
def today(world: dict[str, Any]) -> date:
    return date.fromisoformat(world["now"][:10])


Factory = Callable[..., QboxmailClient]


@pytest.fixture
def connect(sim: SimulatorHandle, fake_time: FakeTime) -> Factory:
    def build(**options: Any) -> QboxmailClient:
        settings: dict[str, Any] = {
            "api_url": sim.base_url,
            "api_token": sim.management_token,
            "send_url": sim.send_url,
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "jitter": lambda: 0.5,
        }
        return QboxmailClient(**(settings | options))

    return build


def scenario(world: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [s for s in world["scenarios"] if s["name"] == name]
    return dict(found["ids"])


def token(world: dict[str, Any], label: str) -> str:
    tokens = [t for a in world["accounts"] for t in a["tokens"] if t["label"] == label]
    return str(tokens[0]["token"])


def message(to: str, sender: str = f"orders@{BUSY_DOMAIN}") -> dict[str, Any]:
    return {"messages": [{"from": sender, "to": to, "subject": "Order 1", "text_body": "Hello"}]}


# --- every method against the real server -------------------------------------------------------
async def test_delivery_resources(connect: Factory, world: dict[str, Any]) -> None:
    async with connect() as client:
        accounts = await client.delivery_accounts(per=100)
        account = await client.delivery_account(4127)
        tokens = await client.api_tokens(4127)
        domains = await client.delivery_domains(per=100)
    assert {a.id for a in accounts.resources} == {a["id"] for a in world["accounts"]}
    assert account.username == world["accounts"][0]["username"]
    assert "mail.acme-shop.example" in account.domain_names
    described = {t["id"]: t for t in world["accounts"][0]["tokens"]}
    assert {t.id for t in tokens} == set(described)
    assert all(described[t.id]["token"].startswith(t.token_preview) for t in tokens)
    assert {d.code: d.dns_verification_status for d in domains.resources} == {
        d["code"]: d["dns_verification_status"] for d in world["delivery_domains"]
    }


async def test_suppression_lists_and_lookup(connect: Factory, world: dict[str, Any]) -> None:
    suppressed = scenario(world, "suppressed")["to"]
    async with connect() as client:
        listed = await client.suppression_lists(query=suppressed)
        details = await client.suppression_details(suppressed)
        nothing = await client.suppression_details("nobody.ever@example.org")
    assert suppressed in {e.email for e in listed.resources}
    assert [(e.email, e.reason, e.customer_wide) for e in details] == [(suppressed, "bounce", True)]
    assert nothing == []


async def test_mailouts_find_a_scenarios_bounce(
    connect: Factory, world: dict[str, Any], today: date
) -> None:
    ids = scenario(world, "bounced")
    query = MailoutQuery(to=ids["to"], domain=ids["domain"], start_date=today - timedelta(days=2))
    async with connect() as client:
        page = await client.mailouts(query)
    (entry,) = [e for e in page.resources if e.message_id == ids["message_id"]]
    assert (entry.status, entry.smtp_enhanced_code, entry.request_id) == (
        "bounce",
        "5.1.1",
        ids["request_id"],
    )


async def test_iter_mailouts_scans_newest_first_across_pages(connect: Factory, today: date) -> None:
    # a closed day, so that mail arriving meanwhile cannot shift entries between pages
    query = MailoutQuery(domain=BUSY_DOMAIN, end_date=today - timedelta(days=1), per=100)
    async with connect() as client:
        pages = [p async for p in client.iter_mailouts(query, max_pages=3)]
    entries = [e for p in pages for e in p.resources]
    assert [p.pagination.page for p in pages] == [1, 2, 3]
    assert len(entries) == 300
    assert len({e.id for e in entries}) == 300
    times = [e.created_at for e in entries]
    assert times == sorted(times, reverse=True)


async def test_iter_mailouts_stops_at_the_real_last_page(
    connect: Factory, world: dict[str, Any]
) -> None:
    ids = scenario(world, "bounced")
    async with connect() as client:
        pages = [p async for p in client.iter_mailouts(MailoutQuery(to=ids["to"]), max_pages=50)]
    assert len(pages) == pages[-1].pagination.total_pages
    assert len(pages) < 50


async def test_tracemail_statistics(connect: Factory, today: date) -> None:
    start, end = today - timedelta(days=7), today - timedelta(days=1)  # closed days: no new mail
    async with connect() as client:
        counters = await client.counters(domain=BUSY_DOMAIN, start_date=start, end_date=end)
        accounts = await client.tracemail_accounts(start_date=start)
        domains = await client.tracemail_domains(account=4127)
        daily = await client.daily_statistics(domain=BUSY_DOMAIN, start_date=start, end_date=end)
        dashboard = await client.dashboard()
    assert counters.all >= counters.delivered > 0
    assert 4127 in {a.id for a in accounts.resources}
    assert BUSY_DOMAIN in {d.name for d in domains.resources}
    assert [d.date for d in daily] == [start + timedelta(days=n) for n in range(7)]
    assert sum(d.all for d in daily) == counters.all
    assert sum(d.bounce for d in daily) == counters.bounce
    assert dashboard.month_total > 0


async def test_hosting_resources(connect: Factory, world: dict[str, Any]) -> None:
    ids = scenario(world, "mailbox_full")
    async with connect() as client:
        domains = await client.hosting_domains(per=100)
        domain = await client.hosting_domain(ids["domain_code"])
        mailboxes = await client.mailboxes(ids["domain_code"])
        mailbox = await client.mailbox(ids["domain_code"], ids["mailbox_code"])
    assert {d.code for d in domains.resources} == {d["code"] for d in world["hosting_domains"]}
    assert domain.code == ids["domain_code"]
    assert ids["email"] in {m.email for m in mailboxes.resources}
    assert (mailbox.email, mailbox.usage_percent >= 100.0) == (ids["email"], True)


def mailbox_with(world: dict[str, Any], profile: str) -> tuple[str, str]:
    for domain in world["hosting_domains"]:
        for mailbox in domain["mailboxes"]:
            if mailbox["profile"] == profile:
                return domain["code"], mailbox["email"]
    raise AssertionError(f"no {profile} mailbox in the world")


async def test_email_log_analysis_and_pdf(
    connect: Factory, world: dict[str, Any], today: date
) -> None:
    code, email = mailbox_with(world, "normal")
    attacked_code, attacked = mailbox_with(world, "attacked")
    days = [today - timedelta(days=back) for back in range(7)]
    async with connect() as client:
        access = [await client.access_logs(attacked_code, email=attacked, day=d) for d in days]
        incoming = [await client.incoming_logs(code, email=email, day=d) for d in days]
        outgoing = [await client.outgoing_logs(code, email=email, day=d) for d in days]
        first = next(entry for page in incoming for entry in page.resources)
        folder = await client.message_folder(code, email=email, message_id=first.message_id or "")
        pdf = await client.log_pdf(code, "incoming", first.id)
    assert any(e.result == "failed" for page in access for e in page.resources)
    for day, page in zip(days, outgoing, strict=True):
        assert all(e.sent_at.date() == day for e in page.resources)
    assert any(page.resources for page in outgoing)
    assert folder.found
    assert folder.folder == first.folder
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert first.id in text


# --- unhappy paths from the real server ---------------------------------------------------------
async def test_a_wrong_management_token_gets_the_documented_401(connect: Factory) -> None:
    async with connect(api_token="not-the-token") as client:
        with pytest.raises(ApiAuthError) as caught:
            await client.delivery_accounts()
    assert (caught.value.status, caught.value.message) == (401, "Unauthorized")
    assert "not-the-token" not in str(caught.value)


async def test_another_customers_resources_are_forbidden(
    connect: Factory, world: dict[str, Any]
) -> None:
    async with connect() as client:
        with pytest.raises(ApiAuthError) as caught:
            await client.delivery_account(world["forbidden"]["delivery_account_id"])
    assert caught.value.status == 403


async def test_an_unknown_account_is_not_found(connect: Factory) -> None:
    async with connect() as client:
        with pytest.raises(ApiNotFound):
            await client.delivery_account(123456)


async def test_an_unknown_log_pdf_is_not_found(connect: Factory, world: dict[str, Any]) -> None:
    code = world["hosting_domains"][0]["code"]
    async with connect() as client:
        with pytest.raises(ApiNotFound):
            await client.log_pdf(code, "outgoing", "L999999999999")


# --- Send, then TraceMail -----------------------------------------------------------------------
async def test_a_message_sent_is_found_in_tracemail(
    connect: Factory, world: dict[str, Any], today: date
) -> None:
    recipient = "client.flow.test@example.org"
    async with connect() as client:
        accepted = await client.send(message(recipient), token=token(world, "shop worker (any IP)"))
        page = await client.mailouts(
            MailoutQuery(to=recipient, domain=BUSY_DOMAIN, start_date=today)
        )
    (sent,) = accepted.messages
    (entry,) = [e for e in page.resources if e.message_id == sent.message_id]
    assert entry.request_id == accepted.request_id
    assert entry.auth_protocol == "api"
    assert (sent.message_id or "").endswith(f"@{BUSY_DOMAIN}")


async def test_a_bulk_send_is_accepted(connect: Factory, world: dict[str, Any]) -> None:
    payload = {
        "message": {"from": f"orders@{BUSY_DOMAIN}", "subject": "Hi {{name}}", "text_body": "x"},
        "recipients": [
            {"email": "bulk.one@example.org", "substitutions": {"name": "One"}},
            {"email": "bulk.two@example.org", "substitutions": {"name": "Two"}},
        ],
    }
    async with connect() as client:
        accepted = await client.send_bulk(payload, token=token(world, "shop worker (any IP)"))
    assert sorted(m.to or "" for m in accepted.messages) == [
        "bulk.one@example.org",
        "bulk.two@example.org",
    ]


async def test_a_rejected_send_carries_ids_and_lands_in_errors(
    connect: Factory, today: date
) -> None:
    recipient = "client.rejected.test@example.org"
    async with connect() as client:
        with pytest.raises(ApiAuthError) as caught:
            await client.send(message(recipient), token="wrong-send-token-0000")
        errors = await client.mailouts(
            MailoutQuery(to=recipient, collection="errors", start_date=today)
        )
    assert caught.value.error_id == "invalid_token"
    assert caught.value.request_id
    assert "wrong-send-token-0000" not in str(caught.value)
    assert [(e.request_id, e.error) for e in errors.resources] == [
        (caught.value.request_id, "invalid_token")
    ]


async def test_a_send_without_a_token_is_missing_token(connect: Factory) -> None:
    async with connect() as client:
        with pytest.raises(ApiAuthError) as caught:
            await client.send(message("no.token@example.org"), token="")
    assert (caught.value.status, caught.value.error_id) == (401, "missing_token")


async def test_client_ip_is_checked_against_the_tokens_allow_nets(
    connect: Factory, world: dict[str, Any]
) -> None:
    backend = token(world, "shop backend")  # allow_nets 203.0.113.0/24
    async with connect() as client:
        with pytest.raises(ApiAuthError) as caught:
            await client.send(message("ip.test@example.org"), token=backend, client_ip="192.0.2.55")
        accepted = await client.send(
            message("ip.test@example.org"), token=backend, client_ip="203.0.113.7"
        )
    assert caught.value.error_id == "ip_not_allowed"
    assert accepted.queued_messages == 1


# --- faults from the simulator ------------------------------------------------------------------
async def test_a_429_burst_is_retried_after_retry_after(
    connect: Factory, sim: SimulatorHandle, fake_time: FakeTime
) -> None:
    sim.faults.set("dashboard", Fault(rate_limit_burst=2, retry_after=3))
    async with connect() as client:
        dashboard = await client.dashboard()
    assert dashboard.month_total > 0
    assert fake_time.sleeps == [3.0, 3.0]


async def test_a_5xx_fault_is_retried_until_the_server_recovers(
    sim: SimulatorHandle, fake_time: FakeTime
) -> None:
    async def recovering_sleep(seconds: float) -> None:
        await fake_time.sleep(seconds)
        sim.faults.clear()  # the server is healthy again by the time the client retries

    sim.faults.set("hosting_domains", Fault(error_rate=1.0, error_status=503))
    client = QboxmailClient(
        api_url=sim.base_url,
        api_token=sim.management_token,
        send_url=sim.send_url,
        sleep=recovering_sleep,
        clock=fake_time.clock,
        jitter=lambda: 0.5,
    )
    async with client:
        domains = await client.hosting_domains()
    assert domains.resources
    assert len(fake_time.sleeps) == 1


async def test_a_persistent_5xx_fault_exhausts_the_retries(
    connect: Factory, sim: SimulatorHandle, fake_time: FakeTime
) -> None:
    sim.faults.set("*", Fault(error_rate=1.0, error_status=502))
    with capture_logs() as events:
        async with connect(max_retries=3) as client:
            with pytest.raises(ApiServerError) as caught:
                await client.delivery_domains()
    assert caught.value.status == 502
    assert len(fake_time.sleeps) == 3
    assert [e["attempt"] for e in events if e["event"] == "qboxmail.request"] == [1, 2, 3, 4]


async def test_send_is_not_retried_on_a_simulated_429(
    connect: Factory, sim: SimulatorHandle, world: dict[str, Any], fake_time: FakeTime
) -> None:
    sim.faults.set("send", Fault(rate_limit_burst=1, retry_after=2))
    async with connect() as client:
        with pytest.raises(ApiRateLimited) as caught:
            await client.send(message("not.retried@example.org"), token=token(world, "alerting"))
    assert caught.value.retry_after == 2.0
    assert fake_time.sleeps == []


async def test_the_data_wrapped_variant_parses(
    connect: Factory, sim: SimulatorHandle, today: date
) -> None:
    query = MailoutQuery(domain=BUSY_DOMAIN, end_date=today - timedelta(days=1))
    async with connect() as client:
        plain = await client.mailouts(query)
        sim.faults.set("mailouts", Fault(data_wrapped=True))
        wrapped = await client.mailouts(query)
        sim.faults.set("delivery_account", Fault(data_wrapped=True))
        account = await client.delivery_account(4127)
    assert [e.id for e in wrapped.resources] == [e.id for e in plain.resources]
    assert wrapped.resources == plain.resources
    assert account.id == 4127


async def test_malformed_json_from_the_server_is_a_decode_error(
    connect: Factory, sim: SimulatorHandle
) -> None:
    sim.faults.set("counters", Fault(malformed_rate=1.0))
    async with connect() as client:
        with pytest.raises(ApiDecodeError) as caught:
            await client.counters(domain=BUSY_DOMAIN)
    assert caught.value.path == "/api/delivery/tracemail/counters"


async def test_a_hanging_server_ends_in_api_timeout(
    connect: Factory, sim: SimulatorHandle, fake_time: FakeTime
) -> None:
    sim.faults.set("dashboard", Fault(timeout_rate=1.0, hang_seconds=0.5))
    async with connect(read_timeout=0.05, max_retries=1) as client:
        with pytest.raises(ApiTimeout):
            await client.dashboard()
    assert len(fake_time.sleeps) == 1


# --- secrets over a real connection -------------------------------------------------------------
async def test_no_token_in_any_log_over_a_real_connection(
    connect: Factory, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # httpx and httpcore at their chattiest
    send_token = token(world, "shop worker (any IP)")
    with capture_logs() as events:
        async with connect() as client:
            await client.dashboard()
            await client.send(message("log.test@example.org"), token=send_token)
            with pytest.raises(ApiAuthError):
                await client.send(message("log.test@example.org"), token="wrong-send-token-1111")
    text = caplog.text + repr(events)
    assert "qboxmail.request" in text
    assert "HTTP Request" in caplog.text
    for secret in (world["management_token"], send_token, "wrong-send-token-1111"):
        assert secret not in text
