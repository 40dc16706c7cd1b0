"""`qbx serve`: registered, and missing Slack credentials stop it with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import EXIT_USAGE, build_parser, main

SLACK_VARS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "REDIS_URL")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    for name in SLACK_VARS:
        monkeypatch.delenv(name, raising=False)


def test_serve_takes_a_port_and_socket_mode() -> None:
    argv = ["serve", "--port", "8123", "--socket"]
    args = build_parser(argv).parse_args(argv)
    assert args.port == 8123
    assert args.socket is True


@pytest.mark.usefixtures("clean_env")
def test_socket_mode_without_app_token_explains_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["serve", "--socket"]) == EXIT_USAGE
    assert "SLACK_APP_TOKEN" in capsys.readouterr().err


@pytest.mark.usefixtures("clean_env")
def test_http_without_bot_token_explains_and_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret-for-test")
    assert main(["serve", "--port", "0"]) == EXIT_USAGE
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err


@pytest.mark.usefixtures("clean_env")
def test_several_workers_without_redis_explains_and_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret-for-test")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token-000")
    assert main(["serve", "--port", "0", "--workers", "2"]) == EXIT_USAGE
    assert "REDIS_URL" in capsys.readouterr().err
