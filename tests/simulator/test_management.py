"""Management API behaviour: auth, envelopes, error bodies, filters, pagination, history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.simulator.conftest import NOW

MAILOUTS = "/api/delivery/tracemail/mailouts"
SHOP = "mail.acme-shop.example"


def entries(api: httpx.Client, **params: Any) -> dict[str, Any]:
    response = api.get(MAILOUTS, params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("headers", [{}, {"X-Api-Token": "wrong"}], ids=["missing", "wrong"])
def test_a_bad_management_token_gets_the_documented_401_body(sim: Any, headers: dict) -> None:
    response = httpx.get(f"{sim.base_url}{MAILOUTS}", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized", "errors": []}


def test_an_unknown_path_gets_the_404_management_body(api: httpx.Client) -> None:
    response = api.get("/api/delivery/queue/jobs")
    assert response.status_code == 404
    assert response.json() == {"message": "Not found", "errors": []}


def test_lists_use_the_documented_envelope(api: httpx.Client) -> None:
    body = api.get("/api/delivery/accounts").json()
    assert set(body) == {"resources", "pagination"}
    assert {"per", "page", "total_pages", "total_records"} <= set(body["pagination"])
    assert body["pagination"]["per"] == 25
    assert body["pagination"]["total_records"] == len(body["resources"]) == 7


def test_a_single_resource_is_one_item_with_empty_pagination(api: httpx.Client) -> None:
    body = api.get("/api/delivery/accounts/4127").json()
    assert body["pagination"] == {}
    assert [a["id"] for a in body["resources"]] == [4127]


def test_an_unknown_account_is_404_and_a_foreign_one_403(api: httpx.Client) -> None:
    assert api.get("/api/delivery/accounts/5555").json() == {"message": "Not found", "errors": []}
    forbidden = api.get("/api/delivery/accounts/9001")
    assert (forbidden.status_code, forbidden.json()["message"]) == (403, "Forbidden")


def test_a_bad_date_is_a_422_naming_the_field(api: httpx.Client) -> None:
    response = api.get(MAILOUTS, params={"start_date": "23/11/2026"})
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "Validation failed"
    assert [e["field"] for e in body["errors"]] == ["start_date"]


def test_mailouts_page_30_by_default_newest_first(api: httpx.Client) -> None:
    body = entries(api, domain=SHOP)
    created = [e["created_at"] for e in body["resources"]]
    assert len(created) == body["pagination"]["per"] == 30
    assert created == sorted(created, reverse=True)
    assert body["pagination"]["total_records"] > 30_000  # a busy domain: thousands a day


def test_per_is_capped_at_100_and_pages_do_not_overlap(api: httpx.Client) -> None:
    first = entries(api, domain=SHOP, per=500)
    second = entries(api, domain=SHOP, per=100, page=2)
    assert len(first["resources"]) == first["pagination"]["per"] == 100
    assert not {e["id"] for e in first["resources"]} & {e["id"] for e in second["resources"]}
    assert first["resources"][-1]["created_at"] >= second["resources"][0]["created_at"]


def test_an_unknown_parameter_such_as_message_id_filters_nothing(api: httpx.Client) -> None:
    plain = entries(api, domain=SHOP, start_date="2026-11-22")
    some_id = plain["resources"][5]["message_id"]
    filtered = entries(api, domain=SHOP, start_date="2026-11-22", message_id=some_id)
    assert filtered["pagination"]["total_records"] == plain["pagination"]["total_records"]
    assert filtered["resources"] == plain["resources"]


@pytest.mark.parametrize(
    ("params", "field", "expected"),
    [
        ({"status": "bounce"}, "status", {"bounce"}),
        ({"collection": "errors"}, "collection", {"errors"}),
        ({"collection": "errors", "error_category": "limits"}, "error_category", {"limits"}),
        ({"auth_protocol": "smtp"}, "auth_protocol", {"smtp"}),
        ({"collection": "queued"}, "collection", {"queued"}),
        ({}, "collection", {"worked"}),
    ],
    ids=["status", "errors", "category", "protocol", "queued", "default-worked"],
)
def test_mailout_filters_select_only_matching_entries(
    api: httpx.Client, params: dict, field: str, expected: set
) -> None:
    body = entries(api, per=100, **params)
    assert body["resources"]
    assert {e[field] for e in body["resources"]} == expected


def test_to_filter_searches_the_whole_history_for_one_recipient(api: httpx.Client) -> None:
    body = entries(api, to="no.such.user@libero.it", per=100)
    assert body["resources"]
    assert {e["to"] for e in body["resources"]} == {"no.such.user@libero.it"}
    assert {e["smtp_enhanced_code"] for e in body["resources"]} == {"5.1.1"}


def test_history_is_30_days(api: httpx.Client) -> None:
    old = (NOW - timedelta(days=31)).date().isoformat()
    assert entries(api, start_date=old, end_date=old)["resources"] == []
    since = (NOW - timedelta(days=60)).date().isoformat()
    first = entries(api, domain="acme-shop.example", start_date=since, per=100)
    last_page = first["pagination"]["total_pages"]
    oldest = entries(api, domain="acme-shop.example", start_date=since, per=100, page=last_page)
    cutoff = (NOW - timedelta(days=30)).isoformat().replace("+00:00", "Z")
    assert cutoff <= oldest["resources"][-1]["created_at"] < "2026-10-25"


def test_entries_are_never_in_the_future(api: httpx.Client) -> None:
    newest = entries(api, per=1)["resources"][0]["created_at"]
    assert newest <= NOW.isoformat().replace("+00:00", "Z")


def test_counters_use_the_documented_names_as_strings(api: httpx.Client) -> None:
    body = api.get("/api/delivery/tracemail/counters", params={"domain": SHOP}).json()
    (counters,) = body["resources"]
    assert set(counters) == {"all", "delivered", "suppressed", "bounce", "queued", "errors",
                             "authErrors", "limitsErrors", "genericErrors"}  # fmt: skip
    assert all(isinstance(v, str) for v in counters.values())
    assert int(counters["all"]) > int(counters["delivered"]) > 0


def test_daily_statistics_give_one_day_each_oldest_first(api: httpx.Client) -> None:
    body = api.get("/api/delivery/tracemail/daily_statistics",
                   params={"account": 4128, "start_date": "2026-11-17"}).json()  # fmt: skip
    days = [d["date"] for d in body["resources"]]
    assert days == [f"2026-11-{n}" for n in range(17, 24)]


def test_the_degraded_account_shows_in_the_dashboard_alerts(api: httpx.Client) -> None:
    (dashboard,) = api.get("/api/delivery/dashboard").json()["resources"]
    texts = " ".join(a["text"] for a in dashboard["alerts"])
    assert "Bounce rate of account Newsletter (4128)" in texts
    assert "(4127)" not in texts


def test_tracemail_accounts_and_domains_carry_counters(api: httpx.Client) -> None:
    accounts = api.get("/api/delivery/tracemail/accounts").json()["resources"]
    news = next(a for a in accounts if a["id"] == 4128)
    assert news["bounce"] / news["all"] > 0.01
    domains = api.get("/api/delivery/tracemail/domains", params={"account": 4127}).json()
    assert {d["name"] for d in domains["resources"]} == {SHOP, "acme-shop.example",
                                                          "labs.acme-shop.example"}  # fmt: skip


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "wait_pay"}, [4131]),
        ({"status": "blocked"}, [4132]),
        ({"ids": "4127,4133"}, [4127, 4133]),
        ({"type": "promotional"}, [4128, 4131]),
        ({"query": "billing"}, [4133]),
    ],
)
def test_delivery_account_filters(api: httpx.Client, params: dict, expected: list) -> None:
    body = api.get("/api/delivery/accounts", params=params).json()
    assert [a["id"] for a in body["resources"]] == expected


def test_delivery_domain_status_filter(api: httpx.Client) -> None:
    body = api.get("/api/delivery/domains", params={"status": "misconfigured"}).json()
    assert [d["name"] for d in body["resources"]] == ["offers.acme-shop.example"]
    assert body["resources"][0]["dns_verification_status"] == "misconfigured"


def test_an_unknown_status_value_is_a_422(api: httpx.Client) -> None:
    response = api.get("/api/delivery/domains", params={"status": "sleeping"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"


def test_api_tokens_show_only_an_8_character_preview(api: httpx.Client, world: dict) -> None:
    tokens = api.get("/api/delivery/accounts/4127/api_tokens").json()["resources"]
    full = {t["id"]: t["token"] for a in world["accounts"] for t in a["tokens"]}
    assert tokens
    for token in tokens:
        assert token["token_preview"] == full[token["id"]][:8]
        assert full[token["id"]] not in str(token)


def test_suppression_details_finds_account_scoped_and_customer_wide_entries(
    api: httpx.Client,
) -> None:
    wide = api.post(
        "/api/delivery/suppression_lists/details", json={"email": "former.client@yahoo.it"}
    )
    scoped = api.post(
        "/api/delivery/suppression_lists/details", json={"email": "old.buyer@libero.it"}
    )
    assert [(e["reason"], e["accounts"]) for e in wide.json()["resources"]] == [("bounce", [])]
    assert [e["accounts"] for e in scoped.json()["resources"]] == [[4127]]


def test_suppression_details_needs_an_email(api: httpx.Client) -> None:
    response = api.post("/api/delivery/suppression_lists/details", json={})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "email", "description": "can't be blank"}]


def test_suppression_lists_filter_by_reason(api: httpx.Client) -> None:
    body = api.get("/api/delivery/suppression_lists", params={"reason": "complaint", "per": 100})
    reasons = {e["reason"] for e in body.json()["resources"]}
    assert reasons == {"complaint"}


@pytest.mark.parametrize("domain", [SHOP, "news.acme-shop.example"])
def test_counters_agree_with_the_mailouts_they_count(api: httpx.Client, domain: str) -> None:
    since = {"domain": domain, "start_date": "2026-11-16"}
    (counters,) = api.get("/api/delivery/tracemail/counters", params=since).json()["resources"]

    def total(**params: str) -> int:
        return int(entries(api, per=1, **since, **params)["pagination"]["total_records"])

    assert int(counters["delivered"]) == total(status="delivered")
    assert int(counters["bounce"]) == total(status="bounce")
    assert int(counters["queued"]) == total(collection="queued") > 0
    assert int(counters["errors"]) == total(collection="errors")
    assert int(counters["all"]) == total() + total(collection="queued") + total(collection="errors")
