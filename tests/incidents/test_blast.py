"""The blast radius: the right TraceMail filter per rule, replies grouped, addresses never shown."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.incidents.blast import MAX_PAGES, blast_radius, reply_of
from bot.incidents.checks import CounterName
from bot.incidents.render import details_message
from bot.qboxmail.models import MailoutEntry
from bot.render.slack_limits import validate_blocks
from tests.incidents.support import ACCOUNT, DOMAIN, START, WatchedWorld
from tests.incidents.test_render import record

AT = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


def entry(n: int, **fields: Any) -> MailoutEntry:
    return MailoutEntry.model_validate({"id": str(n), "created_at": AT.isoformat(), **fields})


def bounce(n: int, to: str, code: int, enhanced: str, text: str) -> MailoutEntry:
    return entry(n, to=to, status="bounce", smtp_code=code, smtp_enhanced_code=enhanced,
                 smtp_response=text)  # fmt: skip


@pytest.mark.parametrize(
    ("counter", "expected"),
    [
        (CounterName.BOUNCE, ("worked", "bounce", None)),
        (CounterName.SUPPRESSED, ("worked", "suppressed", None)),
        (CounterName.AUTH_ERRORS, ("errors", None, "auth")),
        (CounterName.LIMITS_ERRORS, ("errors", None, "limits")),
        (CounterName.GENERIC_ERRORS, ("errors", None, "generic")),
        (None, ("errors", None, None)),
    ],
    ids=["bounce", "suppressed", "auth", "limits", "generic", "status-rules"],
)
async def test_each_rule_reads_the_matching_mailouts(
    counter: CounterName | None, expected: tuple[str, str | None, str | None]
) -> None:
    api = WatchedWorld()
    await blast_radius(api.client, DOMAIN, counter, START.date())
    [query] = api.mailout_queries
    assert (query.collection, query.status, query.error_category) == expected
    assert (query.domain, query.account) == ("shop.example", None)
    assert (query.start_date, query.end_date, query.per) == (START.date(), START.date(), 100)


async def test_an_account_incident_filters_by_account() -> None:
    api = WatchedWorld()
    await blast_radius(api.client, ACCOUNT, CounterName.BOUNCE, START.date())
    assert (api.mailout_queries[0].account, api.mailout_queries[0].domain) == (4127, None)


async def test_replies_and_domains_are_ranked_with_addresses_blanked() -> None:
    api = WatchedWorld()
    api.entries = [
        bounce(1, "ann@gmail.com", 550, "5.1.1", "<ann@gmail.com>: user unknown"),
        bounce(2, "bob@gmail.com", 550, "5.1.1", "<bob@gmail.com>: user unknown"),
        bounce(3, "cy@yahoo.example", 421, "4.7.0", "try again later"),
    ]
    radius = await blast_radius(api.client, DOMAIN, CounterName.BOUNCE, START.date())
    assert radius.replies == (
        ("550 5.1.1 <address>: user unknown", 2), ("421 4.7.0 try again later", 1),
    )  # fmt: skip
    assert radius.domains == (("gmail.com", 2), ("yahoo.example", 1))
    assert (radius.sampled, radius.complete) == (3, True)


def test_a_refused_request_is_told_by_its_error_id() -> None:
    assert reply_of(entry(1, error="account_disabled", http_status=403)) == (
        "account_disabled (HTTP 403)"
    )


async def test_sampling_stops_after_the_page_budget() -> None:
    api = WatchedWorld()
    api.entries = [bounce(i, f"u{i}@x.example", 550, "5.1.1", "no") for i in range(450)]
    radius = await blast_radius(api.client, DOMAIN, CounterName.BOUNCE, START.date())
    assert len(api.mailout_queries) == MAX_PAGES
    assert (radius.sampled, radius.complete) == (300, False)


async def test_the_thread_shows_the_blast_radius_escaped_and_within_limits() -> None:
    api = WatchedWorld()
    api.entries = [bounce(1, "a@evil.example", 550, "5.7.1", "<!channel> `rejected` & blocked")]
    radius = await blast_radius(api.client, DOMAIN, CounterName.BOUNCE, START.date())
    message = details_message(record(), radius)
    text = str(message["blocks"])
    assert "Top replies" in text
    assert "evil.example" in text
    assert "<!channel>" not in text
    assert "a@evil.example" not in text
    assert validate_blocks(message) == []
