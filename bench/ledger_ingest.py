"""Ledger ingest into the machine's Redis: records/s validated and stored (target: >= 2,000/s).

Uses its own key prefix and deletes its keys afterwards. Usage: python bench/ledger_ingest.py [N]
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from bot.ledger.book import Ledger
from bot.store.redis_store import RedisStore, connect

REDIS_URL = "redis://127.0.0.1:6379/0"


def send_response(n: int, at: str) -> dict[str, Any]:
    request_id = str(uuid.uuid4())
    to = f"user{n}@example.test"
    message = {"message_id": f"{uuid.uuid4()}@example.test", "to": to, "submitted_at": at,
               "request_id": request_id, "error_code": 0, "message": "OK"}  # fmt: skip
    return {"http_status": 202, "request_id": request_id, "queued_messages": 1,
            "messages": [message], "reference": f"ORD-{n // 3}", "recipients": [to],
            "submitted_at": at}  # fmt: skip


async def main(count: int) -> None:
    prefix = f"qbxbench:{uuid.uuid4().hex[:8]}:"
    client = connect(REDIS_URL)
    ledger = Ledger(RedisStore(client, prefix=prefix, clock=time.time), clock=time.time)
    at = datetime.now(UTC).isoformat()
    raw = [send_response(n, at) for n in range(count)]
    try:
        started = time.perf_counter()
        records = [ledger.parse(item) for item in raw]
        parsed = time.perf_counter()
        await ledger.record(records)
        stored = time.perf_counter()
        assert await ledger.lookup_request(str(records[-1].request_id)) == records[-1]
    finally:
        async for key in client.scan_iter(match=f"{prefix}*", count=1000):
            await client.delete(key)
        await client.aclose()
    print(f"ledger ingest, {count} records (1 message, 1 recipient, 1 reference each)")
    print(f"  validate:          {count / (parsed - started):10,.0f} records/s")
    print(f"  store (Lua batch): {count / (stored - parsed):10,.0f} records/s")
    print(f"  validate + store:  {count / (stored - started):10,.0f} records/s  (target >= 2,000)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000))
