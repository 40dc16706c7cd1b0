"""Who may use qbx where (empty lists = everyone / everywhere), and which channels are watched:
the policy that the one access check (bot/slack/refusals.py) applies to every request."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_CHANNEL_ID: Final = re.compile(r"[CG][A-Z0-9]{2,20}")


@dataclass(frozen=True)
class Access:
    """Who may use qbx where (empty = everyone / everywhere) and which channels are watched."""

    allowed_users: frozenset[str] = frozenset()
    allowed_channels: frozenset[str] = frozenset()
    watch_channels: frozenset[str] = frozenset()

    def user_allowed(self, user: str) -> bool:
        return not self.allowed_users or user in self.allowed_users

    def channel_allowed(self, channel: str) -> bool:
        return not self.allowed_channels or channel in self.allowed_channels

    def refusal(self, user: str, channel: str) -> str | None:
        """Why `user` may not use qbx in `channel` (mrkdwn), or None when they may."""
        if not self.user_allowed(user):
            return "You are not on qbx's list of allowed users: ask a qbx admin to add you."
        if not self.channel_allowed(channel):
            return f"qbx does not answer in this channel. Ask in {self.channel_links()}."
        return None

    def channel_links(self, channels: frozenset[str] | None = None) -> str:
        """Channels (the allowed ones by default) as Slack links (`<#C0123>`), ids checked."""
        chosen = self.allowed_channels if channels is None else channels
        links = [f"<#{c}>" for c in sorted(chosen) if _CHANNEL_ID.fullmatch(c)]
        return ", ".join(links) or "an allowed channel"
