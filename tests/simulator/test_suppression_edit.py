"""The simulator's PUT /api/delivery/suppression_lists/edit: validated like the documented form,
and the address then reads (and is sent to) as not suppressed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.simulator import SimulatorHandle, simulator_in_thread

from .conftest import NOW, TOKEN, token_of

EDIT = "/api/delivery/suppression_lists/edit"
ADDRESS = "former.client@yahoo.it"


@pytest.fixture
def fresh() -> Iterator[tuple[SimulatorHandle, httpx.Client]]:
    with simulator_in_thread(seed=7, now=NOW) as handle:
        headers = {"X-Api-Token": TOKEN}
        with httpx.Client(base_url=handle.base_url, headers=headers) as client:
            yield handle, client


def details(client: httpx.Client, email: str) -> list[dict[str, Any]]:
    response = client.post("/api/delivery/suppression_lists/details", json={"email": email})
    resources: list[dict[str, Any]] = response.json()["resources"]
    return resources


def test_deactivating_an_entry_answers_204_and_the_lookup_shows_it(
    fresh: tuple[SimulatorHandle, httpx.Client],
) -> None:
    _, client = fresh
    response = client.put(EDIT, json={"email": ADDRESS, "active": False, "accounts": []})
    assert response.status_code == 204
    assert response.content == b""
    assert [e["active"] for e in details(client, ADDRESS)] == [False]
    listed = client.get("/api/delivery/suppression_lists", params={"query": ADDRESS}).json()
    assert [e["active"] for e in listed["resources"]] == [False]


def test_a_reactivated_address_is_delivered_to_again(
    fresh: tuple[SimulatorHandle, httpx.Client],
) -> None:
    sim, client = fresh
    token = token_of(sim.describe(), "shop backend")
    message = {"from": "orders@mail.acme-shop.example", "to": [ADDRESS], "subject": "Hi",
               "text_body": "hello"}  # fmt: skip

    def suppressed_on_send() -> int:
        sent = httpx.post(
            f"{sim.send_url}/send", json={"messages": [message]},
            headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": "203.0.113.10"},
        )  # fmt: skip
        assert sent.status_code == 202, sent.text
        return int(sent.json()["suppression_summary"]["suppressed"])

    assert suppressed_on_send() == 1
    client.put(EDIT, json={"email": ADDRESS, "active": False})
    assert suppressed_on_send() == 0


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, "email"),
        ({"email": "nope"}, 422, "email"),
        ({"email": ADDRESS, "active": "no"}, 422, "active"),
        ({"email": ADDRESS, "accounts": "4127"}, 422, "accounts"),
        ({"email": ADDRESS, "reason": "spite"}, 422, "reason"),
        ({"email": "nobody@example.com", "active": False}, 404, None),
        ({"email": ADDRESS, "active": False, "accounts": [4127]}, 404, None),  # another scope
    ],
    ids=["blank", "not-email", "active-not-bool", "accounts-not-list", "bad-reason",
         "no-entry", "other-scope"],
)  # fmt: skip
def test_bad_edits_are_refused_and_change_nothing(
    fresh: tuple[SimulatorHandle, httpx.Client], body: dict[str, Any], status: int,
    field: str | None,
) -> None:  # fmt: skip
    _, client = fresh
    response = client.put(EDIT, json=body)
    assert response.status_code == status
    if field is not None:
        assert response.json()["errors"][0]["field"] == field
    assert [e["active"] for e in details(client, ADDRESS)] == [True]


def test_the_edit_needs_the_management_token(
    fresh: tuple[SimulatorHandle, httpx.Client],
) -> None:
    sim, _ = fresh
    response = httpx.put(f"{sim.base_url}{EDIT}", json={"email": ADDRESS, "active": False})
    assert response.status_code == 401
