"""Finding a message or a request in TraceMail, which has no id filter (A§4.1).

Narrow first (sending domain from the message_id, recipient and date hints, the ledger),
read the first page of every search together, then further pages in concurrent waves,
newest first, until the id turns up or the scan budget is spent. An id known to be older
than TraceMail's history is "beyond retention", never "not found".
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.qboxmail.contract import (
    MAILOUTS_MAX_PER,
    TRACEMAIL_HISTORY_DAYS,
    Collection,
    MailoutStatus,
)
from bot.qboxmail.models import MailoutEntry, Page
from bot.qboxmail.query import MailoutQuery
from bot.qboxmail.reads import QboxmailApi

WAVE = 4  # pages read together once the first pages did not hold the id
MAX_RECIPIENTS = 3


@dataclass(frozen=True)
class Clues:
    """Everything known that narrows a search."""

    domain: str | None = None
    recipients: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()


@dataclass(frozen=True)
class Search:
    label: str
    query: MailoutQuery


@dataclass(frozen=True)
class Located:
    """What the search found and what it read to find it."""

    entries: tuple[MailoutEntry, ...] = ()
    searched: tuple[str, ...] = ()
    pages: int = 0
    beyond_retention: bool = False
    known_dates: tuple[date, ...] = ()  # the dates the hints and the ledger gave
    known_recipients: tuple[str, ...] = ()  # the recipients the hints and the ledger gave
    unrecorded_reference: bool = False  # a reference the id ledger has no record of
    exhausted: bool = False  # more pages existed than the budget allowed
    oldest_seen: datetime | None = None
    unread_pages: int = 0  # pages known to exist that the budget did not allow reading
    window: str = ""  # the days searched, e.g. "2026-11-02..2026-12-02"

    @property
    def found(self) -> bool:
        return bool(self.entries)

    @property
    def missing_hints(self) -> str | None:
        """What, given, would narrow a search that found nothing (None: nothing more to ask)."""
        if self.known_recipients:
            return None  # every collection of the 30 days was searched for that recipient
        if self.known_dates:
            return "the recipient address"
        return "the recipient address or the day it was sent"

    @property
    def inconclusive(self) -> bool:
        """Nothing found, but the budget ran out before every place it could be was read."""
        return self.exhausted and not self.found

    @property
    def finishing_hint(self) -> str:
        """What, given, would let an inconclusive search finish."""
        return self.missing_hints or (
            "the day it was sent" if not self.known_dates else "a larger QBX_SCAN_BUDGET"
        )

    def scope(self) -> str:
        """What was read, in words: pages of how many, over which days."""
        total = self.pages + self.unread_pages
        window = f" ({self.window})" if self.window else ""
        return f"{self.pages} of {total} TraceMail pages{window}"

    @property
    def entry(self) -> MailoutEntry | None:
        """The entry that tells the story: the most recently updated one."""
        if not self.entries:
            return None
        return max(self.entries, key=lambda e: e.updated_at or e.created_at)


def unrecorded_reference(reference: str) -> str:
    """Why an application reference cannot be traced, and how to make it traceable."""
    return (
        f"{reference[:64]!r} is not an id qbx recognises, and the id ledger has no record with "
        "that reference (records are kept 30 days). qbx finds your own order, user or campaign "
        "references only when your application records each Send API response with them: "
        "POST /ledger (signed with QBX_LEDGER_SECRET, as the README shows; the response body plus "
        "`reference`, `recipients`, `submitted_at`) or `qbx ledger import FILE.jsonl`. Or trace "
        "a message_id, request_id or address instead."
    )


def history_start(today: date) -> date:
    return today - timedelta(days=TRACEMAIL_HISTORY_DAYS)


def beyond_history(clues: Clues, today: date) -> bool:
    """Every date we know of is older than TraceMail keeps."""
    return bool(clues.dates) and all(d < history_start(today) for d in clues.dates)


def plan_searches(
    clues: Clues, collections: Sequence[Collection], today: date, *, failures_first: bool = True
) -> tuple[Search, ...]:
    """The narrowest searches the clues allow: by recipient, else by day, else the history.

    Without a recipient the processed traffic is also searched by failing status first
    (bounce, suppressed): failures are what people ask about, and they are a small share of
    a busy domain, so their whole history fits in a few pages where all traffic would not.
    """
    base = MailoutQuery(domain=clues.domain, per=MAILOUTS_MAX_PER)
    where = f" at {clues.domain}" if clues.domain else ""
    searches: list[Search] = []
    for collection in collections:
        for status in _statuses(collection, clues) if failures_first else (None,):
            for start, end in _windows(clues, today):
                span = f"{start}" if start == end else f"{start}..{end}"
                for to in clues.recipients[:MAX_RECIPIENTS] or (None,):
                    query = replace(base, collection=collection, status=status,
                                    start_date=start, end_date=end, to=to)  # fmt: skip
                    what = f"{collection}/{status}" if status else str(collection)
                    who = f" to {to}" if to else ""
                    searches.append(Search(f"{what}{where}{who} {span}", query))
    return tuple(searches)


def _statuses(collection: Collection, clues: Clues) -> tuple[str | None, ...]:
    if collection == Collection.WORKED and not clues.recipients:
        return (MailoutStatus.BOUNCE, MailoutStatus.SUPPRESSED, None)
    return (None,)


def window_words(clues: Clues, today: date) -> str:
    """The days a search of these clues covers, in words."""
    spans = [f"{a}" if a == b else f"{a}..{b}" for a, b in _windows(clues, today)]
    return ", ".join(spans)


def _windows(clues: Clues, today: date) -> list[tuple[date, date]]:
    oldest = history_start(today)
    days = sorted({d for d in clues.dates if oldest <= d <= today}, reverse=True)
    if days:
        return [(d, d) for d in days]
    return [(oldest, today)]


async def locate(
    api: QboxmailApi,
    searches: Sequence[Search],
    matches: Callable[[MailoutEntry], bool],
    *,
    budget: int,
) -> Located:
    """Read the searches' pages (first pages together, then waves) until something matches."""
    first = searches[: max(budget, 1)]
    pages = await asyncio.gather(*(api.mailouts(s.query) for s in first))
    scan = _Scan(matches)
    for search, page in zip(first, pages, strict=True):
        scan.read(search, page)
    pending = [(s, n) for s, p in zip(first, pages, strict=True) for n in _later(p)]
    pending.sort(key=lambda item: item[1])  # page 2 of every search before any page 3
    while not scan.entries and pending and scan.pages < budget:
        wave = pending[: min(WAVE, budget - scan.pages)]
        pending = pending[len(wave) :]
        results = await asyncio.gather(*(api.mailouts(s.query.with_page(n)) for s, n in wave))
        for (search, _), page in zip(wave, results, strict=True):
            scan.read(search, page)
    unread = len(pending) + len(searches) - len(first)  # searches never started count too
    return scan.located(unread=0 if scan.entries else unread)


def _later(page: Page[MailoutEntry]) -> range:
    return range(page.pagination.page + 1, page.pagination.total_pages + 1)


class _Scan:
    def __init__(self, matches: Callable[[MailoutEntry], bool]) -> None:
        self.matches = matches
        self.entries: list[MailoutEntry] = []
        self.labels: list[str] = []
        self.pages = 0
        self.oldest: datetime | None = None

    def read(self, search: Search, page: Page[MailoutEntry]) -> None:
        self.pages += 1
        if search.label not in self.labels:
            self.labels.append(search.label)
        seen = {e.id for e in self.entries}
        self.entries += [e for e in page.resources if self.matches(e) and e.id not in seen]
        for entry in page.resources:
            if self.oldest is None or entry.created_at < self.oldest:
                self.oldest = entry.created_at

    def located(self, *, unread: int) -> Located:
        return Located(
            entries=tuple(self.entries),
            searched=tuple(self.labels),
            pages=self.pages,
            exhausted=unread > 0,
            oldest_seen=self.oldest,
            unread_pages=unread,
        )


def message_matcher(message_id: str) -> Callable[[MailoutEntry], bool]:
    wanted = message_id.strip("<>").lower()
    return lambda e: (e.message_id or "").strip("<>").lower() == wanted


def request_matcher(request_id: str) -> Callable[[MailoutEntry], bool]:
    wanted = request_id.lower()
    return lambda e: (e.request_id or "").lower() == wanted
