"""Reactivate a suppressed address: look it up, pick the one entry, edit it once, audit it.

`plan` only reads; `apply` makes the one write the client allows (PUT .../suppression_lists/edit
with `active=false` and the entry's own `accounts` scope). A second request for the same entry
within CLAIM_SECONDS (a double click) is answered without calling Qboxmail again; a later one
finds the address no longer suppressed and calls nothing either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Protocol

from bot.errors import InputError, QboxmailError
from bot.qboxmail.models import SuppressionEdit, SuppressionEntry
from bot.store.base import AuditEntry, Store

CLAIM_SECONDS: Final = 60.0
ACTION: Final = "remediation:reactivate"
USAGE: Final = "qbx suppression reactivate ADDRESS [--account ID] [--dry-run] [--yes]"
EXAMPLE: Final = "qbx suppression reactivate former.client@yahoo.it --dry-run"
_ADDRESS = re.compile(r"^[^@\s<>\"]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,63}$")


class SuppressionApi(Protocol):
    async def suppression_details(self, email: str) -> list[SuppressionEntry]: ...

    async def suppression_edit(self, edit: SuppressionEdit) -> None: ...


class Outcome(StrEnum):
    REACTIVATED = "reactivated"
    WOULD_REACTIVATE = "would_reactivate"  # a dry run
    NOT_SUPPRESSED = "not_suppressed"
    AMBIGUOUS = "ambiguous"  # several active entries; say which account
    IN_PROGRESS = "in_progress"  # the same reactivation was just made (double click)


@dataclass(frozen=True)
class Request:
    address: str
    actor: str  # Slack user id or "cli:<login>"
    where: str  # channel id or "cli"
    account: int | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class Plan:
    address: str
    entry: SuppressionEntry | None
    outcome: Outcome | None = None  # set when there is nothing to do
    candidates: tuple[SuppressionEntry, ...] = ()


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    plan: Plan


def normalise(address: str) -> str:
    """The address, lower-cased; a clear InputError for anything that is not one address."""
    value = address.strip().lower()
    if not _ADDRESS.match(value):
        raise InputError(f"{address[:80]!r} is not an email address", usage=USAGE, example=EXAMPLE)
    return value


def scope(entry: SuppressionEntry) -> str:
    return ",".join(str(a) for a in sorted(entry.accounts)) or "customer-wide"


def choose(address: str, entries: list[SuppressionEntry], account: int | None) -> Plan:
    """Pure: the one active entry to reactivate, or why there is none."""
    active = [e for e in entries if e.active]
    if account is not None:
        active = [e for e in active if e.customer_wide or account in e.accounts]
    if not active:
        return Plan(address, None, Outcome.NOT_SUPPRESSED)
    if len(active) > 1:
        return Plan(address, None, Outcome.AMBIGUOUS, tuple(active))
    return Plan(address, active[0])


async def plan(api: SuppressionApi, address: str, account: int | None = None) -> Plan:
    """Read only: what a reactivation of `address` would change."""
    email = normalise(address)
    return choose(email, await api.suppression_details(email), account)


def describe(entry: SuppressionEntry) -> str:
    """The entry as the audit log and confirmations name it: reason, scope, date."""
    when = entry.created_at.strftime("%Y-%m-%d") if entry.created_at else "unknown date"
    return f"reason={entry.reason or 'unknown'} scope={scope(entry)} suppressed_on={when}"


def edit_for(found: Plan) -> SuppressionEdit:
    """The write: the same address and `accounts` scope, `active=false`."""
    accounts = list(found.entry.accounts) if found.entry else []
    return SuppressionEdit(email=found.address, active=False, accounts=accounts)


async def reactivate(api: SuppressionApi, store: Store, request: Request) -> Result:
    """Plan, then (unless a dry run or nothing to do) make the one write and audit it."""
    found = await plan(api, request.address, request.account)
    if found.outcome is not None or found.entry is None:
        return Result(found.outcome or Outcome.NOT_SUPPRESSED, found)
    if request.dry_run:
        return Result(Outcome.WOULD_REACTIVATE, found)
    claim = f"reactivate:{found.address}:{scope(found.entry)}"
    if not await store.claim(claim, CLAIM_SECONDS):
        return Result(Outcome.IN_PROGRESS, found)
    edit = edit_for(found)
    detail = describe(found.entry)
    try:
        await api.suppression_edit(edit)
    except QboxmailError as error:  # audited too: a timed-out write may still have landed
        failed = f"{detail} failed={type(error).__name__}"
        await store.audit(AuditEntry(request.actor, ACTION, found.address, request.where, failed))
        raise
    await store.audit(AuditEntry(request.actor, ACTION, found.address, request.where, detail))
    return Result(Outcome.REACTIVATED, found)
