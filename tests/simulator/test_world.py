"""The world: deterministic, a scenario per verdict, and describe()'s ids resolve in the API."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from bot.diagnostics.report import VerdictCode
from bot.simulator import create_simulation, running_simulator
from bot.simulator.describe import describe
from bot.simulator.scenarios import SCENARIOS
from tests.simulator.conftest import NOW, TOKEN, scenario

MAILOUTS = "/api/delivery/tracemail/mailouts"
PINNED = [s.name for s in SCENARIOS if s.pin is not None and s.name != "beyond_retention"]


def test_the_same_seed_and_instant_give_the_same_world() -> None:
    first = describe(create_simulation(seed=11, now=NOW))
    again = describe(create_simulation(seed=11, now=NOW))
    other = describe(create_simulation(seed=12, now=NOW))
    assert first == again
    assert first["accounts"][0]["tokens"] != other["accounts"][0]["tokens"]
    assert scenario(first, "bounced")["ids"] != scenario(other, "bounced")["ids"]


def test_every_verdict_but_unknown_has_a_scenario() -> None:
    verdicts = {s.verdict for s in SCENARIOS}
    assert verdicts == {v.value for v in VerdictCode} - {"unknown"}


def test_every_scenario_names_its_ids(world: dict) -> None:
    assert [s["name"] for s in world["scenarios"]] == [s.name for s in SCENARIOS]
    for case in world["scenarios"]:
        assert case["description"], case["name"]
        assert case["trace"], case["name"]


def _search(api: httpx.Client, ids: dict[str, Any]) -> list[dict]:
    found: list[dict] = []
    for collection in ("worked", "queued", "errors"):
        params = {"to": ids["to"], "start_date": ids["date"], "end_date": ids["date"],
                  "collection": collection, "per": 100}  # fmt: skip
        found += api.get(MAILOUTS, params=params).json()["resources"]
    return found


@pytest.mark.parametrize("name", PINNED)
def test_a_pinned_scenario_is_found_by_recipient_and_date(api: httpx.Client, world: dict,
                                                          name: str) -> None:  # fmt: skip
    ids = scenario(world, name)["ids"]
    matches = [e for e in _search(api, ids) if e["request_id"] == ids["request_id"]]
    assert len(matches) == 1
    assert matches[0]["message_id"] == ids["message_id"]


@pytest.mark.parametrize(
    ("name", "collection", "status", "error"),
    [
        ("delivered", "worked", "delivered", None), ("queued", "queued", None, None),
        ("deferred", "queued", "deferred", None), ("bounced", "worked", "bounce", None),
        ("suppressed", "worked", "suppressed", None), ("expired", "worked", "bounce", None),
        ("rejected_auth", "errors", None, "invalid_token"),
        ("rejected_ip", "errors", None, "ip_not_allowed"),
        ("rejected_domain", "errors", None, "sender_domain_not_allowed"),
        ("rejected_quota", "errors", None, "quota_exceeded"),
        ("rejected_payload", "errors", None, "invalid_message"),
        ("account_inactive", "errors", None, "account_disabled"),
    ],
)  # fmt: skip
def test_pinned_entries_show_the_state_their_verdict_needs(
    api: httpx.Client, world: dict, name: str, collection: str, status: str | None,
    error: str | None,
) -> None:  # fmt: skip
    ids = scenario(world, name)["ids"]
    (entry,) = [e for e in _search(api, ids) if e["request_id"] == ids["request_id"]]
    assert (entry["collection"], entry["status"], entry["error"]) == (collection, status, error)


@pytest.mark.parametrize("name", ["beyond_retention", "not_found"])
def test_missing_scenarios_are_really_missing(api: httpx.Client, world: dict, name: str) -> None:
    ids = scenario(world, name)["ids"]
    params = {"domain": ids["domain"], "start_date": ids["date"], "end_date": ids["date"],
              "to": ids.get("to")}  # fmt: skip
    for collection in ("worked", "queued", "errors"):
        found = api.get(MAILOUTS, params={**params, "collection": collection}).json()
        assert ids["message_id"] not in {e["message_id"] for e in found["resources"]}
    if name == "beyond_retention":
        assert ids["date"] < (NOW - timedelta(days=30)).date().isoformat()


def test_resource_scenarios_resolve(api: httpx.Client, world: dict) -> None:
    domains = {d["name"]: d for d in api.get("/api/delivery/domains").json()["resources"]}
    assert domains[scenario(world, "domain_not_verified")["ids"]["domain"]][
        "dns_verification_status"] == "not_verified"  # fmt: skip
    assert domains["labs.acme-shop.example"]["approval_status"] == "need_approval"
    hosted = api.get(f"/api/domains/{scenario(world, 'domain_inactive')['ids']['domain_code']}")
    assert hosted.json()["resources"][0]["status"] == "disabled"
    box = scenario(world, "mailbox_inactive")["ids"]
    mailbox = api.get(f"/api/domains/{box['domain_code']}/email_accounts/{box['mailbox_code']}")
    assert mailbox.json()["resources"][0]["status"] == "disabled"
    full = scenario(world, "mailbox_full")["ids"]
    (item,) = api.get(f"/api/domains/{full['domain_code']}/email_accounts",
                      params={"query": "giulia"}).json()["resources"]  # fmt: skip
    assert item["used_bytes"] == item["quota_bytes"]
    account = api.get(
        f"/api/delivery/accounts/{scenario(world, 'account_wait_pay')['ids']['account_id']}"
    )
    assert account.json()["resources"][0]["status"] == 2


def test_the_quota_spent_account_has_nothing_left(api: httpx.Client) -> None:
    (account,) = api.get("/api/delivery/accounts/4133").json()["resources"]
    assert account["remaining_messages"] + account["remaining_extra_messages_bought"] == 0


async def test_the_ramp_domain_bounces_rise_and_fall_as_time_moves() -> None:
    async with running_simulator(now=NOW) as sim:
        ramp = sim.describe()["ramp"]
        async with httpx.AsyncClient(base_url=sim.base_url, headers={"X-Api-Token": TOKEN}) as c:
            shares = []
            for moment in ("starts_at", "peak_at", "ends_at"):
                sim.clock.set(datetime.fromisoformat(ramp[moment]))
                sim.clock.advance(timedelta(minutes=20) if moment == "ends_at" else timedelta())
                recent = (
                    await c.get(MAILOUTS, params={"domain": ramp["domain"], "per": 60})
                ).json()
                entries = recent["resources"]
                shares.append(sum(e["status"] == "bounce" for e in entries) / len(entries))
    before, peak, after = shares
    assert peak > 0.08
    assert before < 0.04
    assert after < 0.06


def test_focusing_on_the_ramp_brings_it_within_minutes() -> None:
    default = describe(create_simulation(now=NOW))["ramp"]
    focused = describe(create_simulation(now=NOW, scenario="ramp"))
    assert focused["focus"] == "ramp"
    assert focused["scenarios"][0]["name"] == "ramp"
    assert datetime.fromisoformat(focused["ramp"]["starts_at"]) - NOW == timedelta(minutes=5)
    assert datetime.fromisoformat(default["starts_at"]) - NOW == timedelta(hours=1)


def test_an_unknown_scenario_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        create_simulation(scenario="nope")
