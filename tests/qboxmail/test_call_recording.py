"""Call recording at the requester: what a run's CallLog counts, through the real client."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.errors import ApiUnreachable
from bot.qboxmail.recording import CURRENT_CHAIN, CallLog, Chain, recording

from .conftest import ClientFactory, Script, envelope, fail, reply

DASHBOARD = reply(200, envelope({"month_total": 12, "bounce_rate": "0.4"}))


async def test_a_call_is_recorded_once_however_often_it_is_retried(
    make_client: ClientFactory,
) -> None:
    script = Script([reply(503, {"message": "busy"}), DASHBOARD])
    async with make_client(script) as client:
        with recording(CallLog()) as log:
            await client.dashboard()
    assert len(script.requests) == 2
    assert (log.calls, log.succeeded) == (1, 1)


async def test_calls_outside_a_recording_are_not_counted(make_client: ClientFactory) -> None:
    log = CallLog()
    async with make_client(Script([DASHBOARD])) as client:
        with recording(log):
            await client.dashboard()
        await client.dashboard()
    assert log.calls == 1


async def test_an_unreachable_call_is_counted_and_its_error_kept(
    make_client: ClientFactory,
) -> None:
    script = Script([fail(httpx.ConnectError)])
    async with make_client(script, max_retries=0) as client:
        with recording(CallLog()) as log, pytest.raises(ApiUnreachable) as raised:
            await client.dashboard()
    assert (log.calls, log.succeeded, log.unreachable) == (1, 0, 1)
    assert log.first_unreachable is raised.value


async def test_calls_made_together_share_a_level_and_calls_in_turn_add_up(
    make_client: ClientFactory,
) -> None:
    async def fetch() -> Chain:
        chain = Chain()
        CURRENT_CHAIN.set(chain)
        await asyncio.gather(client.dashboard(), client.dashboard())
        await client.dashboard()
        return chain

    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)  # both calls made together are in flight at once
        return DASHBOARD(request)

    async with make_client(Script([DASHBOARD]), transport=httpx.MockTransport(slow)) as client:
        with recording(CallLog()) as log:
            chain = await asyncio.create_task(fetch())
    assert (log.calls, log.depth, chain.level) == (3, 2, 2)


async def test_concurrent_recordings_are_kept_apart(make_client: ClientFactory) -> None:
    async def run(calls: int) -> CallLog:
        with recording(CallLog()) as log:
            for _ in range(calls):
                await client.dashboard()
        return log

    async with make_client(Script([DASHBOARD])) as client:
        one, two = await asyncio.gather(run(1), run(2))
    assert (one.calls, two.calls) == (1, 2)
