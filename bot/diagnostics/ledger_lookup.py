"""What diagnostics reads from the send ledger, as protocols the ledger satisfies structurally
(bot.ledger.book.Ledger and its LedgerRecord), so the core never imports redis."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol


class SendRecord(Protocol):
    """What the application told qbx about one Send API request it made (a LedgerRecord)."""

    @property
    def submitted_at(self) -> datetime: ...

    @property
    def request_id(self) -> str | None: ...

    @property
    def http_status(self) -> int: ...

    @property
    def error(self) -> str | None: ...

    def message_ids(self) -> tuple[str, ...]: ...

    def all_recipients(self) -> tuple[str, ...]: ...


class LedgerLookup(Protocol):
    """The send ledger's lookups (bot.ledger.book.Ledger): records applications post after
    each Send API call, found by Message-ID, request id or the application's reference."""

    async def lookup_message(self, message_id: str) -> SendRecord | None: ...

    async def lookup_request(self, request_id: str) -> SendRecord | None: ...

    async def lookup_reference(self, reference: str) -> Sequence[SendRecord]: ...
