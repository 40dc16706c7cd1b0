"""Response drift: the simulator answering as if Qboxmail had changed a few fields.

With the switch on (QBX_SIMULATOR_DRIFT, or `qbx simulator --drift`), items of the endpoints
below are renamed, dropped and retyped field by field, as data, so `qbx doctor` can be seen
(and tested) naming each one. Only the response layer changes; the world stays the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from bot.qboxmail.contract import AccountStatus


class Change(StrEnum):
    RENAME = "rename"
    DROP = "drop"
    RETYPE = "retype"


@dataclass(frozen=True)
class Drift:
    """One change to one field of every item an endpoint answers."""

    endpoints: tuple[str, ...]
    change: Change
    field: str
    renamed_to: str = ""  # RENAME: the new name
    retype: str = ""  # RETYPE: "name" (an int status as its label) or "epoch" (ISO time -> int)

    def apply(self, item: dict[str, Any]) -> None:
        if self.field not in item:
            return
        if self.change is Change.DROP:
            del item[self.field]
        elif self.change is Change.RENAME:
            item[self.renamed_to] = item.pop(self.field)
        else:
            item[self.field] = _retyped(item[self.field], self.retype)


def _retyped(value: Any, how: str) -> Any:
    if how == "name" and value in set(AccountStatus):
        return AccountStatus(value).name.lower()
    if how == "epoch" and isinstance(value, str):
        return int(datetime.fromisoformat(value).timestamp())
    return value


_ACCOUNTS = ("delivery_accounts", "delivery_account")
DRIFTS: Final[tuple[Drift, ...]] = (
    Drift(_ACCOUNTS, Change.RETYPE, "status", retype="name"),  # 0 -> "enabled"
    Drift(_ACCOUNTS, Change.DROP, "remaining_messages"),
    Drift(("mailouts",), Change.RENAME, "smtp_response", renamed_to="smtp_reply"),
    Drift(("mailouts",), Change.RETYPE, "created_at", retype="epoch"),  # ISO text -> 1796000000
    Drift(("counters",), Change.RENAME, "authErrors", renamed_to="auth_errors"),
    Drift(("hosting_domains", "hosting_domain"), Change.DROP, "status"),
)


def drifted(endpoint: str, items: list[bytes]) -> list[bytes]:
    """`items` (JSON texts) with the endpoint's drifts applied; others unchanged."""
    changes = [d for d in DRIFTS if endpoint in d.endpoints]
    if not changes:
        return items
    return [_drift_one(item, changes) for item in items]


def _drift_one(item: bytes, changes: list[Drift]) -> bytes:
    data = json.loads(item)
    for change in changes:
        change.apply(data)
    return json.dumps(data).encode()
