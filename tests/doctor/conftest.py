"""Doctor tests: a clean environment, and settings aimed at a real loopback simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.doctor.run import DoctorOptions
from bot.settings import Settings
from bot.simulator import SimulatorHandle, running_simulator

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a weekday morning, whatever the date

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")


@pytest.fixture
async def sim() -> AsyncIterator[SimulatorHandle]:
    async with running_simulator(now=NOW) as handle:  # a fixed day: no test depends on today
        yield handle


def settings_for(sim: SimulatorHandle, **extra: Any) -> Settings:
    """Settings that treat the loopback simulator as the real account."""
    values: dict[str, Any] = {
        "qboxmail_api_token": sim.management_token,
        "qboxmail_api_url": sim.base_url,
        "qboxmail_send_api_url": sim.send_url,
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def options_for(sim: SimulatorHandle, **extra: Any) -> DoctorOptions:
    return DoctorOptions(
        today=sim.clock.now().date(), manifest=ROOT / "slack-manifest.yml", **extra
    )
