"""Watches through the real Bolt app and the Slack stand-in: a deferred message watched until it
is delivered (the simulator's clock moves it along), Stop watching, the limit, /qbx watch, and a
watch that survives a restart (Redis: polled by the worker, not by the serving processes)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.runtime.worker import serve_worker
from bot.settings import Settings
from bot.simulator import SimulatorHandle, running_simulator
from bot.watch.model import CALLS_PER_CHECK, max_calls_per_hour, max_checks_per_hour
from tests.redis_support import REDIS_URL, machine_redis, unique_prefix
from tests.slack.conftest import Harness, dumps, in_thread, parents, settings_for, updates_of
from tests.slack.followup_support import (
    click_on,
    final_buttons,
    followup_app,
    minutes,
    private,
    traced,
)
from tests.slack.standin import StandIn


@pytest.fixture
async def sim() -> AsyncIterator[SimulatorHandle]:
    async with running_simulator(seed=7) as handle:  # follows the clock tests move
        yield handle


@pytest.fixture
async def qbx(sim: SimulatorHandle, slack: StandIn) -> AsyncIterator[Harness]:
    async with followup_app(sim, slack) as harness:
        yield harness


async def test_a_greylisted_message_is_watched_until_delivered(qbx: Harness) -> None:
    ts, found = await traced(qbx, "greylisted", "qbx_watch")
    assert "deferred" in dumps(updates_of(qbx.slack.calls, ts)[-1]).lower()
    await click_on(qbx, found["qbx_watch"], ts)
    [answer] = await private(qbx, 1)
    assert "Watching" in answer.text
    watching = final_buttons(qbx.slack.calls, ts)
    assert "qbx_unwatch" in watching
    assert "qbx_watch" not in watching
    assert qbx.runtime.watches is not None
    qbx.sim.clock.advance(minutes(2))
    first = await qbx.runtime.watches.run_pass()
    assert (first.checked, first.ended) == (1, 0)  # still deferred: next attempt pending
    assert ":eyes: Watching" in dumps(updates_of(qbx.slack.calls, ts)[-1])
    qbx.sim.clock.advance(minutes(5))
    second = await qbx.runtime.watches.run_pass()
    assert (second.checked, second.ended) == (1, 1)
    last = dumps(updates_of(qbx.slack.calls, ts)[-1])
    assert "Watch ended: the message is *delivered*" in last
    assert "qbx_unwatch" not in last
    assert any("Watch ended" in c.text for c in in_thread(qbx.slack.calls, ts))
    assert await qbx.runtime.deps.followup.book.all() == {}  # type: ignore[union-attr]
    qbx.sim.clock.advance(minutes(60))
    assert (await qbx.runtime.watches.run_pass()).checked == 0


async def test_a_recheck_costs_at_most_the_budgeted_api_calls(qbx: Harness) -> None:
    ts, found = await traced(qbx, "deferred", "qbx_watch")
    await click_on(qbx, found["qbx_watch"], ts)
    await private(qbx, 1)
    assert qbx.runtime.watches is not None
    qbx.sim.clock.advance(minutes(2))
    await qbx.runtime.watches.run_pass()
    key = final_buttons(qbx.slack.calls, ts)["qbx_rerun"]["value"]
    context = await qbx.runtime.deps.store.get_context(key)
    assert context is not None
    assert '"api_calls":' in context["report_json"]
    calls = int(context["report_json"].split('"api_calls":')[1].split(",")[0])
    assert 0 < calls <= CALLS_PER_CHECK


async def test_stop_watching_ends_the_watch_in_place(qbx: Harness) -> None:
    ts, found = await traced(qbx, "greylisted", "qbx_watch")
    await click_on(qbx, found["qbx_watch"], ts)
    await private(qbx, 1)
    await click_on(qbx, final_buttons(qbx.slack.calls, ts)["qbx_unwatch"], ts)
    answers = await private(qbx, 2)
    assert "Stopped watching" in answers[-1].text
    assert "Stopped watching; last state *deferred*" in dumps(updates_of(qbx.slack.calls, ts)[-1])
    assert qbx.runtime.watches is not None
    qbx.sim.clock.advance(minutes(10))
    assert (await qbx.runtime.watches.run_pass()).checked == 0
    await click_on(qbx, {"action_id": "qbx_unwatch", "value": f"C0SUPPORT-{ts}"}, ts)
    assert "already ended" in (await private(qbx, 3))[-1].text


async def test_a_double_click_watches_once(qbx: Harness) -> None:
    ts, found = await traced(qbx, "greylisted", "qbx_watch")
    await click_on(qbx, found["qbx_watch"], ts)
    await click_on(qbx, found["qbx_watch"], ts)
    answers = await private(qbx, 2)
    assert sorted("already being watched" in a.text for a in answers) == [False, True]
    assert len(await qbx.runtime.deps.followup.book.all()) == 1  # type: ignore[union-attr]


async def test_the_watch_expires_after_its_ttl(qbx: Harness) -> None:
    ts, found = await traced(qbx, "deferred", "qbx_watch")
    await click_on(qbx, found["qbx_watch"], ts)
    await private(qbx, 1)
    assert qbx.runtime.watches is not None
    qbx.sim.clock.advance(minutes(24 * 60 + 1))
    result = await qbx.runtime.watches.run_pass()
    assert (result.checked, result.ended) == (1, 1)
    assert "Stopped watching after 24 h" in dumps(updates_of(qbx.slack.calls, ts)[-1])


async def test_a_final_result_cannot_be_watched(qbx: Harness) -> None:
    await qbx.command("watch " + scenario_arg(qbx, "delivered"))
    [answer] = await private(qbx, 1)
    assert "final state (delivered)" in answer.text
    assert await qbx.runtime.deps.followup.book.all() == {}  # type: ignore[union-attr]


async def test_slash_watch_traces_and_watches(qbx: Harness) -> None:
    await qbx.command("watch " + scenario_arg(qbx, "greylisted"))
    [answer] = await private(qbx, 1)
    assert "Watching" in answer.text
    [watch] = (await qbx.runtime.deps.followup.book.all()).values()  # type: ignore[union-attr]
    assert watch.parent_ts == parents(qbx.slack.calls)[0].answer["ts"]


@pytest.mark.parametrize(
    "text", ["watch", "watch hello", "watch <!channel>", "watch " + "x" * 5000]
)
async def test_slash_watch_without_a_message_id_answers_usage(qbx: Harness, text: str) -> None:
    await qbx.command(text)
    [answer] = await private(qbx, 1)
    assert "Usage: `/qbx watch" in answer.text
    assert parents(qbx.slack.calls) == []


async def test_when_full_the_answer_says_so(sim: SimulatorHandle, slack: StandIn) -> None:
    async with followup_app(sim, slack, qbx_max_watches=1) as qbx:
        ts, found = await traced(qbx, "greylisted", "qbx_watch")
        await click_on(qbx, found["qbx_watch"], ts)
        other, more = await traced(qbx, "queued", "qbx_watch")
        await click_on(qbx, more["qbx_watch"], other)
        answers = await private(qbx, 2)
        assert "QBX_MAX_WATCHES" in answers[-1].text
        assert len(await qbx.runtime.deps.followup.book.all()) == 1  # type: ignore[union-attr]


@asynccontextmanager
async def running_worker(settings: Settings, sim: SimulatorHandle) -> AsyncIterator[None]:
    """`qbx worker`'s serving function in this process, on the simulator's clock."""
    worker = asyncio.create_task(serve_worker(settings, clock=sim.clock.timestamp))
    try:
        yield
    finally:
        worker.cancel()  # as a signal stops it: the worker returns after closing everything
        await asyncio.gather(worker, return_exceptions=True)


@pytest.mark.redis
async def test_with_redis_the_worker_polls_and_the_watch_survives_a_restart(
    sim: SimulatorHandle, slack: StandIn
) -> None:
    prefix = unique_prefix()
    async with machine_redis(prefix):
        redis = {"redis_url": REDIS_URL, "qbx_redis_prefix": prefix}
        async with followup_app(sim, slack, **redis) as first:
            assert first.runtime.watches is None  # with Redis, serving processes do not poll
            ts, found = await traced(first, "greylisted", "qbx_watch")
            await click_on(first, found["qbx_watch"], ts)
            await private(first, 1)
        sim.clock.advance(minutes(7))
        async with followup_app(sim, slack, **redis) as second:  # a restarted server
            async with running_worker(settings_for(sim, slack, **redis), sim):  # its first pass
                await slack.wait_for(lambda cs: "*delivered*" in dumps(updates_of(cs, ts)[-1]))
            assert await second.runtime.deps.followup.book.all() == {}  # type: ignore[union-attr]


async def test_without_redis_the_serving_process_polls(qbx: Harness) -> None:
    assert qbx.runtime.watches is not None


def scenario_arg(qbx: Harness, name: str) -> str:
    ids = qbx.scenarios[name]["ids"]
    return f"{ids['message_id']} to {ids['to']} on {ids['date']}"


def test_the_readme_states_the_watch_budget() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"at most **{max_checks_per_hour()} re-checks**" in readme
    assert f"at most **{CALLS_PER_CHECK} API calls**" in readme
    assert f"at most **{max_calls_per_hour()} API calls per hour**" in readme
    assert f"({2 * CALLS_PER_CHECK} per hour after the first)" in readme
