"""The watch schedule (pure) and the store-kept watch book: limits, duplicates, stop vs. save."""

from __future__ import annotations

import pytest

from bot.store import MemoryStore
from bot.watch.book import WatchBook
from bot.watch.model import (
    BACKOFF,
    Watch,
    WatchStatus,
    after_check,
    delay_after,
    max_checks_per_hour,
)
from tests.redis_support import FakeClock

START = 1_795_000_000.0
DAY = 86_400.0


def watch(ident: str = "C1-1.1", **extra: object) -> Watch:
    values: dict[str, object] = {
        "watch_id": ident, "spec": {}, "subject": "x", "channel": "C1", "parent_ts": "1.1",
        "user": "U1", "started_at": START, "next_at": START + 60,
    }  # fmt: skip
    return Watch(**(values | extra))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("checks", "seconds"), [(0, 60), (1, 120), (4, 900), (5, 1800), (50, 1800)]
)
def test_the_back_off_grows_then_stays_at_30_minutes(checks: int, seconds: int) -> None:
    assert delay_after(checks) == seconds


def test_the_first_hour_is_the_busiest() -> None:
    assert max_checks_per_hour() == 5
    assert tuple(sorted(BACKOFF)) == BACKOFF


@pytest.mark.parametrize(
    ("code", "elapsed", "status"),
    [
        ("deferred", 600, WatchStatus.WATCHING),
        ("queued", 600, WatchStatus.WATCHING),
        ("delivered", 600, WatchStatus.FINISHED),
        ("bounced", 600, WatchStatus.FINISHED),
        ("deferred", DAY, WatchStatus.EXPIRED),
        ("delivered", DAY, WatchStatus.FINISHED),
    ],
    ids=["deferred", "queued", "delivered", "bounced-or-expired", "ttl", "final-wins-over-ttl"],
)
def test_a_check_decides_the_status(code: str, elapsed: float, status: WatchStatus) -> None:
    checked = after_check(watch(), code, START + elapsed, DAY, key="k2")
    assert (checked.status, checked.code, checked.checks, checked.key) == (status, code, 1, "k2")
    assert checked.next_at == START + elapsed + delay_after(1)


def test_a_watch_round_trips_through_json() -> None:
    original = watch(status=WatchStatus.EXPIRED, checks=3)
    assert Watch.from_json(original.to_json()) == original


@pytest.fixture
def book() -> WatchBook:
    return WatchBook(MemoryStore(clock=FakeClock()), max_watches=2)


async def test_the_book_refuses_past_its_limit(book: WatchBook) -> None:
    assert (await book.add(watch("a"))).new
    assert (await book.add(watch("b"))).new
    third = await book.add(watch("c"))
    assert third.full
    assert not third.new
    assert sorted(await book.all()) == ["a", "b"]


async def test_the_same_watch_is_added_once(book: WatchBook) -> None:
    await book.add(watch("a"))
    again = await book.add(watch("a", user="U2"))
    assert not again.new
    assert again.watch.user == "U1"


async def test_a_check_result_is_not_saved_over_a_stop(book: WatchBook) -> None:
    await book.add(watch("a"))
    assert await book.stop("a") is not None
    assert not await book.save(watch("a", checks=1))
    assert await book.all() == {}
    assert await book.stop("a") is None


async def test_an_ended_watch_leaves_the_book(book: WatchBook) -> None:
    await book.add(watch("a"))
    assert await book.save(watch("a", status=WatchStatus.FINISHED))
    assert await book.all() == {}
