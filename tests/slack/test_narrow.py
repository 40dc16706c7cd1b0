"""*Narrow the search*: an inconclusive result offers it; its modal (recipient, day) re-runs
the trace with them; bad input is refused in the modal, and nothing runs."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from bot.recognition.grammar import CheckKind
from bot.recognition.targets import Target
from bot.render.blocks import VIEW_NARROW
from bot.slack.tracing import TraceSpec
from tests.slack.conftest import CHANNEL, Harness, buttons, dumps, in_thread
from tests.slack.standin import Call

PARENT = "1800000000.000001"


def final_verdicts(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "chat.update" and buttons(c)]


async def inconclusive_result(qbx: Harness) -> dict[str, dict[str, Any]]:
    await qbx.command(f"trace {qbx.trace_id('not_found')}")  # a bare id: the budget runs out
    calls = await qbx.slack.wait_for(lambda cs: bool(final_verdicts(cs)))
    await qbx.slack.wait_for(lambda cs: len(in_thread(cs, PARENT)) >= 1)
    return {b["action_id"]: b for b in buttons(final_verdicts(calls)[-1])}


def narrowing(recipient: str = "", day: str | None = None) -> dict[str, Any]:
    return {
        "recipient": {"recipient": {"type": "plain_text_input", "value": recipient}},
        "day": {"day": {"type": "datepicker", "selected_date": day}},
    }


async def test_an_inconclusive_result_says_so_and_offers_to_narrow(qbx: Harness) -> None:
    found = await inconclusive_result(qbx)
    [verdict] = final_verdicts(qbx.slack.calls)
    assert "Inconclusive" in dumps(verdict)
    assert "Not found" not in dumps(verdict)
    assert found["qbx_narrow"]["text"]["text"] == "Narrow the search"


async def test_the_button_opens_a_modal_holding_only_the_opaque_key(qbx: Harness) -> None:
    found = await inconclusive_result(qbx)
    await qbx.click(found["qbx_narrow"])
    calls = await qbx.slack.wait_for(lambda cs: any(c.method == "views.open" for c in cs))
    [opened] = [c for c in calls if c.method == "views.open"]
    view = (
        json.loads(opened.args["view"])
        if isinstance(opened.args["view"], str)
        else opened.args["view"]
    )
    assert view["callback_id"] == VIEW_NARROW
    assert view["private_metadata"] == found["qbx_narrow"]["value"]
    assert {b.get("block_id") for b in view["blocks"]} >= {"recipient", "day"}
    assert opened.args["trigger_id"] == "1.2.3"


class TestWithATinyBudget:
    @pytest.fixture
    def overrides(self) -> dict[str, Any]:
        return {"qbx_scan_budget": 1}

    async def test_the_recipient_and_day_finish_the_search(self, qbx: Harness) -> None:
        ids = qbx.scenarios["delivered"]["ids"]
        await qbx.command(f"trace {ids['message_id']}")  # one page: not enough without hints
        calls = await qbx.slack.wait_for(lambda cs: bool(final_verdicts(cs)))
        [first] = final_verdicts(calls)
        assert "Inconclusive" in dumps(first)
        key = {b["action_id"]: b for b in buttons(first)}["qbx_narrow"]["value"]
        answer = await qbx.submit_view(VIEW_NARROW, key, narrowing(ids["to"], ids["date"]))
        assert answer.status_code == 200
        assert not answer.content.strip()  # the modal closes
        calls = await qbx.slack.wait_for(lambda cs: len(final_verdicts(cs)) >= 2)
        narrowed = final_verdicts(calls)[-1]
        assert "Delivered" in dumps(narrowed)
        assert narrowed.args["channel"] == CHANNEL


async def test_a_narrowed_search_that_reads_everything_is_not_found(qbx: Harness) -> None:
    found = await inconclusive_result(qbx)
    ids = qbx.scenarios["not_found"]["ids"]
    await qbx.submit_view(
        VIEW_NARROW, found["qbx_narrow"]["value"], narrowing("x@example.com", ids["date"])
    )
    calls = await qbx.slack.wait_for(lambda cs: len(final_verdicts(cs)) >= 2)
    narrowed = final_verdicts(calls)[-1]
    assert "Not found" in dumps(narrowed)
    assert "qbx_narrow" not in {b["action_id"] for b in buttons(narrowed)}
    posts = [c for c in calls if c.method == "chat.postMessage"]
    assert all(c.args.get("thread_ts") == PARENT for c in posts[1:])  # in the result's thread


async def test_a_bad_address_or_nothing_at_all_is_refused_in_the_modal(qbx: Harness) -> None:
    found = await inconclusive_result(qbx)
    key = found["qbx_narrow"]["value"]
    before = len(qbx.slack.calls)
    bad = await qbx.submit_view(VIEW_NARROW, key, narrowing("not an address <!channel>"))
    empty = await qbx.submit_view(VIEW_NARROW, key, narrowing())
    assert bad.json()["response_action"] == "errors"
    assert "recipient" in bad.json()["errors"]
    assert "Give the recipient" in empty.json()["errors"]["recipient"]
    await qbx.runtime.deps.background.drain(30)
    assert len(qbx.slack.calls) == before  # nothing ran, nothing posted


async def test_an_expired_key_gets_a_private_answer_and_no_modal(qbx: Harness) -> None:
    await qbx.click({"action_id": "qbx_narrow", "value": "no-such-key"})
    calls = await qbx.slack.wait_for(lambda cs: any(c.method == "response_url" for c in cs))
    assert "expired" in dumps(next(c for c in calls if c.method == "response_url"))
    assert not [c for c in calls if c.method == "views.open"]


class TestMailboxSearchWithATinyBudget:
    @pytest.fixture
    def overrides(self) -> dict[str, Any]:
        return {"qbx_scan_budget": 1}

    async def test_an_unfinished_mailbox_search_asks_for_the_domain_not_a_recipient(
        self, qbx: Harness
    ) -> None:
        box = qbx.scenarios["mailbox_inactive"]["ids"]["mailbox_code"]
        await qbx.command(f"trace {box}")
        calls = await qbx.slack.wait_for(lambda cs: bool(final_verdicts(cs)))
        [verdict] = final_verdicts(calls)
        assert "Inconclusive" in dumps(verdict)
        assert f"{box} D123456789" in dumps(verdict)  # what would finish it
        assert "qbx_narrow" not in {b["action_id"] for b in buttons(verdict)}


def test_narrowing_a_check_narrows_the_id_it_names() -> None:
    message_id = "8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example"
    spec = TraceSpec(check_kind=CheckKind.MESSAGE, check_value=message_id)
    narrowed = spec.narrowed("anna@example.com", date(2026, 11, 20))
    assert narrowed.target is not None
    assert narrowed.target.value == message_id
    assert narrowed.target.hints.recipients == ("anna@example.com",)
    assert narrowed.target.hints.dates == (date(2026, 11, 20),)
    plain = TraceSpec(target=Target(narrowed.target.kind, message_id))
    assert narrowed.cache_key != plain.cache_key  # another question, another cache entry


class TestAtTheTraceLimit:
    @pytest.fixture
    def overrides(self) -> dict[str, Any]:
        return {"qbx_user_traces_per_minute": 1}

    async def test_a_narrowed_search_counts_as_a_trace(self, qbx: Harness) -> None:
        found = await inconclusive_result(qbx)  # the one trace this minute
        ids = qbx.scenarios["not_found"]["ids"]
        await qbx.submit_view(
            VIEW_NARROW, found["qbx_narrow"]["value"], narrowing("x@example.com", ids["date"])
        )
        calls = await qbx.slack.wait_for(
            lambda cs: any(c.method == "chat.postEphemeral" for c in cs)
        )
        [refusal] = [c for c in calls if c.method == "chat.postEphemeral"]
        assert "traces in the last minute" in refusal.text
        await qbx.runtime.deps.background.drain(30)
        assert len(final_verdicts(qbx.slack.calls)) == 1  # no second trace ran
