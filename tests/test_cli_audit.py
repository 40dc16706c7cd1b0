"""`qbx audit` and `qbx feedback` read the shared audit log the same way: bad -n and a missing
REDIS_URL are usage errors, an unreachable Redis exits 3, and entries written by the app show."""

from __future__ import annotations

import asyncio

import pytest

from bot.cli import EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, main
from bot.store import AuditEntry, RedisStore
from tests.redis_support import REDIS_URL, delete_matching, free_port, machine_redis, unique_prefix


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REDIS_URL", "QBX_REDIS_PREFIX", "QBOXMAIL_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir("/")  # no .env file


@pytest.mark.parametrize("command", ["audit", "feedback"])
def test_n_below_one_is_a_usage_error(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "-n", "0"]) == EXIT_USAGE
    assert f"qbx {command}: -n must be 1 or more" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["audit", "feedback"])
def test_without_redis_it_says_what_to_set(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command]) == EXIT_USAGE
    assert "set REDIS_URL" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["audit", "feedback"])
def test_an_unreachable_redis_exits_3(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    assert main([command]) == EXIT_UNREACHABLE
    assert f"qbx {command}: " in capsys.readouterr().err


@pytest.mark.redis
def test_entries_the_app_wrote_are_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix = unique_prefix()
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("QBX_REDIS_PREFIX", prefix)

    async def write() -> None:
        store = RedisStore.from_url(REDIS_URL, prefix=prefix, clock=lambda: 1_795_000_000.0)
        try:
            await store.audit(AuditEntry(actor="U0ALICE", action="trace", target="x", where="C1"))
        finally:
            await store.aclose()

    async def clean() -> None:
        async with machine_redis(prefix) as redis:
            await delete_matching(redis, f"{prefix}*")

    asyncio.run(write())
    try:
        assert main(["audit", "-n", "5"]) == EXIT_OK
        assert "U0ALICE  trace  x  C1" in capsys.readouterr().out
    finally:
        asyncio.run(clean())
