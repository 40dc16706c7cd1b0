"""The watcher on the worker: the job registry, the periodic loop, and two real `qbx worker`
processes (embedded simulator, shared Redis, the Web API stand-in) posting each incident once."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.incidents.demo import RampOnly
from bot.incidents.engine import CheckResult
from bot.incidents.jobs import INCIDENT_CHECK, incident_check
from bot.incidents.wiring import build_watcher, slack_side, watch_forever
from bot.jobs import JobContext
from bot.qboxmail.client import QboxmailClient
from bot.runtime.bolt import slack_deps
from bot.runtime.services import build_trace_service
from bot.settings import Settings
from bot.simulator import SimClock, running_simulator
from bot.slack.client import build_web_client
from bot.store.memory import MemoryStore
from tests.incidents.slack_support import bounce_rule, metadata_of, running_history_standin
from tests.redis_support import REDIS_URL, machine_redis, unique_prefix

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = "C_INCIDENTS"
ANCHOR = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
INTERVAL = 1200


def settings(**values: Any) -> Settings:
    base: dict[str, Any] = {"qbx_incident_channel": CHANNEL, "slack_bot_token": "xoxb-t",
                            "qbx_watch_interval_seconds": INTERVAL}  # fmt: skip
    return Settings(_env_file=None, **{**base, **values})


async def test_a_failing_check_does_not_stop_the_loop() -> None:
    outcomes: list[str] = []

    async def check() -> CheckResult:
        outcomes.append("ran")
        if len(outcomes) == 1:
            raise RuntimeError("Redis went away")
        return CheckResult(observed=3, changes=())

    async def sleep(seconds: float) -> None:
        if len(outcomes) == 3:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await watch_forever(check, 60, sleep=sleep)
    assert outcomes == ["ran", "ran", "ran"]


async def test_the_periodic_watcher_checks_each_interval_and_opens_the_ramp_once() -> None:
    clock = SimClock(ANCHOR)
    sleeps: list[float] = []
    async with (
        running_simulator(now=clock) as sim,
        QboxmailClient(
            api_url=sim.base_url, api_token=sim.management_token, send_url=sim.send_url
        ) as api,  # fmt: skip
        running_history_standin() as slack,
    ):
        store = MemoryStore(prefix="t:", clock=clock.timestamp)
        client = build_web_client(token="xoxb-t", base_url=f"{slack.base_url}/api/")
        tracer = build_trace_service(settings(), api, True, clock=clock.now)
        deps = slack_deps(settings(), tracer=tracer, store=store, pdfs=api, clock=time.monotonic)
        side = slack_side(deps, client)
        watcher = build_watcher(settings(), api=RampOnly(api), store=store, poster=side.poster,
                                clock=clock.now, rules=bounce_rule())  # fmt: skip

        async def sleep(seconds: float) -> None:  # simulated time passes; stop at 11:00
            sleeps.append(seconds)
            clock.advance(timedelta(seconds=seconds))
            if clock.now() >= ANCHOR + timedelta(hours=3):
                raise asyncio.CancelledError

        with pytest.raises(asyncio.CancelledError):
            await watch_forever(watcher.check, INTERVAL, sleep=sleep, turn=watcher.my_turn)
        ctx = JobContext("j1", INCIDENT_CHECK, 1, 3, None)
        answer = await incident_check(watcher.check)(ctx, {})  # the on-demand job, same watcher
    assert set(sleeps) == {INTERVAL}
    assert answer["observed"] == 1
    [parent] = slack.parents(CHANNEL)
    assert metadata_of(parent)["event_payload"]["incident_id"].startswith("bounce_rate:domain:")


async def test_the_incident_check_job_reports_what_it_saw() -> None:
    async def check() -> CheckResult:
        return CheckResult(observed=19, changes=(), failed=(("k", "boom"),))

    ctx = JobContext("j1", INCIDENT_CHECK, 1, 3, None)
    answer = await incident_check(check)(ctx, {})
    assert answer == {"observed": 19, "changes": [], "failed": [["k", "boom"]]}


# --- two real worker processes ----------------------------------------------------------------
def worker_env(slack_url: str, prefix: str) -> dict[str, str]:
    drop = ("QBOXMAIL_API_TOKEN", "QBOXMAIL_API_URL", "SLACK_SIGNING_SECRET")
    return {**{k: v for k, v in os.environ.items() if k not in drop},
            "REDIS_URL": REDIS_URL, "QBX_REDIS_PREFIX": prefix, "QBX_INCIDENT_CHANNEL": CHANNEL,
            "SLACK_BOT_TOKEN": "xoxb-worker", "SLACK_API_URL": f"{slack_url}/api/",
            "QBX_WATCH_INTERVAL_SECONDS": "3600", "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO"}  # fmt: skip


TURN_EVENTS = ('"event": "incident_check"', '"event": "incident_check_elsewhere"')


async def first_check_done(process: asyncio.subprocess.Process, log: list[str]) -> None:
    """Until the worker has checked, or seen that another process has the turn."""
    assert process.stdout is not None
    while True:
        line = (await process.stdout.readline()).decode()
        assert line, "the worker exited:\n" + "".join(log)
        log.append(line)
        if any(event in line for event in TURN_EVENTS):
            return


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.timeout(90)
async def test_of_two_worker_processes_one_checks_and_each_incident_is_posted_once(
    tmp_path: Path,
) -> None:
    prefix = unique_prefix()
    async with machine_redis(prefix), running_history_standin() as slack:
        env = worker_env(slack.base_url, prefix)
        workers = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "worker", cwd=tmp_path, env=env,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            )
            for _ in range(2)
        ]  # fmt: skip
        logs: list[list[str]] = [[], []]
        try:
            async with asyncio.timeout(60):
                await asyncio.gather(
                    *(first_check_done(w, g) for w, g in zip(workers, logs, strict=True))
                )
        finally:
            for worker in workers:
                worker.terminate()
            codes = [await w.wait() for w in workers]
    assert codes == [0, 0]
    turns = sorted(TURN_EVENTS.index(next(e for e in TURN_EVENTS if e in g[-1])) for g in logs)
    assert turns == [0, 1]  # exactly one of the two watchers checked
    ids = Counter(metadata_of(c)["event_payload"]["incident_id"] for c in slack.parents(CHANNEL))
    assert ids, "no incident was posted"
    assert set(ids.values()) == {1}
    assert any(i.startswith("account_inactive:account:") for i in ids)
    parent_ts = {m["ts"] for m in slack.history[CHANNEL] if "metadata" in m}
    charts = slack.named("files.completeUploadExternal")
    assert {c.args["thread_ts"] for c in charts} == parent_ts
    assert len(charts) == len(parent_ts)
