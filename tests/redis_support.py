"""Test support for Redis: the machine's server with a per-test prefix, throwaway servers, a clock.

The machine's Redis is required: when it is missing the tests fail (never skip). Keys are
removed with SCAN MATCH <prefix>* + DEL; nothing is ever flushed.
"""

from __future__ import annotations

import socket
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import redis.asyncio as aioredis

REDIS_URL = "redis://127.0.0.1:6379/0"


class FakeClock:
    """Epoch seconds that move only when a test says so."""

    def __init__(self, start: float = 1_795_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def unique_prefix() -> str:
    return f"qbxtest:{uuid.uuid4().hex[:12]}:"


async def delete_matching(client: aioredis.Redis, pattern: str) -> None:
    batch: list[str] = []
    async for key in client.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) == 1000:
            await client.delete(*batch)
            batch.clear()
    if batch:
        await client.delete(*batch)


@asynccontextmanager
async def machine_redis(prefix: str) -> AsyncIterator[aioredis.Redis]:
    """A client of 127.0.0.1:6379 that fails the test if the server is missing."""
    client = aioredis.Redis.from_url(REDIS_URL, decode_responses=True, socket_timeout=5)
    try:
        await client.ping()
    except (aioredis.ConnectionError, OSError) as exc:
        await client.aclose()
        pytest.fail(f"the Redis server on 127.0.0.1:6379 is required for this test: {exc}")
    try:
        yield client
    finally:
        await delete_matching(client, f"{prefix}*")
        await client.aclose()


def free_port() -> int:
    """A loopback port nobody listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class ThrowawayRedis:
    """A private redis-server on a free port, which a test can stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self._process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no",
        ]  # fmt: skip
        self._process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert self._process.stdout is not None
        for line in self._process.stdout:
            if "Ready to accept connections" in line:
                return
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None
