"""Jobs for the worker-process tests, served by the worker's own loop (bot.runtime.worker):
`python -m tests.jobs_fixture` is `qbx worker` with this registry instead of the Slack jobs."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis

from bot.jobs import JobContext, JobRegistry, Payload
from bot.logs import configure_from_settings
from bot.runtime.worker import run_worker
from bot.settings import Settings, load_settings


async def block_once(ctx: JobContext[aioredis.Redis], payload: Payload) -> str:
    """Says it started; blocks forever on its first try; says it is done on any later try."""
    await ctx.deps.rpush(payload["started"], ctx.attempt)
    if ctx.attempt == 1:
        await asyncio.Event().wait()
    await ctx.deps.rpush(payload["done"], ctx.attempt)
    return "done"


async def note(ctx: JobContext[aioredis.Redis], payload: Payload) -> None:
    """Says it ran."""
    await ctx.deps.rpush(payload["done"], payload["label"])


def build(settings: Settings) -> JobRegistry[aioredis.Redis]:
    assert settings.redis_url is not None
    client = aioredis.Redis.from_url(settings.redis_url, decode_responses=True)
    registry = JobRegistry(client)
    registry.register("block_once", block_once)
    registry.register("note", note)
    registry.add_closer(client.aclose)
    return registry


def main() -> None:
    settings = load_settings()
    configure_from_settings(settings)
    asyncio.run(run_worker(build(settings), settings, burst=False))


if __name__ == "__main__":
    main()
