"""Background jobs: retries with back-off and give-up, in-process and on arq; a killed worker's
job is run by the next worker (real worker processes, `python -m tests.jobs_fixture`: the worker's
own loop serving a test registry, against the machine's Redis)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from arq.connections import ArqRedis
from arq.constants import health_check_key_suffix, in_progress_key_prefix

from bot.cli import main as qbx
from bot.jobs import (
    ArqQueue,
    FallbackQueue,
    GaveUp,
    InProcessQueue,
    JobContext,
    JobRegistry,
    Payload,
    RetryPolicy,
    UnknownJob,
    WorkerQueue,
    build_worker,
    close_worker,
)
from bot.store import Keys
from tests.redis_support import (
    REDIS_URL,
    ThrowawayRedis,
    delete_matching,
    free_port,
    machine_redis,
    unique_prefix,
)

ROOT = Path(__file__).resolve().parent.parent


class Flaky:
    """A job that fails its first `failures` tries, recording each try."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.tries: list[int] = []

    async def __call__(self, ctx: JobContext[str], payload: Payload) -> str:
        self.tries.append(ctx.attempt)
        assert ctx.deps == "deps"
        if len(self.tries) <= self.failures:
            raise RuntimeError(f"try {ctx.attempt} failed")
        return f"done {payload['n']}"


def registry_with(job: Flaky, gave_up: list[GaveUp]) -> JobRegistry[str]:
    async def record(event: GaveUp) -> None:
        gave_up.append(event)

    registry = JobRegistry("deps", on_give_up=record)
    registry.register("flaky", job)
    return registry


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


# --- in process -------------------------------------------------------------------------------
async def test_a_failing_job_is_retried_with_doubling_back_off() -> None:
    job, gave_up, sleeps = Flaky(failures=2), [], Sleeps()
    queue = InProcessQueue(registry_with(job, gave_up), RetryPolicy(max_tries=3), sleep=sleeps)
    await queue.enqueue("flaky", {"n": 1})
    await queue.join()
    assert job.tries == [1, 2, 3]
    assert sleeps.delays == [5.0, 10.0]
    assert gave_up == []


async def test_a_job_that_keeps_failing_gives_up_once() -> None:
    job, gave_up = Flaky(failures=9), []
    queue = InProcessQueue(registry_with(job, gave_up), RetryPolicy(max_tries=2), sleep=Sleeps())
    job_id = await queue.enqueue("flaky", {"n": 2})
    await queue.join()
    assert gave_up == [GaveUp(job_id, "flaky", {"n": 2}, 2, "RuntimeError: try 2 failed")]


async def test_a_try_that_overruns_its_timeout_counts_as_failed() -> None:
    gave_up: list[GaveUp] = []

    async def hangs(ctx: JobContext[str], payload: Payload) -> None:
        await asyncio.Event().wait()

    registry = registry_with(Flaky(0), gave_up)
    registry.register("hangs", hangs)
    policy = RetryPolicy(max_tries=1, timeout=0.001)
    queue = InProcessQueue(registry, policy, sleep=Sleeps())
    await queue.enqueue("hangs", {})
    await queue.join()
    assert [g.error for g in gave_up] == ["TimeoutError"]


async def test_unknown_and_duplicate_jobs_are_refused() -> None:
    registry = registry_with(Flaky(0), [])
    with pytest.raises(UnknownJob):
        await InProcessQueue(registry, RetryPolicy()).enqueue("nope", {})
    with pytest.raises(ValueError, match="registered twice"):
        registry.register("flaky", Flaky(0))


# --- arq, in this process ---------------------------------------------------------------------
@pytest.fixture
async def keys() -> AsyncIterator[Keys]:
    prefix = unique_prefix()
    async with machine_redis(prefix) as client:
        yield Keys(prefix)
        await delete_matching(client, f"arq:*{prefix}*")


async def run_burst(registry: JobRegistry[str], policy: RetryPolicy, keys: Keys) -> None:
    worker = build_worker(
        registry, policy, redis_url=REDIS_URL, keys=keys, burst=True, handle_signals=False,
        poll_delay=0.01,
    )  # fmt: skip
    try:
        await worker.async_run()
    finally:
        await close_worker(worker)


@pytest.mark.redis
async def test_arq_retries_a_failing_job_then_it_succeeds(keys: Keys) -> None:
    job, gave_up = Flaky(failures=2), []
    registry = registry_with(job, gave_up)
    queue = await ArqQueue.connect(REDIS_URL, keys, registry.names())
    job_id = await queue.enqueue("flaky", {"n": 3})
    await queue.aclose()
    assert job_id.startswith(keys.prefix)
    await run_burst(registry, RetryPolicy(max_tries=3, first_delay=0), keys)
    assert job.tries == [1, 2, 3]
    assert gave_up == []


@pytest.mark.redis
async def test_arq_gives_up_after_the_last_try_and_says_so(keys: Keys) -> None:
    job, gave_up = Flaky(failures=9), []
    registry = registry_with(job, gave_up)
    queue = await ArqQueue.connect(REDIS_URL, keys, registry.names())
    job_id = await queue.enqueue("flaky", {"n": 4})
    await queue.aclose()
    await run_burst(registry, RetryPolicy(max_tries=2, first_delay=0), keys)
    assert job.tries == [1, 2]
    assert gave_up == [GaveUp(job_id, "flaky", {"n": 4}, 2, "RuntimeError: try 2 failed")]


@pytest.mark.redis
async def test_a_job_lost_on_its_last_try_still_gives_up(keys: Keys) -> None:
    job, gave_up = Flaky(failures=0), []
    registry = registry_with(job, gave_up)
    queue = await ArqQueue.connect(REDIS_URL, keys, registry.names())
    await queue._pool.enqueue_job("flaky", {"n": 5}, _job_id=keys.job_id("lost"), _job_try=3)
    await queue.aclose()
    await run_burst(registry, RetryPolicy(max_tries=2, first_delay=0), keys)
    assert job.tries == []
    assert [(g.attempts, g.error) for g in gave_up] == [(2, "worker lost")]


@pytest.mark.redis
async def test_enqueueing_an_unknown_job_is_refused(keys: Keys) -> None:
    queue = await ArqQueue.connect(REDIS_URL, keys, ["flaky"])
    with pytest.raises(UnknownJob):
        await queue.enqueue("nope", {})
    await queue.aclose()


async def test_with_redis_down_jobs_run_in_this_process() -> None:
    job, gave_up = Flaky(failures=0), []
    registry = registry_with(job, gave_up)
    dead = ArqQueue(ArqRedis(host="127.0.0.1", port=free_port()), Keys("qbx:"), ["flaky"])
    local = InProcessQueue(registry, RetryPolicy(), sleep=Sleeps())
    await FallbackQueue(dead, local).enqueue("flaky", {"n": 6})
    await local.join()
    assert job.tries == [1]
    await dead.aclose()


async def no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


@pytest.mark.redis
async def test_a_job_queued_while_the_only_worker_is_dead_runs_here(keys: Keys) -> None:
    """The worker died a moment ago: its health key still says alive, so the job was queued
    for it. Nobody starts it, so after the pick-up time it is taken back and run here."""
    job, gave_up = Flaky(failures=0), []
    registry = registry_with(job, gave_up)
    async with machine_redis(keys.prefix) as client:
        await client.set(keys.job_queue + health_check_key_suffix, "dead worker", ex=11)
        remote = WorkerQueue(REDIS_URL, keys, registry.names())
        local = InProcessQueue(registry, RetryPolicy(), sleep=Sleeps())
        queue = FallbackQueue(remote, local, pickup_seconds=12, sleep=no_wait)
        job_id = await queue.enqueue("flaky", {"n": 7})
        await queue.join()
        await local.join()
        assert job.tries == [1]
        assert await client.zscore(keys.job_queue, job_id) is None  # no worker will run it too
        await queue.aclose()
        await remote.aclose()


@pytest.mark.redis
async def test_a_job_a_worker_has_started_is_not_taken_back(keys: Keys) -> None:
    job, gave_up = Flaky(failures=0), []
    registry = registry_with(job, gave_up)
    async with machine_redis(keys.prefix) as client:
        await client.set(keys.job_queue + health_check_key_suffix, "live worker", ex=11)
        remote = WorkerQueue(REDIS_URL, keys, registry.names())

        async def worker_starts(seconds: float) -> None:  # the worker starts it meanwhile
            await client.set(in_progress_key_prefix + job_ids[0], "1", ex=30)

        job_ids: list[str] = []
        local = InProcessQueue(registry, RetryPolicy(), sleep=Sleeps())
        queue = FallbackQueue(remote, local, pickup_seconds=12, sleep=worker_starts)
        job_ids.append(await queue.enqueue("flaky", {"n": 8}))
        await queue.join()
        await local.join()
        assert job.tries == []
        assert await client.zscore(keys.job_queue, job_ids[0]) is not None
        await client.delete(in_progress_key_prefix + job_ids[0])
        await remote.aclose()


# --- real worker processes --------------------------------------------------------------------
def start_worker(prefix: str, log: Path, redis_url: str = REDIS_URL) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "QBX_REDIS_PREFIX": prefix,
        "QBX_JOB_TIMEOUT_SECONDS": "2",
        "QBX_JOB_LOST_GRACE_SECONDS": "1",
        "QBX_JOB_RETRY_SECONDS": "0",
        "LOG_FORMAT": "json",
    }
    command = [sys.executable, "-m", "tests.jobs_fixture"]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)  # noqa: S603


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.timeout(60)
async def test_a_job_whose_worker_is_killed_is_finished_by_another(
    keys: Keys, tmp_path: Path
) -> None:
    client = aioredis.Redis.from_url(REDIS_URL, decode_responses=True)
    started, done = f"{keys.prefix}started", f"{keys.prefix}done"
    first = start_worker(keys.prefix, tmp_path / "worker.log")
    second = None
    try:
        queue = await ArqQueue.connect(REDIS_URL, keys, ["block_once"])
        await queue.enqueue("block_once", {"started": started, "done": done})
        await queue.aclose()
        assert await client.blpop([started], timeout=20) == (started, "1")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        second = start_worker(keys.prefix, tmp_path / "worker.log")
        finished = await client.blpop([done], timeout=30)
        assert finished == (done, "2"), (tmp_path / "worker.log").read_text()[-3000:]
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
        await client.aclose()


def test_qbx_worker_without_redis_explains_itself(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert qbx(["worker"]) == 2
    assert "set REDIS_URL" in capsys.readouterr().err


async def note_done(redis_url: str, keys: Keys, label: str) -> tuple[str, str] | None:
    """Queue a `note` job and wait (bounded) for a worker to run it."""
    done = f"{keys.prefix}done"
    queue = await ArqQueue.connect(redis_url, keys, ["note"])
    await queue.enqueue("note", {"done": done, "label": label})
    await queue.aclose()
    client = aioredis.Redis.from_url(redis_url, decode_responses=True)
    try:
        found: tuple[str, str] | None = await client.blpop([done], timeout=30)
        return found
    finally:
        await client.aclose()


async def read_until(process: asyncio.subprocess.Process, text: str) -> str:
    """The worker's output up to the first line containing `text` (bounded wait)."""
    assert process.stdout is not None
    seen = []
    async with asyncio.timeout(30):
        while text not in (line := (await process.stdout.readline()).decode()):
            assert line, "the worker exited:\n" + "".join(seen)
            seen.append(line)
    return "".join(seen) + line


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.timeout(90)
async def test_a_worker_keeps_working_after_redis_restarts() -> None:
    server, keys = ThrowawayRedis(), Keys(unique_prefix())
    server.start()
    env = {**os.environ, "REDIS_URL": server.url, "QBX_REDIS_PREFIX": keys.prefix,
           "LOG_FORMAT": "json"}  # fmt: skip
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.jobs_fixture",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert await note_done(server.url, keys, "before") == (f"{keys.prefix}done", "before")
        server.stop()
        await read_until(worker, "worker.redis_unavailable")
        server.start()
        assert await note_done(server.url, keys, "after") == (f"{keys.prefix}done", "after")
        assert worker.returncode is None
    finally:
        worker.terminate()
        await worker.wait()
        server.stop()
