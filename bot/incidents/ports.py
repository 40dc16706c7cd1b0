"""The incident engine's boundaries: the store and the Slack side it needs (its Qboxmail calls
are bot.qboxmail.reads.QboxmailApi).

Each is a Protocol the real part satisfies structurally (bot.store's stores, the Slack layer's
poster), so the engine imports neither and tests can use real ones.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

JsonValue = Any
Message = dict[str, Any]
"""A chat.postMessage body: {"text": fallback, "blocks": [...]}."""


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
