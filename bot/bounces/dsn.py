"""RFC 3464 delivery-status fields: one group per recipient (Final-Recipient, Action, Status,
Diagnostic-Code, Remote-MTA), read from a message/delivery-status part or from text that
carries the same fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from typing import Final

from bot.bounces.addresses import address_in
from bot.bounces.mime import text_of

_FIELD: Final = re.compile(r"^([A-Za-z][A-Za-z0-9-]{1,40})\s*:\s*(.*)$")
_STATUS: Final = re.compile(r"([245])\.(\d{1,3})\.(\d{1,3})")
_TYPED: Final = re.compile(r"^\s*[A-Za-z0-9-]{2,12}\s*;\s*")  # "smtp; ", "rfc822; ", "dns; "
_BARE_ADDRESS: Final = re.compile(r"^<?([\w.+=-]{1,64}@[A-Za-z0-9][A-Za-z0-9-]{0,62})>?$")
FAILED_ACTIONS: Final = frozenset({"failed", "delayed"})
MAX_GROUPS: Final = 500


@dataclass(frozen=True)
class DsnRecipient:
    address: str
    action: str  # failed, delayed, delivered, relayed, expanded; "" when absent
    status: str | None  # "5.1.1"
    diagnostic: str | None  # the remote reply, its type ("smtp;") removed
    remote_host: str | None
    diagnostic_type: str = ""  # "smtp"; "x-unix": a local delivery program's exit, not SMTP

    @property
    def failed(self) -> bool:
        if self.action:
            return self.action in FAILED_ACTIONS
        return self.status is not None and self.status[0] in "45"


def recipients_in_part(part: Message) -> list[DsnRecipient]:
    """The per-recipient groups of a message/delivery-status part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        groups = [g for m in payload if isinstance(m, Message) for g in _groups_of(m)]
    else:
        groups = field_groups(text_of(part) or str(payload))
    return [r for r in (_recipient(g) for g in groups[:MAX_GROUPS]) if r is not None]


def recipients_in_text(text: str) -> list[DsnRecipient]:
    """The same fields written into a text part (some servers do)."""
    if "recipient" not in text.lower():
        return []
    groups = field_groups(text)
    return [r for r in (_recipient(g) for g in groups[:MAX_GROUPS]) if r is not None]


def _groups_of(message: Message) -> list[dict[str, str]]:
    """One block's fields; a field repeated starts the next recipient (a blank line missing)."""
    groups: list[dict[str, str]] = [{}]
    for name, value in message.items():
        key = name.lower()
        if key in groups[-1]:
            groups.append({})
        groups[-1][key] = " ".join(_readable(str(value)).split())
    return groups


def _readable(value: str) -> str:
    """A field written in ISO-2022-JP (7-bit escapes, as Japanese servers write replies) read
    as the text it is."""
    if "\x1b" not in value:
        return value
    try:
        return value.encode("ascii").decode("iso-2022-jp")
    except (UnicodeError, LookupError):
        return value


def field_groups(text: str) -> list[dict[str, str]]:
    """Blocks of `Name: value` lines (continuations folded), split on blank lines."""
    groups: list[dict[str, str]] = [{}]
    last: str | None = None
    for line in text.splitlines():
        if not line.strip():
            groups.append({})
            last = None
        elif line[0] in " \t" and last is not None:
            groups[-1][last] += " " + line.strip()
        elif match := _FIELD.match(line.strip()):
            last = match[1].lower()
            if last in groups[-1]:
                groups.append({})
            groups[-1][last] = match[2].strip()
    return [g for g in groups if g]


def _recipient(group: dict[str, str]) -> DsnRecipient | None:
    named = group.get("final-recipient") or group.get("original-recipient")
    address = _field_address(_untyped(named)) if named else None
    if address is None:
        return None
    status = _STATUS.search(group.get("status", ""))
    return DsnRecipient(
        address=address,
        action=group.get("action", "").strip().lower().split(" ")[0],
        status=".".join(status.groups()) if status else None,
        diagnostic=_untyped(group.get("diagnostic-code")) or None,
        remote_host=_host(group.get("remote-mta")),
        diagnostic_type=_type_of(group.get("diagnostic-code")),
    )


def _untyped(value: str | None) -> str:
    return _TYPED.sub("", value or "", count=1).strip()


def _field_address(value: str) -> str | None:
    """The address a recipient field names: any address, else a bare `local@host` (a host
    without a dot, as local delivery reports it)."""
    found = address_in(value)
    if found is None and (bare := _BARE_ADDRESS.match(value)):
        return bare[1].lower()
    return found


def _type_of(value: str | None) -> str:
    typed = _TYPED.match(value or "")
    return typed[0].strip(" \t;").lower() if typed else ""


def _host(value: str | None) -> str | None:
    host = _untyped(value).strip("[]<> ").split(" ")[0]
    return host or None
