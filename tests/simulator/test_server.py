"""Starting the simulator: in this loop, in a thread, and from the command line."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import httpx
import pytest

from bot.cli import simulator as simulator_command
from bot.simulator import running_simulator, simulator_in_thread
from tests.simulator.conftest import NOW, TOKEN


async def test_running_simulator_serves_on_a_free_loopback_port() -> None:
    async with running_simulator(now=NOW, management_token="t0k") as sim:
        assert sim.base_url.startswith("http://127.0.0.1:")
        assert sim.send_url == f"{sim.base_url}/v1"
        async with httpx.AsyncClient(base_url=sim.base_url) as client:
            response = await client.get("/api/delivery/accounts", headers={"X-Api-Token": "t0k"})
    assert response.status_code == 200


def test_the_thread_hosted_simulator_serves_sync_callers() -> None:
    with simulator_in_thread(now=NOW) as sim:
        response = httpx.get(f"{sim.base_url}/api/domains", headers={"X-Api-Token": TOKEN})
    assert response.status_code == 200
    assert response.json()["pagination"]["total_records"] == 6


def test_the_clock_can_be_moved_over_http() -> None:
    with simulator_in_thread(now=NOW) as sim:
        moved = httpx.post(f"{sim.base_url}/_sim/clock", json={"advance_seconds": 3600},
                           headers={"X-Api-Token": TOKEN})  # fmt: skip
    assert moved.json()["now"] == "2026-11-23T16:30:00+00:00"


def main(argv: list[str]) -> int:
    """`qbx simulator ...` through this command's own parser (no other command imported)."""
    parser = argparse.ArgumentParser(prog="qbx")
    simulator_command.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


def test_list_scenarios_prints_one_line_each(capsys: object) -> None:
    assert main(["simulator", "--list-scenarios"]) == 0
    out = capsys.readouterr().out.splitlines()  # type: ignore[attr-defined]
    assert any(line.startswith("ramp ") for line in out)
    assert len(out) == len({line.split()[0] for line in out}) >= 19


def test_describe_prints_the_world(capsys: object) -> None:
    assert main(["simulator", "--describe", "--seed", "3"]) == 0
    world = json.loads(capsys.readouterr().out)  # type: ignore[attr-defined]
    assert world["seed"] == 3
    assert {"accounts", "delivery_domains", "hosting_domains", "scenarios", "ramp"} <= set(world)


def test_an_unknown_scenario_is_a_usage_error(capsys: object) -> None:
    assert main(["simulator", "--describe", "--scenario", "nope"]) == 2
    assert "unknown scenario" in capsys.readouterr().err  # type: ignore[attr-defined]


@pytest.mark.slow
def test_qbx_simulator_runs_and_answers_like_the_api() -> None:
    command = [sys.executable, "-m", "bot", "simulator", "--port", "0", "--management-token", "cli"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:  # noqa: S603
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            base = line.split("Management API ")[1].split()[0].removesuffix("/api")
            wrong = httpx.get(
                f"{base}/api/delivery/tracemail/mailouts", headers={"X-Api-Token": "x"}
            )
            right = httpx.get(f"{base}/api/delivery/accounts", headers={"X-Api-Token": "cli"})
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert wrong.json() == {"message": "Unauthorized", "errors": []}
    assert right.status_code == 200
