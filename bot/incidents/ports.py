"""The incident engine's boundaries: the Qboxmail calls, the store and the Slack side it needs.

Each is a Protocol the real part satisfies structurally (QboxmailClient, bot.store's stores,
the Slack layer's poster), so the engine imports none of them and tests can use real ones.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import date
from typing import Any, Protocol

from bot.qboxmail.models import (
    Counters,
    DailyStatistics,
    Dashboard,
    DeliveryAccount,
    DeliveryDomain,
    MailoutEntry,
    Page,
    TraceMailAccount,
    TraceMailDomain,
)
from bot.qboxmail.query import MailoutQuery

JsonValue = Any
Message = dict[str, Any]
"""A chat.postMessage body: {"text": fallback, "blocks": [...]}."""


class IncidentApi(Protocol):
    """The QboxmailClient calls the incident engine uses (same signatures as the client's)."""

    async def delivery_accounts(
        self, *, query: str | None = ..., status: str | None = ..., page: int = ..., per: int = ...
    ) -> Page[DeliveryAccount]: ...

    async def delivery_domains(
        self, *, query: str | None = ..., status: str | None = ..., page: int = ..., per: int = ...
    ) -> Page[DeliveryDomain]: ...

    async def mailouts(self, query: MailoutQuery) -> Page[MailoutEntry]: ...

    async def counters(
        self,
        *,
        account: int | None = ...,
        domain: str | None = ...,
        start_date: date | None = ...,
        end_date: date | None = ...,
        to: str | None = ...,
        from_: str | None = ...,
    ) -> Counters: ...

    async def tracemail_accounts(
        self,
        *,
        start_date: date | None = ...,
        end_date: date | None = ...,
        page: int = ...,
        per: int = ...,
    ) -> Page[TraceMailAccount]: ...

    async def tracemail_domains(
        self,
        *,
        account: int | None = ...,
        start_date: date | None = ...,
        end_date: date | None = ...,
        page: int = ...,
        per: int = ...,
    ) -> Page[TraceMailDomain]: ...

    async def daily_statistics(
        self,
        *,
        account: int | None = ...,
        domain: str | None = ...,
        start_date: date | None = ...,
        end_date: date | None = ...,
    ) -> list[DailyStatistics]: ...

    async def dashboard(self) -> Dashboard: ...


class IncidentStore(Protocol):
    """The part of bot.store's Store the engine uses (JSON values, a try-once lock)."""

    async def get_json(self, key: str) -> JsonValue | None: ...

    async def put_json(self, key: str, value: JsonValue, ttl_seconds: float | None) -> None: ...

    def lock(self, name: str, ttl_seconds: float) -> AbstractAsyncContextManager[bool]:
        """Try once to hold `name` for up to `ttl_seconds`; yields whether it was acquired."""
        ...


class IncidentPoster(Protocol):
    """The Slack side of an incident. The Slack layer implements it with chat.* and files.*.

    `post_parent` must tag the message with `incident_id` (message metadata) so that
    `find_parent` can find it again: that is how a post whose ts was never recorded (the
    process died right after posting) is adopted instead of posted twice.
    """

    async def post_parent(self, channel: str, incident_id: str, message: Message) -> str:
        """Post the parent message; return its ts."""
        ...

    async def find_parent(self, channel: str, incident_id: str) -> str | None:
        """The ts of an already posted parent for `incident_id`, if there is one."""
        ...

    async def update_parent(self, channel: str, ts: str, message: Message) -> None: ...

    async def post_thread(self, channel: str, ts: str, message: Message) -> str:
        """Reply in the parent's thread; return the reply's ts."""
        ...

    async def upload_chart(self, channel: str, ts: str, png: bytes, title: str) -> None:
        """Upload the PNG into the parent's thread (files_upload_v2 with thread_ts)."""
        ...
