"""`qbx trace`, `qbx check` and `qbx demo` through the real entry point: exit codes, JSON,
the SIMULATED label. No QBOXMAIL_API_TOKEN: the embedded simulator starts in-process."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from bot.cli import main
from bot.diagnostics.report import Report
from bot.simulator import create_simulation
from bot.simulator.describe import describe

SCENARIOS = {s["name"]: s for s in describe(create_simulation())["scenarios"]}
DELIVERED = SCENARIOS["delivered"]["ids"]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("QBOXMAIL_API_TOKEN", "QBOXMAIL_API_URL", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")


def test_trace_json_is_a_simulated_report(capsys: pytest.CaptureFixture[str]) -> None:
    text = f"{DELIVERED['message_id']} to {DELIVERED['to']} on {DELIVERED['date']}"
    assert main(["trace", *text.split(), "--json"]) == 0
    report = Report.from_json(capsys.readouterr().out.strip())
    assert report.simulated
    assert report.verdict.code.value == "delivered"


def test_human_output_says_simulated_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "account", "4130"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("SIMULATED")
    assert "ACCOUNT_INACTIVE" in out.splitlines()[1]
    assert "\x1b[" not in out  # no colour when not on a terminal


def test_a_bare_id_the_budget_could_not_rule_out_is_inconclusive(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bare = SCENARIOS["not_found"]["ids"]["message_id"]
    assert main(["trace", bare, "--json"]) == 0
    report = Report.from_json(capsys.readouterr().out.strip())
    assert report.verdict.code.value == "inconclusive"
    assert main(["trace", bare]) == 0
    out = capsys.readouterr().out
    assert "INCONCLUSIVE" in out.splitlines()[1]
    assert "Give the recipient address or the day it was sent" in out  # what would finish it
    assert "NOT_FOUND" not in out


def test_the_overflow_beyond_the_limit_is_listed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QBX_MAX_IDS_PER_MESSAGE", "1")
    assert main(["trace", "account", "4127", "and", "account", "4128"]) == 0
    out = capsys.readouterr().out
    assert "Not traced (over the limit of 1): 4128" in out


@pytest.mark.parametrize(
    "argv",
    [["trace", "hello", "world"], ["check", "account", "abc"], ["check", "planet", "x"]],
    ids=["nothing-to-trace", "bad-account", "unknown-kind"],
)
def test_bad_input_exits_2_with_usage_and_example(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "usage:" in err
    assert "example: qbx " in err


def test_a_missing_value_is_an_argparse_usage_error() -> None:
    with pytest.raises(SystemExit) as raised:
        main(["check", "domain", "--deep"])
    assert raised.value.code == 2


def test_bad_input_names_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "account", "abc"]) == 2
    err = capsys.readouterr().err
    assert "example: qbx check account 4127" in err


def test_bad_settings_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QBOXMAIL_READ_TIMEOUT", "-1")
    assert main(["check", "account", "4127"]) == 2
    assert "QBOXMAIL_READ_TIMEOUT" in capsys.readouterr().err


def test_an_unreachable_api_exits_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("QBOXMAIL_API_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("QBOXMAIL_API_TOKEN", "a-real-looking-token")
    monkeypatch.setenv("QBOXMAIL_MAX_RETRIES", "0")
    monkeypatch.setenv("QBOXMAIL_RETRY_BUDGET", "0")
    assert main(["check", "account", "4127"]) == 3
    err = capsys.readouterr().err
    assert "cannot be reached" in err
    assert "a-real-looking-token" not in err


def test_demo_traces_several_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    codes = [json.loads(line)["verdict"]["code"] for line in lines]
    assert len(codes) >= 5
    assert len(set(codes)) == len(codes)


def test_several_targets_print_one_json_report_per_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["trace", "account", "4127", "and", "account", "4130", "--json"]) == 0
    reports = [Report.from_json(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [r.target.value for r in reports] == ["4127", "4130"]
    assert [r.verdict.code.value for r in reports] == ["healthy", "account_inactive"]


async def test_progress_lines_name_each_finished_step() -> None:
    import io

    from bot.cli.trace import progress_printer
    from bot.diagnostics.report import StepResult, StepStatus

    err = io.StringIO()
    show = progress_printer(err)
    await show(StepResult("found", "Find the message", StepStatus.PASS, "ok"), 1, 7)
    assert err.getvalue() == "  [1/7] ✓ Find the message\n"
