"""Reactivating a suppressed address through the real client and the simulator: once, audited,
never for a dry run, a double click or an address that is not suppressed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.errors import ApiServerError, InputError
from bot.qboxmail.client import QboxmailClient
from bot.qboxmail.models import SuppressionEntry
from bot.remediation import reactivation as r
from bot.simulator import Fault, SimulatorHandle
from bot.store import MemoryStore

from .conftest import SUPPRESSED, Recording

EDIT = ("PUT", "/api/delivery/suppression_lists/edit")


def request(address: str = SUPPRESSED, **extra: object) -> r.Request:
    return r.Request(address, "U_ADMIN", "C_ESC", **extra)  # type: ignore[arg-type]


async def test_a_suppressed_address_is_reactivated_once_and_audited(
    client: QboxmailClient, store: MemoryStore, transport: Recording
) -> None:
    result = await r.reactivate(client, store, request())
    assert result.outcome is r.Outcome.REACTIVATED
    assert transport.writes() == [EDIT]
    entries = await client.suppression_details(SUPPRESSED)
    assert entries
    assert not any(e.active for e in entries)
    [entry] = await store.recent_audit(5)
    assert (entry.actor, entry.action, entry.target, entry.where) == (
        "U_ADMIN", r.ACTION, SUPPRESSED, "C_ESC",
    )  # fmt: skip
    assert "reason=bounce" in entry.detail
    assert "scope=customer-wide" in entry.detail
    assert entry.at is not None


async def test_a_second_request_later_finds_nothing_to_do(
    client: QboxmailClient, store: MemoryStore, transport: Recording
) -> None:
    await r.reactivate(client, store, request())
    again = await r.reactivate(client, store, request())
    assert again.outcome is r.Outcome.NOT_SUPPRESSED
    assert transport.writes() == [EDIT]
    assert len(await store.recent_audit(5)) == 1


async def test_a_double_click_reactivates_once(
    client: QboxmailClient, store: MemoryStore, transport: Recording
) -> None:
    results = await asyncio.gather(*(r.reactivate(client, store, request()) for _ in range(2)))
    assert sorted(res.outcome for res in results) == sorted(
        [r.Outcome.REACTIVATED, r.Outcome.IN_PROGRESS]
    )
    assert transport.writes() == [EDIT]


async def test_a_dry_run_writes_nothing(
    client: QboxmailClient, store: MemoryStore, transport: Recording
) -> None:
    result = await r.reactivate(client, store, request(dry_run=True))
    assert result.outcome is r.Outcome.WOULD_REACTIVATE
    assert r.edit_for(result.plan).body() == {"email": SUPPRESSED, "active": False, "accounts": []}
    assert transport.writes() == []
    assert any(e.active for e in await client.suppression_details(SUPPRESSED))
    assert await store.recent_audit(5) == []


async def test_an_address_that_is_not_suppressed_calls_no_write(
    client: QboxmailClient, store: MemoryStore, transport: Recording
) -> None:
    result = await r.reactivate(client, store, request("anna.conti@gmail.com"))
    assert result.outcome is r.Outcome.NOT_SUPPRESSED
    assert transport.writes() == []


@pytest.mark.parametrize(
    "address", ["", "not-an-address", "<!channel>@x", "a@b", "x" * 5000 + "@example.com"]
)
async def test_bad_addresses_are_refused_before_any_call(
    client: QboxmailClient, store: MemoryStore, transport: Recording, address: str
) -> None:
    with pytest.raises(InputError) as caught:
        await r.reactivate(client, store, request(address))
    assert transport.sent == []
    assert len(str(caught.value)) < 200


WHEN = datetime(2026, 11, 1, tzinfo=UTC)


def entry(ident: int, accounts: list[int], active: bool = True) -> SuppressionEntry:
    return SuppressionEntry(
        id=ident, email="a@example.com", reason="bounce", accounts=accounts, active=active,
        created_at=WHEN,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("entries", "account", "outcome", "chosen"),
    [
        ([], None, r.Outcome.NOT_SUPPRESSED, None),
        ([entry(1, [], active=False)], None, r.Outcome.NOT_SUPPRESSED, None),
        ([entry(1, [])], None, None, 1),
        ([entry(1, [4127]), entry(2, [4128])], None, r.Outcome.AMBIGUOUS, None),
        ([entry(1, [4127]), entry(2, [4128])], 4128, None, 2),
        ([entry(1, [4127])], 4128, r.Outcome.NOT_SUPPRESSED, None),
        ([entry(1, []), entry(2, [4128], active=False)], 4128, None, 1),
    ],
    ids=[
        "no-entry", "inactive", "one-customer-wide", "two-scopes-no-account", "account-picks",
        "other-account", "customer-wide-covers-account",
    ],
)  # fmt: skip
def test_the_entry_to_reactivate_is_chosen_by_scope(
    entries: list[SuppressionEntry], account: int | None, outcome: r.Outcome | None,
    chosen: int | None,
) -> None:  # fmt: skip
    found = r.choose("a@example.com", entries, account)
    assert found.outcome is outcome
    assert (found.entry.id if found.entry else None) == chosen


def test_the_write_keeps_the_entry_scope() -> None:
    found = r.choose("a@example.com", [entry(2, [4128, 4127])], None)
    assert r.edit_for(found).body() == {
        "email": "a@example.com", "active": False, "accounts": [4128, 4127],
    }  # fmt: skip


async def test_a_failed_write_is_audited_and_raised(
    sim: SimulatorHandle, store: MemoryStore
) -> None:
    sim.faults.set("suppression_edit", Fault(error_rate=1.0, error_status=503))
    api = QboxmailClient(
        api_url=sim.base_url, api_token=sim.management_token, send_url=sim.send_url,
        max_retries=0,
    )  # fmt: skip
    async with api:
        with pytest.raises(ApiServerError):
            await r.reactivate(api, store, request())
    [audited] = await store.recent_audit(5)
    assert audited.action == r.ACTION
    assert "failed=ApiServerError" in audited.detail
