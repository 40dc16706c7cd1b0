"""Slack mrkdwn safety: escape the three control characters and mask recipient addresses. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable

_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_UUID_RE = re.compile(rf"^{_UUID}$")
# The look-behind lets a match start only where a run of address characters starts: linear.
_ADDRESS_RE = re.compile(
    r"(?<![A-Za-z0-9._%+'-])(?P<local>[A-Za-z0-9._%+'-]+?)"
    r"(?P<at>@|%40)(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)


def escape(text: str) -> str:
    """Make text inert in mrkdwn: `<!channel>` stays text, links and mentions cannot be faked."""
    for raw, entity in _ESCAPES:
        text = text.replace(raw, entity)
    return text


def mask_address(address: str) -> str:
    """`jane@example.com` -> `j***@example.com`."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else address


class Masker:
    """Masks every address in a text except the known senders (and message ids, which look
    like addresses but have a UUID local part)."""

    def __init__(self, *, enabled: bool, keep: Iterable[str] = ()) -> None:
        self.enabled = enabled
        self._keep = frozenset(a.lower() for a in keep)

    def __call__(self, text: str) -> str:
        if not self.enabled:
            return text
        return _ADDRESS_RE.sub(self._mask_match, text)

    def _mask_match(self, match: re.Match[str]) -> str:
        whole = match.group(0)
        address = f"{match.group('local')}@{match.group('domain')}"  # %40: URL-encoded
        if address.lower() in self._keep or _UUID_RE.match(match.group("local")):
            return whole
        return f"{match.group('local')[:1]}***{match.group('at')}{match.group('domain')}"


def safe(text: str, masker: Masker | None = None) -> str:
    """Mask (when a masker is given), then escape: how every outside value enters a message."""
    return escape(masker(text) if masker is not None else text)
