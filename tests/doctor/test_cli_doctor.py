"""`qbx doctor` as a user runs it: text or --json, --record, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.qboxmail.contract import ENDPOINTS
from bot.simulator import SimulatorHandle, simulator_in_thread
from tests.redis_support import free_port

CHECK_KEYS = {"area", "name", "status", "detail", "fix"}
ENDPOINT_KEYS = {"method", "path", "status", "missing", "unexpected_type", "unknown_fields"}


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[SimulatorHandle]:
    """A loopback simulator standing in for a real account, set up in the environment."""
    with simulator_in_thread() as sim:
        monkeypatch.setenv("QBOXMAIL_API_TOKEN", sim.management_token)
        monkeypatch.setenv("QBOXMAIL_API_URL", sim.base_url)
        monkeypatch.setenv("QBOXMAIL_SEND_API_URL", sim.send_url)
        yield sim


def as_json(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def test_json_has_the_documented_shape(
    account: SimulatorHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor", "--json"]) == 0
    report = as_json(capsys)
    assert set(report) == {"ok", "checks", "qboxmail"}
    assert report["ok"] is True
    assert all(set(c) == CHECK_KEYS for c in report["checks"])
    assert {c["status"] for c in report["checks"]} <= {"ok", "warn", "fail"}
    assert all(set(e) == ENDPOINT_KEYS for e in report["qboxmail"]["endpoints"])


def test_text_is_one_line_per_check_with_its_mark(
    account: SimulatorHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(line[0] in "✓!✗" for line in lines[:-1])
    assert any(line.startswith("✓ qboxmail: GET /api/delivery/accounts:") for line in lines)
    assert lines[-1].endswith("0 failed")


def test_drift_exits_1_naming_the_fields(
    account: SimulatorHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    account.simulation.drift = True
    assert main(["doctor", "--json"]) == 1
    report = as_json(capsys)
    assert report["ok"] is False
    counters = next(
        e for e in report["qboxmail"]["endpoints"] if e["path"].endswith("/tracemail/counters")
    )
    assert counters["status"] == "drift"
    assert counters["missing"] == ["authErrors"]
    assert "auth_errors" in counters["unknown_fields"]


def test_the_embedded_simulator_passes_and_its_drift_setting_is_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor"]) == 0
    assert "SIMULATED" in capsys.readouterr().out
    monkeypatch.setenv("QBX_SIMULATOR_DRIFT", "true")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "✗ qboxmail: GET /api/domains: missing status" in out
    assert "QBX_SIMULATOR_DRIFT is on" in out


def test_record_writes_the_files_it_names(
    account: SimulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "rec"
    assert main(["doctor", "--record", str(target)]) == 0
    reads = [e for e in ENDPOINTS if not e.writes]
    assert f"recorded {len(reads) + 1} files in {target}" in capsys.readouterr().out
    assert (target / "mailouts.json").exists()
    assert account.management_token not in (target / "dashboard.json").read_text()


@pytest.mark.parametrize(
    "argv",
    [["doctor", "--time-limit", "0"], ["doctor", "--time-limit", "9999"]],
    ids=["zero-time-limit", "huge-time-limit"],
)
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "--time-limit" in capsys.readouterr().err


def test_record_into_a_file_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    assert main(["doctor", "--record", str(a_file)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_an_unknown_option_is_bad_usage() -> None:
    with pytest.raises(SystemExit) as exited:
        main(["doctor", "--jsn"])
    assert exited.value.code == 2


def test_invalid_settings_are_one_failed_check_naming_each(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    monkeypatch.setenv("QBX_SCAN_BUDGET", "0")
    assert main(["doctor", "--json"]) == 1
    (check,) = as_json(capsys)["checks"]
    assert (check["area"], check["status"]) == ("settings", "fail")
    assert "LOG_LEVEL" in check["detail"]
    assert "QBX_SCAN_BUDGET" in check["detail"]


def test_redis_down_fails_the_run_and_says_where(
    account: SimulatorHandle, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "✗ store: shared state: Redis at 127.0.0.1:" in out
    assert "✓ qboxmail: token" in out  # the other areas were still checked
