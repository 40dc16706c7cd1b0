"""The client against the simulator behind a misbehaving proxy (tests/qboxmail/fault_proxy.py):
a hanging, resetting, dripping, malformed or huge answer ends in a clear QboxmailError within
the call's deadline, and one stalled route cannot take the connections another route needs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.errors import ApiDecodeError, ApiTimeout, ApiUnreachable, QboxmailError
from bot.qboxmail.client import QboxmailClient
from bot.qboxmail.query import MailoutQuery
from bot.simulator import SimulatorHandle, running_simulator
from tests.qboxmail.fault_proxy import FaultProxy, Mode, running_proxy

BOUND = 60.0  # a test still waiting after this long has found a call without a deadline
MAILOUTS = "/tracemail/mailouts"


@pytest.fixture
async def sim() -> AsyncIterator[SimulatorHandle]:
    async with running_simulator(seed=7) as handle:
        yield handle


@pytest.fixture
async def proxy(sim: SimulatorHandle) -> AsyncIterator[FaultProxy]:
    async with running_proxy(sim.base_url) as running:
        yield running


def through(proxy: FaultProxy, url: str) -> str:
    """`url` with its host and port replaced by the proxy's."""
    rest = url.split("://", 1)[1]
    path = rest.split("/", 1)[1] if "/" in rest else ""
    return f"{proxy.url}/{path}"


def client_via(proxy: FaultProxy, sim: SimulatorHandle, **options: Any) -> QboxmailClient:
    async def no_wait(seconds: float) -> None:
        await asyncio.sleep(0)

    settings: dict[str, Any] = {
        "api_url": through(proxy, sim.base_url),
        "api_token": sim.management_token,
        "send_url": through(proxy, sim.send_url),
        "connect_timeout": 0.5,
        "read_timeout": 0.5,
        "retry_budget": 2.0,
        "max_retries": 2,
        "sleep": no_wait,
    }
    return QboxmailClient(**(settings | options))


async def test_through_the_proxy_a_call_succeeds(proxy: FaultProxy, sim: SimulatorHandle) -> None:
    async with client_via(proxy, sim) as client:
        assert await client.dashboard() is not None
    assert proxy.requests


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        (Mode.HANG, ApiTimeout),
        (Mode.DRIP, ApiTimeout),  # each byte restarts httpx's read timeout; the deadline holds
        (Mode.RESET, ApiUnreachable),
        (Mode.MALFORMED, ApiDecodeError),
        (Mode.HUGE, ApiDecodeError),
    ],
)
async def test_a_misbehaving_answer_ends_in_a_clear_error(
    proxy: FaultProxy, sim: SimulatorHandle, mode: Mode, error: type[QboxmailError]
) -> None:
    proxy.default, proxy.drip_seconds = mode, 0.1
    async with client_via(proxy, sim) as client:
        with pytest.raises(error):
            async with asyncio.timeout(BOUND):
                await client.dashboard()
    retried = mode in (Mode.HANG, Mode.DRIP, Mode.RESET)
    assert len(proxy.requests) >= (2 if retried else 1)


async def test_a_huge_answer_is_refused_with_its_size(
    proxy: FaultProxy, sim: SimulatorHandle
) -> None:
    proxy.default = Mode.HUGE
    async with client_via(proxy, sim) as client:
        with pytest.raises(ApiDecodeError, match="over 20 MB"):
            await client.dashboard()


async def test_one_stalled_route_leaves_connections_for_the_others(
    proxy: FaultProxy, sim: SimulatorHandle
) -> None:
    proxy.faults[MAILOUTS] = Mode.HANG
    async with client_via(proxy, sim, max_connections=4, read_timeout=30, retry_budget=30) as c:
        stalled = [
            asyncio.create_task(c.mailouts(MailoutQuery(domain=f"d{i}.example"))) for i in range(8)
        ]
        await asyncio.sleep(0.2)  # the stalled calls take what they may of the pool
        async with asyncio.timeout(BOUND):
            assert await c.dashboard() is not None
        assert sum(MAILOUTS in p for p in proxy.requests) == 2  # half the pool, no more
        for task in stalled:
            task.cancel()
        await asyncio.gather(*stalled, return_exceptions=True)
