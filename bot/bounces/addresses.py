"""Email addresses in bounce text: found, normalised, told apart from their surroundings."""

from __future__ import annotations

import re
from typing import Final

ADDRESS: Final = re.compile(
    r"(?<![\w.%+=/-])([A-Za-z0-9][\w.%+=/'!#$&*?^`{|}~-]{0,63}"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})(?![\w-])"
)
SYSTEM_LOCAL_PARTS: Final = frozenset(
    {"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "no-reply", "noreply"}
)


def address_in(text: str | None) -> str | None:
    """The first address in `text`, lower-cased."""
    match = ADDRESS.search(text or "")
    return normalised(match[1]) if match else None


def normalised(address: str) -> str:
    return address.strip().strip(".").lower()


def is_system(address: str) -> bool:
    return address.split("@", 1)[0] in SYSTEM_LOCAL_PARTS
