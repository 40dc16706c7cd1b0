"""Shared pieces for the client's unit tests: scripted MockTransport answers and fake time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from bot.qboxmail.client import QboxmailClient

API_URL = "https://api.qboxmail.test"
SEND_URL = "https://api.qboxmail.test/v1"
TOKEN = "mgmt-Secret-Token-7f3a9c"
SEND_TOKEN = "send-Secret-Token-b41e2d"

Step = Callable[[httpx.Request], httpx.Response]


def reply(
    status: int = 200,
    body: Any = None,
    *,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
) -> Step:
    """A scripted answer (a fresh httpx.Response per request)."""

    def answer(request: httpx.Request) -> httpx.Response:
        if content is not None:
            return httpx.Response(status, content=content, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return answer


def fail(error: type[httpx.TransportError]) -> Step:
    """A scripted transport failure (connection refused, timeout, ...)."""

    def answer(request: httpx.Request) -> httpx.Response:
        raise error("scripted failure", request=request)

    return answer


def envelope(*items: Any, total_pages: int = 1, page: int = 1) -> dict[str, Any]:
    return {
        "resources": list(items),
        "pagination": {"per": 30, "page": page, "total_pages": total_pages, "total_records": 0},
    }


@dataclass
class Script:
    """Answers requests with `steps` in order (the last one repeats) and records each request."""

    steps: list[Step]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        index = min(len(self.requests), len(self.steps)) - 1
        return self.steps[index](request)


@dataclass
class FakeTime:
    """A monotonic clock that only moves when the client sleeps (or a test says so)."""

    now: float = 1_000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


ClientFactory = Callable[..., QboxmailClient]


@pytest.fixture
def make_client(fake_time: FakeTime) -> ClientFactory:
    """A client whose network is `script` and whose time is `fake_time` (jitter fixed at 0.5)."""

    def build(script: Script, **options: Any) -> QboxmailClient:
        settings: dict[str, Any] = {
            "api_url": API_URL,
            "api_token": TOKEN,
            "send_url": SEND_URL,
            "transport": httpx.MockTransport(script),
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "jitter": lambda: 0.5,
        }
        return QboxmailClient(**(settings | options))

    return build
