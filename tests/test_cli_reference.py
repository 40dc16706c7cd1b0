"""`qbx trace <your reference>` on the command line: traced through its ledger record (Redis),
or refused with how to record one."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.diagnostics.report import Report
from bot.simulator import create_simulation
from bot.simulator.describe import describe
from tests.redis_support import REDIS_URL, machine_redis, unique_prefix

DELIVERED = {s["name"]: s for s in describe(create_simulation())["scenarios"]}["delivered"]["ids"]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("QBOXMAIL_API_TOKEN", "QBOXMAIL_API_URL", "LOG_FORMAT", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")


def test_without_the_ledger_a_reference_is_refused_with_how_to_record_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["trace", "order-1042"]) == 2
    err = capsys.readouterr().err
    assert "no record with that reference" in err
    assert "REDIS_URL" in err
    assert "POST /ledger" in err


@pytest.mark.redis
async def test_a_recorded_reference_is_traced_through_its_ledger_record(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix = unique_prefix()
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("QBX_REDIS_PREFIX", prefix)
    record = {
        "http_status": 202, "request_id": DELIVERED["request_id"], "queued_messages": 1,
        "messages": [{"message_id": DELIVERED["message_id"], "to": DELIVERED["to"]}],
        "reference": "order-1042", "recipients": [DELIVERED["to"]],
        "submitted_at": DELIVERED["submitted_at"],
    }  # fmt: skip
    (tmp_path / "ledger.jsonl").write_text(json.dumps(record) + "\n")
    async with machine_redis(prefix):
        assert await run(["ledger", "import", str(tmp_path / "ledger.jsonl")]) == 0
        capsys.readouterr()
        assert await run(["trace", "ORDER-1042", "--json"]) == 0
    report = Report.from_json(capsys.readouterr().out.strip())
    assert report.verdict.code.value == "delivered"
    assert report.api_calls > 0


async def run(argv: list[str]) -> int:
    """The CLI runs its own event loop: give it a thread of its own."""
    return await asyncio.to_thread(main, argv)
