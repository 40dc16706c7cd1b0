"""The Qboxmail client's own cost: parsing mailouts pages in-process, and end to end against the
simulator on loopback (requests/s and p50/p99 latency). Usage: python bench/client_mailouts.py [N]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time

import httpx

from bot.logs import configure_logging
from bot.qboxmail.client import QboxmailClient
from bot.qboxmail.query import MailoutQuery
from bot.simulator import running_simulator


async def in_process(pages: int, per: int) -> None:
    """MockTransport serves one captured page: what parsing + plumbing cost without a network."""
    async with running_simulator(seed=7) as sim, httpx.AsyncClient() as http:
        answer = await http.get(
            f"{sim.base_url}/api/delivery/tracemail/mailouts",
            params={"per": per},
            headers={"X-Api-Token": sim.management_token},
        )
        raw = answer.content
    wrapped = json.dumps(
        {"resources": [{"data": json.dumps(e)} for e in json.loads(raw)["resources"]]}
    ).encode()
    for label, body in (("plain", raw), ('{"data": "<json>"}', wrapped)):
        transport = httpx.MockTransport(lambda _, body=body: httpx.Response(200, content=body))
        async with QboxmailClient(
            api_url="http://bench.test", api_token="t0ken", send_url="http://bench.test/v1",
            transport=transport,
        ) as client:  # fmt: skip
            started = time.perf_counter()
            for _ in range(pages):
                await client.mailouts(MailoutQuery(per=per))
            elapsed = time.perf_counter() - started
        print(
            f"in-process {label:>20}: {pages / elapsed:8.0f} pages/s "
            f"({pages * per / elapsed:9.0f} entries/s, {per} entries a page)"
        )


async def end_to_end(requests: int, concurrency: int) -> None:
    """The client against the simulator on loopback, `concurrency` requests in flight."""
    latencies: list[float] = []
    async with (
        running_simulator(seed=7) as sim,
        QboxmailClient(
            api_url=sim.base_url, api_token=sim.management_token, send_url=sim.send_url
        ) as client,
    ):
        gate = asyncio.Semaphore(concurrency)

        async def one() -> None:
            async with gate:
                started = time.perf_counter()
                await client.mailouts(MailoutQuery(domain="mail.acme-shop.example"))
                latencies.append(time.perf_counter() - started)

        await one()  # warm the world and the connection pool
        latencies.clear()
        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(requests)))
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"end to end (client + simulator, one process, {concurrency} in flight): "
        f"{requests / elapsed:6.0f} requests/s, p50 {cuts[49] * 1000:.1f} ms, "
        f"p99 {cuts[98] * 1000:.1f} ms"
    )


def main() -> None:
    configure_logging(level="WARNING", fmt="console")  # the client's per-request debug lines off
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    asyncio.run(in_process(pages=n, per=100))
    asyncio.run(end_to_end(requests=n, concurrency=10))


if __name__ == "__main__":
    main()
