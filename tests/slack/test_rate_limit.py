"""The per-user limit counts traces (ids), whatever starts them: commands, pastes, mentions,
shortcuts and Re-run clicks share one budget (QBX_USER_TRACES_PER_MINUTE, 3 here)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.slack.conftest import CHANNEL, USER, WATCHED, Harness, buttons, dumps, parents
from tests.slack.standin import Call
from tests.slack.test_pasted_ids import message

LIMIT = 3
SCENARIOS = ("delivered", "queued", "deferred", "greylisted", "bounced")


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"qbx_user_traces_per_minute": LIMIT}


def started(calls: list[Call]) -> list[Call]:
    """Every "Tracing…" placeholder (a trace started), in any channel or thread."""
    return [c for c in calls if c.method == "chat.postMessage" and "Tracing" in dumps(c)]


def refusals(calls: list[Call]) -> list[Call]:
    return [c for c in calls if "traces in the last minute" in dumps(c)]


async def test_a_command_of_five_ids_runs_only_the_budget(qbx: Harness) -> None:
    ids = " ".join(qbx.trace_id(s) for s in SCENARIOS)
    await qbx.command(f"trace {ids}")
    calls = await qbx.slack.wait_for(lambda cs: bool(refusals(cs)) and len(started(cs)) >= LIMIT)
    await qbx.runtime.deps.background.drain(20)
    assert len(started(qbx.slack.calls)) == LIMIT
    [refusal] = refusals(calls)
    assert refusal.method == "response_url"
    assert "2 of them were not started" in dumps(refusal)


async def test_pastes_mentions_and_shortcuts_share_the_budget(qbx: Harness) -> None:
    pasted = " ".join(qbx.trace_id(s) for s in SCENARIOS[:2])
    await qbx.event(message(f"see {pasted}", ts="1700000000.000200"))
    await qbx.slack.wait_for(lambda cs: len(started(cs)) >= 2)
    shortcut = {"type": "message", "user": "U0OTHER", "ts": "1700000000.000300",
                "text": f"{qbx.trace_id('deferred')} and {qbx.trace_id('bounced')}"}  # fmt: skip
    await qbx.shortcut(shortcut, channel=WATCHED)
    calls = await qbx.slack.wait_for(lambda cs: bool(refusals(cs)))
    await qbx.runtime.deps.background.drain(20)
    assert len(started(qbx.slack.calls)) == LIMIT
    [refusal] = refusals(calls)
    assert "it was not started" in dumps(refusal)
    await qbx.event(message(f"again {qbx.trace_id('greylisted')}", ts="1700000000.000400"))
    calls = await qbx.slack.wait_for(lambda cs: len(refusals(cs)) == 2)
    [_, ephemeral] = refusals(calls)
    assert (ephemeral.method, ephemeral.args["user"]) == ("chat.postEphemeral", USER)
    await qbx.runtime.deps.background.drain(20)
    assert len(started(qbx.slack.calls)) == LIMIT


async def test_a_rerun_click_counts_as_a_trace(qbx: Harness) -> None:
    ids = " ".join(qbx.trace_id(s) for s in SCENARIOS[:LIMIT])
    await qbx.command(f"trace {ids}")
    calls = await qbx.slack.wait_for(
        lambda cs: sum(1 for c in cs if c.method == "chat.update" and buttons(c)) >= LIMIT
    )
    await qbx.runtime.deps.background.drain(20)
    verdict = next(c for c in calls if c.method == "chat.update" and buttons(c))
    rerun = next(b for b in buttons(verdict) if b["action_id"] == "qbx_rerun")
    await qbx.click(rerun)
    calls = await qbx.slack.wait_for(lambda cs: bool(refusals(cs)))
    await qbx.runtime.deps.background.drain(5)
    assert len(parents(qbx.slack.calls, CHANNEL)) == LIMIT
    assert refusals(calls)[0].method == "response_url"
