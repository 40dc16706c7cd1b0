"""Logging set-up: secrets redacted in every event, library chatter with addresses kept out, and
each process's logging from its settings (human commands: readable warnings on stderr)."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logs import REDACTED, configure_from_settings, configure_logging, get_logger
from bot.settings import Settings


@pytest.fixture
def captured() -> io.StringIO:
    buffer = io.StringIO()
    configure_logging(fmt="json", secrets=["s3cret-management-token"], stream=buffer)
    return buffer


def events(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_secrets_are_redacted_whatever_field_they_hide_in(captured: io.StringIO) -> None:
    get_logger().info(
        "call",
        headers={"X-Api-Token": "abc123456", "Authorization": "Bearer abcdefghijkl"},
        note="used xoxb-1111-2222-abcdef and s3cret-management-token",
        nested=[{"deep": "xapp-1-A0B1-99887766"}],
    )
    (event,) = events(captured)
    text = json.dumps(event)
    for secret in ("abc123456", "abcdefghijkl", "xoxb-1111", "s3cret-management", "xapp-1-A0B1"):
        assert secret not in text
    assert event["headers"] == {"X-Api-Token": REDACTED, "Authorization": REDACTED}


def test_tracebacks_are_redacted_too(captured: io.StringIO) -> None:
    try:
        raise RuntimeError("failed with s3cret-management-token")
    except RuntimeError:
        get_logger().exception("boom")
    (event,) = events(captured)
    assert "RuntimeError" in str(event["exception"])
    assert "s3cret-management-token" not in str(event["exception"])


def test_stdlib_loggers_go_through_the_redactor(captured: io.StringIO) -> None:
    logging.getLogger("some.library").warning("token xoxb-9999-8888-zzzz leaked?")
    (event,) = events(captured)
    assert event["logger"] == "some.library"
    assert "xoxb-9999" not in str(event["event"])


def test_http_library_request_lines_with_addresses_are_not_logged(captured: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: GET /mailouts?to=anna%40example.com")
    logging.getLogger("httpx").warning("connection pool is full")
    assert [e["event"] for e in events(captured)] == ["connection pool is full"]


@pytest.fixture
def no_log_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    monkeypatch.delenv("LOG_FORMAT", raising=False)


@pytest.mark.usefixtures("no_log_env")
def test_a_human_command_logs_readable_warnings_only_unless_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_from_settings(Settings(_env_file=None), human=True)
    get_logger().info("chatter")
    get_logger().warning("worth_seeing")
    err = capsys.readouterr().err
    assert "chatter" not in err
    [line] = [line for line in err.splitlines() if "worth_seeing" in line]
    assert not line.startswith("{")


@pytest.mark.usefixtures("no_log_env")
def test_a_human_command_logs_more_when_log_level_asks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_from_settings(Settings(_env_file=None, log_level="INFO"), human=True)
    get_logger().info("chatter")
    assert "chatter" in capsys.readouterr().err


@pytest.mark.usefixtures("no_log_env")
def test_a_service_logs_as_its_settings_say(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(_env_file=None, log_level="INFO", log_format="json",
                        slack_bot_token="xoxb-0000-secret-token")  # fmt: skip
    configure_from_settings(settings)
    get_logger().info("started", note="used xoxb-0000-secret-token")
    [event] = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert event["event"] == "started"
    assert "xoxb-0000-secret-token" not in json.dumps(event)
