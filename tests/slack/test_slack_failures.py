"""Nothing lost after the ack when Slack fails: 5xx and 429 on chat.postMessage, chat.update and
response_url are retried with back-off; a failing progress update never aborts a trace; a trace
that stops says so in place of its "Tracing…" placeholder. The Slack stand-in injects the faults.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.simulator import Fault, SimulatorHandle
from tests.qboxmail.fault_proxy import FaultProxy, Mode, running_proxy
from tests.qboxmail.test_fault_proxy import through
from tests.slack.conftest import CHANNEL, Harness, buttons, dumps, in_thread, parents
from tests.slack.standin import Call


def verdict_of(calls: list[Call], ts: str) -> list[Call]:
    return [
        c for c in calls
        if c.method == "chat.update" and c.status == 200 and c.args.get("ts") == ts and buttons(c)
    ]  # fmt: skip


async def traced(qbx: Harness, scenario: str = "bounced") -> str:
    """`/qbx trace <id>`; the ts of its parent once the verdict and the checklist are in."""
    await qbx.command(f"trace {qbx.trace_id(scenario)}")
    calls = await qbx.slack.wait_for(lambda cs: bool(parents(cs)))
    ts = str(parents(calls)[0].answer["ts"])
    await qbx.slack.wait_for(lambda cs: bool(verdict_of(cs, ts)) and bool(in_thread(cs, ts)))
    return ts


def statuses(qbx: Harness, method: str) -> list[int]:
    return [c.status for c in qbx.slack.calls if c.method == method]


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
async def test_a_failing_post_message_is_retried_and_the_trace_answers(
    qbx: Harness, status: int
) -> None:
    qbx.slack.fail("chat.postMessage", status)
    ts = await traced(qbx)
    assert statuses(qbx, "chat.postMessage")[:2] == [status, 200]
    assert len(parents(qbx.slack.calls)) == 1
    assert qbx.sleeps, "the retry waited (through the injected sleep)"
    assert len(verdict_of(qbx.slack.calls, ts)) == 1


async def test_a_429_waits_for_retry_after(qbx: Harness) -> None:
    qbx.slack.fail("chat.postMessage", 429)
    await traced(qbx)
    assert any(s >= 1.0 for s in qbx.sleeps), qbx.sleeps


async def test_progress_updates_that_keep_failing_never_abort_the_trace(qbx: Harness) -> None:
    qbx.slack.fail("chat.update", *[503] * 4)  # the first progress update, after every retry
    ts = await traced(qbx)
    assert statuses(qbx, "chat.update")[:4] == [503] * 4
    [verdict] = verdict_of(qbx.slack.calls, ts)
    assert "Bounced" in dumps(verdict) or "bounced" in dumps(verdict).lower()


async def test_a_response_url_that_fails_twice_answers_once(qbx: Harness) -> None:
    qbx.slack.fail("response_url", 503, 500)
    await qbx.command("help")
    calls = await qbx.slack.wait_for(lambda cs: 200 in statuses(qbx, "response_url"))
    await qbx.runtime.deps.background.drain(5)
    assert statuses(qbx, "response_url") == [503, 500, 200]
    assert [c for c in calls if c.method == "chat.postEphemeral"] == []


async def test_a_response_url_that_keeps_failing_falls_back_to_an_ephemeral(
    qbx: Harness,
) -> None:
    qbx.slack.fail("response_url", 500, 500, 500)
    await qbx.command("help")
    calls = await qbx.slack.wait_for(lambda cs: any(c.method == "chat.postEphemeral" for c in cs))
    [ephemeral] = [c for c in calls if c.method == "chat.postEphemeral"]
    assert (ephemeral.args["channel"], ephemeral.args["user"]) == (CHANNEL, "U0ENGINEER")
    assert "/qbx trace" in ephemeral.text
    assert statuses(qbx, "response_url") == [500, 500, 500]


async def test_an_expired_response_url_falls_back_at_once(qbx: Harness) -> None:
    qbx.slack.fail("response_url", 404)
    await qbx.command("help")
    await qbx.slack.wait_for(lambda cs: any(c.method == "chat.postEphemeral" for c in cs))
    assert statuses(qbx, "response_url") == [404]


class TestATraceThatStops:
    @pytest.fixture
    def overrides(self) -> dict[str, Any]:
        return {"qbx_trace_deadline_seconds": 1, "qbx_report_cache_seconds": 0}

    async def test_its_placeholder_says_so_and_the_user_is_told(self, qbx: Harness) -> None:
        qbx.sim.faults.set("*", Fault(latency_ms=3000))
        await qbx.command(f"trace {qbx.trace_id('bounced')}")
        calls = await qbx.slack.wait_for(lambda cs: bool(parents(cs)))
        ts = str(parents(calls)[0].answer["ts"])

        def stopped(cs: list[Call]) -> bool:
            return any("stopped before an answer" in dumps(c) for c in cs if c.args.get("ts") == ts)

        calls = await qbx.slack.wait_for(stopped)
        notice = next(c for c in calls if "stopped before an answer" in dumps(c))
        assert "did not finish within 1 s" in dumps(notice)
        private = await qbx.slack.wait_for(lambda cs: any(c.method == "response_url" for c in cs))
        assert any("did not finish within 1 s" in dumps(c) for c in private)
        assert verdict_of(qbx.slack.calls, ts) == []


class TestADrippingQboxmail:
    """The served app with the simulator behind the fault proxy: dripping answers end each call
    at its deadline, the trace still answers, and a healthy trace afterwards is not starved."""

    @pytest.fixture
    async def proxy(self, sim: SimulatorHandle) -> AsyncIterator[FaultProxy]:
        async with running_proxy(sim.base_url) as running:
            yield running

    @pytest.fixture
    def overrides(self, proxy: FaultProxy, sim: SimulatorHandle) -> dict[str, Any]:
        return {
            "qboxmail_api_url": through(proxy, sim.base_url),
            "qboxmail_send_api_url": through(proxy, sim.send_url),
            "qboxmail_connect_timeout": 0.5,
            "qboxmail_read_timeout": 0.5,
            "qboxmail_retry_budget": 1.5,
            "qboxmail_max_connections": 4,
            "qbx_report_cache_seconds": 0,
        }

    async def test_dripping_answers_end_and_a_healthy_trace_follows(
        self, qbx: Harness, proxy: FaultProxy
    ) -> None:
        proxy.default, proxy.drip_seconds = Mode.DRIP, 0.2
        await qbx.command(f"trace {qbx.trace_id('bounced')}")
        calls = await qbx.slack.wait_for(lambda cs: bool(parents(cs)))
        dripping = str(parents(calls)[0].answer["ts"])

        def ended(cs: list[Call]) -> bool:  # a verdict, or the placeholder saying why it stopped
            mine = [dumps(c) for c in cs if c.method == "chat.update" and c.args["ts"] == dripping]
            return bool(verdict_of(cs, dripping)) or any("stopped before" in m for m in mine)

        await qbx.slack.wait_for(ended, within=30)
        proxy.default = Mode.PASS
        await qbx.command(f"trace {qbx.trace_id('delivered')}")
        calls = await qbx.slack.wait_for(lambda cs: len(parents(cs)) >= 2)
        healthy = str(parents(calls)[1].answer["ts"])
        calls = await qbx.slack.wait_for(lambda cs: bool(verdict_of(cs, healthy)))
        assert "Delivered" in dumps(verdict_of(calls, healthy)[-1])
