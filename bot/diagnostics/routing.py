"""Which checklist a target gets, and which target a `check KIND VALUE` names."""

from __future__ import annotations

import re

from bot.diagnostics.checklists import (
    accepted_missing,
    health,
    hosting_inactive,
    mailbox,
    message_trace,
    recipient,
    send_rejected,
)
from bot.diagnostics.facts.delivery import SENDING_DOMAIN
from bot.diagnostics.facts.hosting import HOSTING_DOMAIN
from bot.diagnostics.facts.inputs import LEDGER
from bot.diagnostics.facts.tracemail import LOCATED
from bot.diagnostics.factstore import FactStore, Missing
from bot.errors import InputError
from bot.qboxmail.contract import (
    DELIVERY_DOMAIN_CODE_RE,
    HOSTING_DOMAIN_CODE_RE,
    MAILBOX_CODE_RE,
    REQUEST_ID_RE,
    Collection,
)
from bot.targets import Hints, Target, TargetKind

CHECK_USAGE = "qbx check request|message|domain|mailbox|recipient|account VALUE [--deep] [--json]"
ADDRESS_RE = re.compile(r"^[^@\s<>]+@[a-z0-9.-]+\.[a-z]{2,}$")
EARLY_FACTS = ("sending_domain", "suppression", "account")
FIXED = {
    TargetKind.DELIVERY_DOMAIN_CODE: health.DOMAIN_ID,
    TargetKind.HOSTING_DOMAIN_CODE: hosting_inactive.ID,
    TargetKind.MAILBOX_CODE: hosting_inactive.ID,
    TargetKind.LOG_ID: hosting_inactive.ID,
    TargetKind.ACCOUNT_ID: health.ACCOUNT_ID,
    TargetKind.MANAGEMENT_ERROR: mailbox.MANAGEMENT_ERROR_ID,
}


async def choose_checklist(target: Target, store: FactStore) -> str:
    """The checklist for what was given; may read the located message to decide."""
    if target.kind in FIXED:
        return FIXED[target.kind]
    if target.kind == TargetKind.DOMAIN:
        return await _domain_checklist(store)
    if target.kind == TargetKind.ADDRESS:
        return await _address_checklist(store)
    pasted = target.pasted
    if target.kind == TargetKind.SEND_RESPONSE and pasted and (pasted.http_status or 0) >= 300:
        return send_rejected.ID
    early = (*EARLY_FACTS, "tokens") if store.ctx.options.deep else EARLY_FACTS
    for name in early:  # they do not wait for the message: start them beside its search
        store.task(name)
    ledger = await store.get(LEDGER)  # no API call: the application's own record
    if not isinstance(ledger, Missing) and ledger is not None and ledger.http_status >= 300:
        return send_rejected.ID
    located = await store.get(LOCATED)
    if isinstance(located, Missing):
        return message_trace.ID
    entry = located.entry
    if entry is not None and entry.collection == Collection.ERRORS:
        return send_rejected.ID
    if entry is None and not located.beyond_retention and await _was_accepted(target, store):
        return accepted_missing.ID
    return message_trace.ID


async def _was_accepted(target: Target, store: FactStore) -> bool:
    if target.pasted is not None and (target.pasted.http_status or 0) in range(200, 300):
        return True
    ledger = await store.get(LEDGER)
    return not isinstance(ledger, Missing) and ledger is not None


async def _address_checklist(store: FactStore) -> str:
    """A hosted mailbox gets the mailbox checklist; any other address is a recipient. The
    recipient's facts start while the hosting lookup runs, so neither waits for the other."""
    for name in ("suppression", "recent"):
        store.task(name)
    hosted = await store.get(HOSTING_DOMAIN)
    if not isinstance(hosted, Missing) and hosted is not None and hosted.item is not None:
        return mailbox.ID
    return recipient.ID


async def _domain_checklist(store: FactStore) -> str:
    store.task("hosting_domain")  # looked up beside the Delivery domain, not after it
    delivery = await store.get(SENDING_DOMAIN)
    if not isinstance(delivery, Missing) and delivery is not None:
        return health.DOMAIN_ID
    hosted = await store.get(HOSTING_DOMAIN)
    if not isinstance(hosted, Missing) and hosted is not None and hosted.item is not None:
        return hosting_inactive.ID
    return health.DOMAIN_ID


def target_for_check(kind: str, value: str) -> tuple[Target, str | None, str | None]:
    """(target, forced checklist or None, message_id option) for `check KIND VALUE`."""
    words = value.split()
    if not words:
        raise _bad(f"`check {kind}` needs a value.", kind)
    first = words[0].strip("<>")
    if kind == "request" and REQUEST_ID_RE.match(first.lower()):
        return Target(TargetKind.REQUEST_ID, first.lower()), None, None
    if kind == "message" and "@" in first:  # Hosting Message-IDs need not be uuid@domain
        return Target(TargetKind.MESSAGE_ID, first.lower()), None, None
    if kind == "recipient" and ADDRESS_RE.match(first.lower()):
        return Target(TargetKind.ADDRESS, first.lower()), recipient.ID, None
    if kind == "account":
        digits = words[-1]
        if digits.isdigit():
            return Target(TargetKind.ACCOUNT_ID, digits), None, None
    if kind == "domain":
        return _domain_target(first, kind), None, None
    if kind == "mailbox":
        return _mailbox_target(words, kind)
    raise _bad(f"{value!r} is not a {kind} qbx can check.", kind)


def _domain_target(value: str, kind: str) -> Target:
    upper = value.upper()
    if DELIVERY_DOMAIN_CODE_RE.match(upper):
        return Target(TargetKind.DELIVERY_DOMAIN_CODE, upper)
    if HOSTING_DOMAIN_CODE_RE.match(upper):
        return Target(TargetKind.HOSTING_DOMAIN_CODE, upper)
    if "." in value and "@" not in value:
        return Target(TargetKind.DOMAIN, value.lower())
    raise _bad(f"{value!r} is not a domain name or code.", kind)


def _mailbox_target(words: list[str], kind: str) -> tuple[Target, str | None, str | None]:
    """`ADDRESS [MESSAGE_ID]` or `EA12345678 D123456789 [MESSAGE_ID]` (a Hosting Message-ID
    need not be uuid@domain: whatever follows the mailbox and its domain code is the id)."""
    first = words[0].strip("<>")
    rest = [w.strip("<>") for w in words[1:]]
    code = next((w.upper() for w in rest if HOSTING_DOMAIN_CODE_RE.match(w.upper())), None)
    others = [w for w in rest if w.upper() != code]
    message_id = others[0].lower() if others and "@" in others[0] else None
    if ADDRESS_RE.match(first.lower()):
        return Target(TargetKind.ADDRESS, first.lower()), mailbox.ID, message_id
    if MAILBOX_CODE_RE.match(first.upper()) and code:
        target = Target(TargetKind.MAILBOX_CODE, first.upper(), Hints(domain_code=code))
        return target, mailbox.ID, message_id
    raise _bad("give the mailbox address (or its code with the domain code D123456789).", kind)


EXAMPLES = {
    "request": "f43eb659-beb4-4f8a-a737-2d403998f4cf",
    "message": "8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example",
    "domain": "shop.example",
    "mailbox": "anna@hosted.example",
    "recipient": "anna@example.com",
    "account": "4127",
}


def _bad(message: str, kind: str) -> InputError:
    example = f"qbx check {kind} {EXAMPLES.get(kind, '')}".strip()
    return InputError(message, usage=CHECK_USAGE, example=example)
