"""The client's logs: one debug event per request with its facts, and never a token."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import structlog
from structlog.testing import capture_logs

from bot.errors import QboxmailError
from bot.logs import configure_logging
from bot.qboxmail.client import QboxmailClient

from .conftest import SEND_TOKEN, TOKEN, ClientFactory, Script, envelope, fail, reply

MESSAGE = {"messages": [{"from": "a@shop.example", "to": "b@example.org", "subject": "hi"}]}


@pytest.fixture
def restore_logging() -> Iterator[None]:
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    structlog.configure(**saved)
    root.handlers[:] = handlers
    root.setLevel(level)


def busy_script() -> Script:
    """Every kind of outcome: a retried 503, a 429 with Retry-After, success, auth errors."""
    send_401 = {"error_code": 401, "error": "invalid_token", "request_id": "r-1", "message": "no"}
    return Script(
        [
            reply(503, {"message": "busy"}),
            reply(429, {"message": "slow"}, headers={"Retry-After": "1"}),
            reply(200, envelope({"month_total": 3})),
            fail(httpx.ConnectError),
            reply(401, send_401),
            reply(401, {"message": "Unauthorized", "errors": []}),
        ]
    )


async def exercise(client: QboxmailClient) -> None:
    await client.dashboard()  # 503, 429, 200
    for call in (client.send(MESSAGE, token=SEND_TOKEN), client.send(MESSAGE, token=SEND_TOKEN)):
        with pytest.raises(QboxmailError):
            await call
    with pytest.raises(QboxmailError):
        await client.delivery_account(4127)


async def test_each_attempt_logs_its_facts_and_no_secret(make_client: ClientFactory) -> None:
    with capture_logs() as events:
        async with make_client(busy_script()) as client:
            await exercise(client)
    requests = [e for e in events if e["event"] == "qboxmail.request"]
    assert [(e["path"], e["status"], e["attempt"]) for e in requests[:3]] == [
        ("/api/delivery/dashboard", 503, 1),
        ("/api/delivery/dashboard", 429, 2),
        ("/api/delivery/dashboard", 200, 3),
    ]
    assert [e["outcome"] for e in requests[3:]] == [
        "ApiUnreachable",
        "ApiAuthError",
        "ApiAuthError",
    ]
    assert all({"method", "elapsed_ms", "endpoint", "api"} <= set(e) for e in requests)
    assert all(e["log_level"] == "debug" for e in events)
    assert [e["wait_s"] for e in events if e["event"] == "qboxmail.retry"] == [0.188, 1.0]
    text = repr(events)
    assert TOKEN not in text
    assert SEND_TOKEN not in text
    assert "header" not in text.lower()


async def test_rendered_logs_without_a_redactor_hold_no_token(
    make_client: ClientFactory, restore_logging: None, caplog: pytest.LogCaptureFixture
) -> None:
    out = io.StringIO()
    structlog.configure(
        processors=[structlog.processors.add_log_level, structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG),
        logger_factory=structlog.PrintLoggerFactory(out),
    )
    caplog.set_level(logging.DEBUG)  # httpx's own stdlib logging too
    caplog.set_level(logging.DEBUG, logger="httpx")
    async with make_client(busy_script()) as client:
        await exercise(client)
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len([e for e in events if e["event"] == "qboxmail.request"]) == 6
    assert "HTTP Request: GET" in caplog.text
    for text in (out.getvalue(), caplog.text):
        assert TOKEN not in text
        assert SEND_TOKEN not in text


async def test_production_logging_with_the_redactor_holds_no_token(
    make_client: ClientFactory, restore_logging: None
) -> None:
    out = io.StringIO()
    configure_logging(level="DEBUG", fmt="json", secrets=[TOKEN], stream=out)
    async with make_client(busy_script()) as client:
        await exercise(client)
    lines: list[dict[str, Any]] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert any(line.get("event") == "qboxmail.request" for line in lines)
    # httpx's own request lines carry query strings with recipient addresses: kept out.
    assert not any("HTTP Request" in str(line.get("event")) for line in lines)
    assert TOKEN not in out.getvalue()
    assert SEND_TOKEN not in out.getvalue()
    assert "[redacted]" not in out.getvalue()  # nothing even needed redacting
