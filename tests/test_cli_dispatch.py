"""The `qbx` dispatcher: every command listed, only the chosen command's module loaded."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.cli import COMMANDS, EXIT_USAGE, build_parser, main


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for name, (_, help_text) in COMMANDS.items():
        assert name in out
        assert help_text in out


def test_no_command_prints_usage_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == EXIT_USAGE
    assert "COMMAND" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_has_a_full_parser_when_chosen(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser([name]).parse_args([name, "--help"])
    usage = capsys.readouterr().out.splitlines()[0]
    assert usage != f"usage: qbx {name} [-h]"  # its own arguments, not the listing placeholder


def test_help_does_not_load_slack_redis_or_plotting() -> None:
    code = (
        "import sys; from bot.cli import build_parser; build_parser(['--help']); "
        "print(sorted(m for m in ('slack_bolt', 'redis', 'matplotlib', 'uvicorn') "
        "if m in sys.modules))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
