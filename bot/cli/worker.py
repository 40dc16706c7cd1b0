"""`qbx worker`: runs background jobs (deeper traces, PDF fetches, incident checks) from Redis.

`--jobs MODULE:FACTORY` names the factory `(settings) -> JobRegistry` that registers the jobs
and builds their dependencies; the default (bot.runtime.worker) registers the Slack button jobs
(Deeper trace, Log PDF) and the built-in ping, plus the incident watcher (bot.incidents.jobs)
when QBX_INCIDENT_CHANNEL is set. A registry whose deps
have `run_periodic()` (the watcher) has it run beside the queue until the worker stops.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from bot.cli import EXIT_OK, EXIT_USAGE
from bot.cli.shared_state import load_or_explain
from bot.errors import ConfigError
from bot.logs import configure_logging
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.jobs import JobRegistry

DEFAULT_JOBS = "bot.runtime.worker:worker_jobs"
INCIDENT_JOBS = "bot.runtime.worker:incident_worker_jobs"
Factory = Callable[[Settings], "JobRegistry[Any]"]


@runtime_checkable
class Periodic(Protocol):
    """Deps with work of their own to run beside the queue (the incident watcher)."""

    async def run_periodic(self) -> None: ...

    async def aclose(self) -> None: ...


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("worker", help="run background jobs from the Redis queue")
    parser.add_argument("--jobs", default=None, help="MODULE:FACTORY of the job registry")
    parser.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    parser.set_defaults(handler=run)


def default_jobs(settings: Settings) -> str:
    return INCIDENT_JOBS if settings.qbx_incident_channel else DEFAULT_JOBS


def load_factory(spec: str) -> Factory:
    module, _, name = spec.partition(":")
    factory: Factory = getattr(importlib.import_module(module), name)
    return factory


async def serve(registry: JobRegistry[Any], settings: Settings, *, burst: bool) -> None:
    from bot.jobs import build_worker, work_until_stopped
    from bot.runtime.worker import policy_from
    from bot.store import Keys

    assert settings.redis_url is not None
    redis_url, policy, keys = (
        settings.redis_url,
        policy_from(settings),
        Keys(settings.qbx_redis_prefix),
    )
    periodic = registry.deps if isinstance(registry.deps, Periodic) and not burst else None
    beside = asyncio.create_task(periodic.run_periodic()) if periodic else None
    try:
        await work_until_stopped(
            lambda: build_worker(registry, policy, redis_url=redis_url, keys=keys, burst=burst)
        )
    finally:
        if beside is not None and periodic is not None:
            beside.cancel()
            await asyncio.gather(beside, return_exceptions=True)
            await periodic.aclose()
        await registry.aclose()


def run(args: argparse.Namespace) -> int:
    settings = load_or_explain()
    if settings is None:
        return EXIT_USAGE
    if settings.redis_url is None:
        print(
            "qbx worker takes jobs from Redis: set REDIS_URL. Without Redis, qbx serve runs "
            "its jobs in its own process and no worker is needed.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    configure_logging(
        level=settings.log_level.value,
        fmt=settings.log_format.value if settings.log_format else None,
        secrets=settings.secret_values(),
    )
    spec = args.jobs or default_jobs(settings)
    try:
        registry = load_factory(spec)(settings)
    except (ImportError, AttributeError, ValueError, ConfigError) as exc:
        print(f"qbx worker: cannot load --jobs {spec}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    asyncio.run(serve(registry, settings, burst=args.burst))
    return EXIT_OK
