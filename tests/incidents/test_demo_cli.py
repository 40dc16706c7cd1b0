"""`qbx incidents demo` and `qbx incidents check`, run in-process through the `qbx` dispatcher."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from bot.cli import main
from bot.incidents.demo import DemoPlan
from bot.incidents.lifecycle import ChangeKind
from bot.runtime.incidents import run_demo
from bot.settings import Settings
from tests.incidents.slack_support import metadata_of, running_history_standin

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
RAMP = "Bounce rate on Domain alerts.acme-shop.example"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("QBOXMAIL_API_TOKEN", "SLACK_BOT_TOKEN", "QBX_INCIDENT_CHANNEL", "REDIS_URL",
                 "LOG_FORMAT"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")


def lines(out: str, kind: str) -> list[str]:
    return [
        line for line in out.splitlines() if re.match(rf"^\[SIMULATED \d\d:\d\d\] {kind} ", line)
    ]


@pytest.mark.parametrize(
    "machine_now",
    [datetime(2026, 12, 31, 23, 59, 50, tzinfo=UTC), datetime(2028, 2, 29, 23, 59, 50, tzinfo=UTC)],
    ids=["31-dec-before-midnight", "29-feb-before-midnight"],
)
def test_the_demo_opens_updates_and_resolves_the_ramp_incident(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, machine_now: datetime
) -> None:
    """Whatever the machine's clock says (faked here), the demo of "today" is one calm incident."""
    with time_machine.travel(machine_now, tick=True):
        assert main(["incidents", "demo", "--charts", str(tmp_path / "charts")]) == 0
    out = capsys.readouterr().out
    assert "nothing is sent to Slack" in out.splitlines()[0]
    assert len([line for line in lines(out, "OPEN") if RAMP in line]) == 1
    assert len([line for line in lines(out, "UPDATE") if RAMP in line]) >= 2
    assert len([line for line in lines(out, "RESOLVED") if RAMP in line]) == 1
    assert f"*Started*  {machine_now.date().isoformat()} " in out  # the machine's "today"
    assert "checklist for domain alerts.acme-shop.example" in out
    assert "Top replies" in out


# the last day of a month, the 31st of December, the 29th of February, just before midnight UTC
FIXED_NOWS = [
    datetime(2026, 4, 30, 12, 0, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime(2028, 2, 29, 23, 59, 30, tzinfo=UTC),
    datetime(2027, 1, 31, 0, 0, 1, tzinfo=UTC),
]


@pytest.mark.parametrize("now", FIXED_NOWS, ids=lambda d: d.isoformat())
async def test_on_any_day_the_ramp_makes_one_calm_incident(now: datetime, tmp_path: Path) -> None:
    """One post, updated, resolved once, whatever day the demo's clock says it is."""
    out = io.StringIO()
    results = await run_demo(Settings(_env_file=None), out=out, chart_dir=tmp_path,
                             today=lambda: now)  # fmt: skip
    changes = [c for r in results for c in r.changes]
    kinds = [c.kind for c in changes]
    assert {c.key for c in changes} == {"bounce_rate:domain:alerts.acme-shop.example"}
    assert kinds.count(ChangeKind.OPEN) == 1
    assert kinds.count(ChangeKind.UPDATE) >= 2
    assert kinds[-1] is ChangeKind.RESOLVE
    assert kinds.count(ChangeKind.RESOLVE) == 1
    assert ChangeKind.REOPEN not in kinds
    [opened] = [c.record for c in changes if c.kind is ChangeKind.OPEN]
    assert opened is not None
    assert opened.started_at.date() == now.date()
    resolved = changes[-1].record
    assert resolved is not None
    assert "under 0.5 %" in resolved.summary


def test_the_demo_writes_each_chart_to_a_png_it_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    charts = tmp_path / "charts"
    argv = ["incidents", "demo", "--date", "2026-11-23", "--charts", str(charts), "--steps", "9"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    paths = re.findall(r"CHART +.+ -> (\S+\.png)", out)
    assert paths
    for path in paths:
        assert Path(path).parent == charts
        assert Path(path).read_bytes().startswith(PNG_MAGIC)


def test_check_runs_one_pass_and_prints_what_it_found(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["incidents", "check"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"Observed \d+ accounts and domains; \d+ change\(s\)", out)
    assert "account_inactive:account:4130" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["incidents"],
        ["incidents", "demo", "--steps", "0"],
        ["incidents", "demo", "--date", "29-02"],
    ],
)
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: a required sub-command is missing
        code = int(exc.code or 0)
    assert code == 2


def test_the_cli_module_imports_nothing_heavy() -> None:
    heavy = "('matplotlib', 'bot.incidents', 'slack_sdk')"
    probe = f"import sys, bot.cli.incidents; print(any(m.startswith({heavy}) for m in sys.modules))"
    argv = [sys.executable, "-c", probe]
    result = subprocess.run(argv, capture_output=True, text=True, check=True)  # noqa: S603 - fixed argv
    assert result.stdout.strip() == "False"


async def test_with_slack_settings_the_demo_posts_to_the_workspace(tmp_path: Path) -> None:
    async with running_history_standin() as slack:
        settings = Settings(_env_file=None, slack_bot_token="xoxb-demo",
                            slack_api_url=f"{slack.base_url}/api/",
                            qbx_incident_channel="C_DEMO")  # fmt: skip
        plan = DemoPlan(steps=9, anchor=datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
        out = io.StringIO()
        await run_demo(settings, out=out, chart_dir=tmp_path, plan=plan)
    assert "posted to Slack channel C_DEMO" in out.getvalue()
    [parent] = slack.parents("C_DEMO")
    assert metadata_of(parent)["event_payload"]["incident_id"].startswith("bounce_rate:domain:")
    assert slack.named("files.completeUploadExternal")


def run_qbx(argv: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`qbx ...` in its own process, with none of the caller's logging or Slack settings."""
    drop = {"LOG_LEVEL", "LOG_FORMAT", "SLACK_BOT_TOKEN", "QBX_INCIDENT_CHANNEL", "REDIS_URL",
            "QBOXMAIL_API_TOKEN"}  # fmt: skip
    clean = {k: v for k, v in os.environ.items() if k not in drop} | env
    command = [sys.executable, "-m", "bot", *argv]
    return subprocess.run(command, cwd=cwd, env=clean, capture_output=True, text=True,  # noqa: S603
                          check=True, timeout=120)  # fmt: skip


DEMO_ARGV = ["incidents", "demo", "--date", "2026-11-23", "--steps", "9"]


def test_the_demo_prints_no_log_lines_among_its_text(tmp_path: Path) -> None:
    result = run_qbx([*DEMO_ARGV, "--charts", str(tmp_path)], tmp_path)
    assert "] OPEN " in result.stdout
    assert "incident_parent_posted" not in result.stdout + result.stderr  # INFO: not unless asked
    assert not [line for line in result.stdout.splitlines() if line.lstrip().startswith("{")]


def test_logs_asked_for_go_to_stderr_as_readable_lines(tmp_path: Path) -> None:
    result = run_qbx([*DEMO_ARGV, "--charts", str(tmp_path)], tmp_path, LOG_LEVEL="INFO")
    assert "incident_parent_posted" not in result.stdout
    [logged] = [line for line in result.stderr.splitlines() if "incident_parent_posted" in line]
    assert not logged.startswith("{")
    as_json = run_qbx([*DEMO_ARGV, "--charts", str(tmp_path)], tmp_path, LOG_LEVEL="INFO",
                      LOG_FORMAT="json")  # fmt: skip
    assert json.loads(as_json.stderr.splitlines()[0])["event"] == "incident_parent_posted"
