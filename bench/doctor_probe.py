"""How long `qbx doctor`'s Qboxmail probe takes, and how many calls it makes, when every
API call takes 0 and 100 ms (the simulator's added latency). Prints figures; asserts nothing.

    uv run python bench/doctor_probe.py
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from bot.doctor.probe import Probe
from bot.logs import configure_logging
from bot.qboxmail.client import QboxmailClient, RawAnswer
from bot.simulator import running_simulator

RUNS = 5


class Counting:
    """The client's raw reads, counted."""

    def __init__(self, client: QboxmailClient) -> None:
        self.client, self.calls = client, 0

    async def raw(self, endpoint: str, **options: Any) -> RawAnswer:
        self.calls += 1
        return await self.client.raw(endpoint, **options)


async def one_run(latency_ms: int) -> tuple[int, float]:
    async with running_simulator(latency_ms=latency_ms) as sim:
        client = QboxmailClient(
            api_url=sim.base_url, api_token=sim.management_token, send_url=sim.send_url
        )
        async with client:
            reader = Counting(client)
            started = time.perf_counter()
            await Probe(reader, sim.clock.now().date()).run()
            return reader.calls, time.perf_counter() - started


async def main() -> None:
    configure_logging(level="WARNING", fmt="console", secrets=())  # figures only, no call log
    for latency in (0, 100):
        runs = [await one_run(latency) for _ in range(RUNS)]
        wall = statistics.median(t for _, t in runs) * 1000
        calls = runs[0][0]
        print(
            f"latency {latency:>3} ms per call: {calls} calls, median {wall:.0f} ms "
            f"(one at a time: {calls * latency} ms)"
        )


if __name__ == "__main__":
    asyncio.run(main())
