"""Which checklist a target gets (a `check KIND VALUE` may force one: FORCED)."""

from __future__ import annotations

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
from bot.qboxmail.contract import Collection
from bot.recognition.grammar import CheckKind
from bot.recognition.targets import Target, TargetKind

EARLY_FACTS = ("sending_domain", "suppression", "account")
FIXED = {
    TargetKind.DELIVERY_DOMAIN_CODE: health.DOMAIN_ID,
    TargetKind.HOSTING_DOMAIN_CODE: hosting_inactive.ID,
    TargetKind.MAILBOX_CODE: hosting_inactive.ID,
    TargetKind.LOG_ID: hosting_inactive.ID,
    TargetKind.ACCOUNT_ID: health.ACCOUNT_ID,
    TargetKind.MANAGEMENT_ERROR: mailbox.MANAGEMENT_ERROR_ID,
}
FORCED = {CheckKind.RECIPIENT: recipient.ID, CheckKind.MAILBOX: mailbox.ID}


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
