"""The id ledger: field-precise validation, lookups by every id on both stores, CLI import."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.cli import main as qbx
from bot.ledger.book import FieldIssue, InvalidRecord, Ledger
from bot.store.memory import MemoryStore
from bot.store.redis_store import RedisStore, connect
from tests.redis_support import REDIS_URL, FakeClock, machine_redis, unique_prefix

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def accepted(reference: str = "ORD-1", *, at: datetime = NOW, to: str = "Jane@Example.test") -> Any:
    """A 202 Send API response as an application records it."""
    request_id, message_id = str(uuid.uuid4()), f"{uuid.uuid4()}@example.test"
    message = {"error_code": 0, "message": "OK", "request_id": request_id,
               "message_id": message_id, "submitted_at": iso(at), "to": to}  # fmt: skip
    return {
        "http_status": 202, "error_code": 0, "message": "OK", "request_id": request_id,
        "queued_messages": 1, "messages": [message], "suppression_summary": {"status": "checked"},
        "reference": reference, "recipients": [to.lower()], "submitted_at": iso(at),
    }  # fmt: skip


def refused(reference: str = "ORD-1", *, at: datetime = NOW) -> Any:
    return {
        "http_status": 403, "error_code": 403, "error": "ip_not_allowed",
        "message": "IP not allowed", "request_id": str(uuid.uuid4()),
        "reference": reference, "recipients": ["bob@example.test"], "submitted_at": iso(at),
    }  # fmt: skip


def changed(record: Any, **fields: Any) -> Any:
    return {**record, **fields}


INVALID = [
    ("no submitted_at", {k: v for k, v in accepted().items() if k != "submitted_at"},
     FieldIssue("submitted_at", "Field required")),
    ("naive submitted_at", changed(accepted(), submitted_at="2026-11-23T10:00:00"),
     FieldIssue("submitted_at", "needs a timezone, e.g. 2026-04-16T08:41:13.225Z")),
    ("bad message_id", changed(accepted(), messages=[{"message_id": "12345"}]),
     FieldIssue("messages.0.message_id", "not a Send API message_id (uuid@domain)")),
    ("bad request_id", changed(accepted(), request_id="not-a-uuid"),
     FieldIssue("request_id", "not a Send API request_id (a UUID v4)")),
    ("bad recipient", changed(accepted(), recipients=["a@b.example", "nobody"]),
     FieldIssue("recipients.1", "not an email address: 'nobody'")),
    ("202 without request_id", changed(accepted(), request_id=None),
     FieldIssue("", "a 2xx response carries a request_id")),
    ("error without error id", changed(refused(), error=None),
     FieldIssue("", "an error response (4xx/5xx) carries the Send API `error` id")),
    ("status out of range", changed(accepted(), http_status=42),
     FieldIssue("http_status", "Input should be greater than or equal to 100")),
    ("older than 30 days", changed(accepted(), submitted_at=iso(NOW - timedelta(days=31))),
     FieldIssue("submitted_at", "older than the 30-day history")),
    ("not an object", [accepted()], FieldIssue("", "a record is a JSON object")),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "issue"), [r[1:] for r in INVALID], ids=[r[0] for r in INVALID])
def test_a_bad_record_names_its_field(raw: Any, issue: FieldIssue) -> None:
    ledger = Ledger(MemoryStore(clock=FakeClock(NOW.timestamp())), clock=lambda: NOW.timestamp())
    with pytest.raises(InvalidRecord) as caught:
        ledger.parse(raw)
    assert caught.value.issues == (issue,)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def ledger(request: pytest.FixtureRequest) -> AsyncIterator[Ledger]:
    clock = FakeClock(NOW.timestamp())
    if request.param == "memory":
        yield Ledger(MemoryStore(clock=clock), clock=clock)
        return
    prefix = unique_prefix()
    async with machine_redis(prefix):
        store = RedisStore(connect(REDIS_URL), prefix=prefix, clock=clock)
        yield Ledger(store, clock=clock)
        await store.aclose()


async def test_records_are_found_by_every_id(ledger: Ledger) -> None:
    first = ledger.parse(accepted(at=NOW - timedelta(minutes=5)))
    second = ledger.parse(refused())
    assert await ledger.record([first, second]) == 2
    message_id = first.messages[0].message_id
    assert message_id is not None
    assert await ledger.lookup_message(message_id.upper()) == first
    assert await ledger.lookup_request(str(second.request_id)) == second
    assert await ledger.lookup_reference(" ord-1 ") == [second, first]
    assert await ledger.lookup_recipient("jane@example.test") == [first]
    assert await ledger.lookup_recipient("BOB@example.test") == [second]
    assert await ledger.lookup_message(f"{uuid.uuid4()}@example.test") is None


async def test_recording_the_same_response_twice_keeps_one_record(ledger: Ledger) -> None:
    anonymous = changed(refused(), request_id=None, http_status=401, error="invalid_token")
    record = ledger.parse(anonymous)
    await ledger.record([record])
    await ledger.record([record, ledger.parse(anonymous)])
    assert await ledger.lookup_reference("ORD-1") == [record]
    assert record.record_id.startswith("sha-")


async def test_large_batches_are_stored_in_several_round_trips(ledger: Ledger) -> None:
    records = [ledger.parse(accepted(f"BULK-{n % 3}")) for n in range(1200)]
    assert await ledger.record(records) == 1200
    assert len(await ledger.lookup_reference("BULK-1")) == 50  # the lookup limit
    assert await ledger.lookup_request(str(records[-1].request_id)) == records[-1]


# --- qbx ledger import / find ----------------------------------------------------------------
@pytest.fixture
def redis_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    prefix = unique_prefix()
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("QBX_REDIS_PREFIX", prefix)
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    yield prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.mark.redis
def test_import_stores_good_lines_and_names_bad_ones(
    redis_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.fromtimestamp(time.time(), UTC)
    good = [accepted("ORD-7", at=now) for _ in range(3)]
    lines = [json.dumps(good[0]), "{not json", "", json.dumps(good[1]),
             json.dumps(changed(good[2], request_id="nope")), json.dumps(good[2])]  # fmt: skip
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert qbx(["ledger", "import", str(path)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "rejected line 2: record: not JSON (Expecting property name enclosed in double quotes "
        "at column 2)",
        "rejected line 5: request_id: not a Send API request_id (a UUID v4)",
        "accepted 3, rejected 2",
    ]
    assert qbx(["ledger", "find", "ord-7"]) == 0
    found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["request_id"] for r in found} == {r["request_id"] for r in good}
    assert qbx(["audit", "-n", "1"]) == 0
    assert "ledger:import  records.jsonl  cli  accepted 3, rejected 2" in capsys.readouterr().out


def test_import_without_redis_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(accepted()) + "\n")
    assert qbx(["ledger", "import", str(path)]) == 2
    assert "set REDIS_URL" in capsys.readouterr().err
