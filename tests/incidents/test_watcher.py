"""observe(): every account and domain, from the listings or one by one, failures isolated."""

from __future__ import annotations

from bot.incidents.observation import Scope
from bot.incidents.watcher import observe
from tests.incidents.support import START, Clock, WatchedWorld


async def test_every_account_and_domain_is_observed_from_the_listings() -> None:
    api = WatchedWorld()
    observations = await observe(api.client, Clock())
    scopes = [o.resource.scope for o in observations]
    assert scopes.count(Scope.ACCOUNT) == 30
    assert scopes.count(Scope.DOMAIN) == 3
    assert {o.resource.id for o in observations if o.resource.scope is Scope.DOMAIN} == {
        "d0.example", "d1.example", "d2.example",
    }  # fmt: skip
    by_key = {o.resource.key: o for o in observations}
    assert by_key["account:1029"].day.all == 1029  # the listing's figures, matched by id
    assert by_key["domain:d2.example"].day.all == 11  # ... and by name, case-insensitively
    assert api.counter_calls == []  # no call per resource when the listings answer
    assert all(o.observed_at == START and o.dashboard is not None for o in observations)


async def test_counters_are_read_for_today_only() -> None:
    api = WatchedWorld(listings_down=True)
    await observe(api.client, Clock())
    today = (START.date(), START.date())
    assert {(c["start"], c["end"]) for c in api.listing_calls} == {today}
    assert {(c["start"], c["end"]) for c in api.counter_calls} == {today}


async def test_resources_missing_from_a_listing_are_read_one_by_one() -> None:
    api = WatchedWorld(unlisted=frozenset({"account:1003", "domain:d1.example"}))
    observations = await observe(api.client, Clock())
    assert len(observations) == 33
    assert [(c["account"], c["domain"]) for c in api.counter_calls] == [
        (1003, None), (None, "d1.example"),
    ]  # fmt: skip


async def test_one_failing_resource_is_left_out_and_the_rest_observed() -> None:
    api = WatchedWorld(broken_domain="d1.example", listings_down=True)
    observations = await observe(api.client, Clock())
    ids = {o.resource.key for o in observations}
    assert "domain:d1.example" not in ids
    assert {"domain:d0.example", "domain:d2.example", "account:1000"} <= ids
    assert len(observations) == 32


async def test_dashboard_failure_does_not_stop_the_check() -> None:
    observations = await observe(WatchedWorld(dashboard_down=True).client, Clock())
    assert len(observations) == 33
    assert all(o.dashboard is None for o in observations)


async def test_concurrency_of_the_one_by_one_reads_is_bounded() -> None:
    api = WatchedWorld(listings_down=True)
    await observe(api.client, Clock(), concurrency=4)
    assert len(api.counter_calls) == 33
    assert 1 < api.most_in_flight <= 4
