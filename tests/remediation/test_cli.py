"""`qbx suppression reactivate` through the real entry point, against a simulator on loopback
and the machine's Redis for the audit log: off by default, dry run, typed/--yes confirmation."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.simulator import SimulatorHandle, simulator_in_thread
from bot.store import RedisStore
from tests.redis_support import REDIS_URL, FakeClock, machine_redis, unique_prefix

from .conftest import NOW, SUPPRESSED


@pytest.fixture
def sim(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[SimulatorHandle]:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("REDIS_URL", "LOG_FORMAT", "QBX_REMEDIATION_USERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    with simulator_in_thread(seed=7, now=NOW) as handle:
        monkeypatch.setenv("QBOXMAIL_API_URL", handle.base_url)
        monkeypatch.setenv("QBOXMAIL_API_TOKEN", handle.management_token)
        monkeypatch.setenv("QBOXMAIL_SEND_API_URL", handle.send_url)
        yield handle


@pytest.fixture
def redis_prefix(monkeypatch: pytest.MonkeyPatch) -> str:
    prefix = unique_prefix()
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("QBX_REDIS_PREFIX", prefix)
    monkeypatch.setenv("QBX_REMEDIATION_USERS", "U_ADMIN")
    return prefix


def still_suppressed(sim: SimulatorHandle) -> bool:
    active = sim.simulation.live.suppression_active
    return all(
        active.get(e.id, e.active) for e in sim.simulation.world.suppressions_for(SUPPRESSED)
    )


async def audit(prefix: str) -> list[str]:
    """The audit log under this test's prefix; its keys are removed afterwards."""
    async with machine_redis(prefix):
        store = RedisStore.from_url(REDIS_URL, prefix=prefix, clock=FakeClock())
        try:
            entries = await store.recent_audit(10)
        finally:
            await store.aclose()
    return [f"{e.actor} {e.action} {e.target}" for e in entries]


def test_without_remediation_users_the_write_is_refused(
    sim: SimulatorHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suppression", "reactivate", SUPPRESSED, "--yes"]) == 2
    assert "QBX_REMEDIATION_USERS" in capsys.readouterr().err
    assert still_suppressed(sim)


def test_a_dry_run_shows_the_write_and_changes_nothing(
    sim: SimulatorHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suppression", "reactivate", SUPPRESSED, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "reason=bounce scope=customer-wide" in out
    assert "PUT /api/delivery/suppression_lists/edit" in out
    assert "Dry run" in out
    assert still_suppressed(sim)


@pytest.mark.redis
def test_without_confirmation_nothing_is_written(
    sim: SimulatorHandle, redis_prefix: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(SUPPRESSED + "\n"))  # not a terminal
    assert main(["suppression", "reactivate", SUPPRESSED]) == 2
    assert "not confirmed" in capsys.readouterr().err
    assert still_suppressed(sim)
    assert asyncio.run(audit(redis_prefix)) == []


@pytest.mark.redis
def test_with_yes_the_address_is_reactivated_and_audited(
    sim: SimulatorHandle, redis_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suppression", "reactivate", SUPPRESSED.upper(), "--yes"]) == 0
    out = capsys.readouterr().out
    assert f"Reactivated {SUPPRESSED}" in out
    assert "is not suppressed" in out
    assert not still_suppressed(sim)
    [line] = asyncio.run(audit(redis_prefix))
    assert line.startswith("cli:")
    assert line.endswith(f"remediation:reactivate {SUPPRESSED}")
    assert main(["suppression", "reactivate", SUPPRESSED, "--yes"]) == 0  # again: nothing to do
    assert "not suppressed: nothing to reactivate" in capsys.readouterr().out


def test_a_real_api_without_redis_cannot_be_written_unaudited(
    sim: SimulatorHandle, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QBX_REMEDIATION_USERS", "U_ADMIN")
    assert main(["suppression", "reactivate", SUPPRESSED, "--yes"]) == 2
    assert "REDIS_URL" in capsys.readouterr().err
    assert still_suppressed(sim)


def test_a_bad_address_exits_2_with_usage(
    sim: SimulatorHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suppression", "reactivate", "<!channel>", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "usage: qbx suppression reactivate" in err
