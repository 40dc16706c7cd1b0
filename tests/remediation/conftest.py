"""A fresh simulator per test (reactivation changes its world), a real client whose transport
records every request, and a memory store on a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
import pytest_asyncio

from bot.qboxmail.client import QboxmailClient
from bot.simulator import SimulatorHandle, running_simulator
from bot.store import MemoryStore
from tests.redis_support import FakeClock

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
SUPPRESSED = "former.client@yahoo.it"  # the `suppressed` scenario: customer-wide, bounce


class Recording(httpx.AsyncBaseTransport):
    """The real network transport, keeping (method, path) of every request sent."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.sent: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.method, request.url.path))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def writes(self) -> list[tuple[str, str]]:
        return [call for call in self.sent if call[0] == "PUT"]


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[SimulatorHandle]:
    async with running_simulator(now=NOW) as handle:
        yield handle


@pytest.fixture
def transport() -> Recording:
    return Recording()


@pytest_asyncio.fixture
async def client(sim: SimulatorHandle, transport: Recording) -> AsyncIterator[QboxmailClient]:
    api = QboxmailClient(
        api_url=sim.base_url,
        api_token=sim.management_token,
        send_url=sim.send_url,
        transport=transport,
    )
    async with api:
        yield api


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore(prefix="qbxtest:", clock=FakeClock())
