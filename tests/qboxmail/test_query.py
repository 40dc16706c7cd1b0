"""MailoutQuery: only the documented filters, in the wire format the API reads."""

from __future__ import annotations

from datetime import date

import pytest

from bot.qboxmail.contract import MAILOUTS_FILTERS, Collection, MailoutStatus
from bot.qboxmail.query import MailoutQuery, wire_params


def test_every_filter_becomes_its_documented_parameter() -> None:
    query = MailoutQuery(
        account=4127,
        domain="shop.example",
        start_date=date(2026, 11, 1),
        end_date=date(2026, 11, 23),
        from_="news@shop.example",
        to="ann@example.org",
        subject="Your order",
        auth_protocol="api",
        collection=Collection.ERRORS,
        status=MailoutStatus.BOUNCE,
        error_category="auth",
        page=3,
        per=100,
    )
    assert query.to_params() == {
        "account": "4127",
        "domain": "shop.example",
        "start_date": "2026-11-01",
        "end_date": "2026-11-23",
        "from": "news@shop.example",
        "to": "ann@example.org",
        "subject": "Your order",
        "auth_protocol": "api",
        "collection": "errors",
        "status": "bounce",
        "error_category": "auth",
        "page": "3",
        "per": "100",
    }
    assert set(query.to_params()) == set(MAILOUTS_FILTERS)


def test_unset_filters_are_not_sent() -> None:
    assert MailoutQuery(to="ann@example.org").to_params() == {
        "to": "ann@example.org",
        "page": "1",
        "per": "30",
    }


def test_with_page_changes_only_the_page() -> None:
    query = MailoutQuery(domain="shop.example", per=50)
    assert query.with_page(4) == MailoutQuery(domain="shop.example", per=50, page=4)


@pytest.mark.parametrize(
    "bad",
    [
        {"page": 0},
        {"per": 0},
        {"per": 101},
        {"start_date": date(2026, 11, 2), "end_date": date(2026, 11, 1)},
    ],
    ids=["page-0", "per-0", "per-over-max", "dates-reversed"],
)
def test_impossible_queries_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"page|per|start_date"):
        MailoutQuery(**bad)  # type: ignore[arg-type]


def test_wire_params_drops_none_and_trailing_underscore() -> None:
    assert wire_params(from_="a@b.example", to=None, day=date(2026, 1, 2), n=5) == {
        "from": "a@b.example",
        "day": "2026-01-02",
        "n": "5",
    }
