"""Logging set-up: secrets redacted in every event, library chatter with addresses kept out."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logs import REDACTED, configure_logging, get_logger


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
