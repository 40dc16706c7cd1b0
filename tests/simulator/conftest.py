"""Shared simulator fixtures: one thread-hosted simulator per test module, at a fixed instant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from bot.simulator import SimulatorHandle, simulator_in_thread

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
TOKEN = "sim-management-token"


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    with simulator_in_thread(seed=7, now=NOW) as handle:
        yield handle


@pytest.fixture(autouse=True)
def _no_faults_left(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sim" in request.fixturenames:
        request.getfixturevalue("sim").faults.clear()


@pytest.fixture(scope="module")
def api(sim: SimulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.base_url, headers={"X-Api-Token": TOKEN}) as client:
        yield client


@pytest.fixture(scope="module")
def send_api(sim: SimulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.send_url) as client:
        yield client


@pytest.fixture(scope="module")
def world(sim: SimulatorHandle) -> dict[str, Any]:
    return sim.describe()


def token_of(world: dict[str, Any], label: str) -> str:
    return next(t["token"] for a in world["accounts"] for t in a["tokens"] if t["label"] == label)


def scenario(world: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in world["scenarios"] if s["name"] == name)
