"""The parts of a Report beyond the steps: notes on what was searched, the escalation
bundle support asks for, the related messages of a request, the log references."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.diagnostics.causes import reply_words
from bot.diagnostics.checklists import accepted_missing, message_trace, send_rejected
from bot.diagnostics.facts.inputs import LEDGER, LedgerInfo
from bot.diagnostics.facts.tracemail import LOCATED, RECIPIENT
from bot.diagnostics.factstore import FactStore, Missing
from bot.diagnostics.finder import Located
from bot.diagnostics.report import EscalationBundle, LogRef, StepResult, Verdict, VerdictCode
from bot.diagnostics.runner import Ran
from bot.diagnostics.smtp import decode
from bot.qboxmail.contract import TRACEMAIL_HISTORY_DAYS
from bot.qboxmail.models import MailoutEntry
from bot.recognition.targets import Hints, Target, TargetKind


async def located_of(store: FactStore) -> Located | None:
    """The located message or request, if this run looked for one."""
    if "located" not in store.started:
        return None
    value = await store.get(LOCATED)
    return None if isinstance(value, Missing) else value


def search_notes(located: Located | None, scan_budget: int) -> tuple[str, ...]:
    if located is None or located.found:
        return ()
    if located.beyond_retention:
        return (f"Every date known for it is older than TraceMail's {TRACEMAIL_HISTORY_DAYS} "
                "days, so qbx did not search.",)  # fmt: skip
    notes = [f"Searched TraceMail ({located.pages} page(s)): " + "; ".join(located.searched) + "."]
    if located.exhausted:
        notes.append(f"The scan budget ({scan_budget} calls) ran out after {located.scope()}: "
                     "the message is not ruled out.")  # fmt: skip
    ask = located.finishing_hint if located.exhausted else located.missing_hints
    if ask:
        example = "(e.g. `... to anna@example.com on 2026-11-20`)"
        notes.append(f"Give {ask} {example}: qbx then searches only that.")
    return tuple(notes)


def related_targets(target: Target, located: Located | None) -> tuple[Target, ...]:
    """Every message of a request (or of a pasted 202), so each can be traced."""
    related: dict[str, Target] = {}
    if located is not None and target.kind != TargetKind.MESSAGE_ID:
        for entry in located.entries:
            if entry.message_id:
                hints = Hints(recipients=(entry.to,) if entry.to else ())
                related[entry.message_id] = Target(TargetKind.MESSAGE_ID, entry.message_id, hints)
    pasted = target.pasted
    for message_id in pasted.message_ids if pasted else ():
        related.setdefault(message_id, Target(TargetKind.MESSAGE_ID, message_id))
    return tuple(related.values())


# Reports about one message or one Send request carry the bundle whatever the verdict: support
# engineers forward it to Qboxmail or to the customer, bounces included.
_MESSAGE_CHECKLISTS = frozenset({accepted_missing.ID, message_trace.ID, send_rejected.ID})


def wants_bundle(checklist: str, verdict: Verdict) -> bool:
    return checklist in _MESSAGE_CHECKLISTS or verdict.code in (
        VerdictCode.NOT_FOUND, VerdictCode.INCONCLUSIVE, VerdictCode.UNKNOWN,
        VerdictCode.BEYOND_RETENTION,
    )  # fmt: skip


async def escalation_bundle(
    target: Target, store: FactStore, located: Located | None, steps: tuple[StepResult, ...]
) -> EscalationBundle:
    entry = located.entry if located else None
    recipient: str | Missing | None = None
    if "recipient" in store.started:
        recipient = await store.get(RECIPIENT)
    message_id = entry.message_id if entry else None
    if message_id is None and target.kind == TargetKind.MESSAGE_ID:
        message_id = target.value
    record: LedgerInfo | None = None
    if "ledger" in store.started:
        ledger = await store.get(LEDGER)
        record = None if isinstance(ledger, Missing) else ledger
    request_id = entry.request_id if entry else None
    if request_id is None and target.kind == TargetKind.REQUEST_ID:
        request_id = target.value
    if request_id is None and target.pasted is not None:
        request_id = target.pasted.request_id
    if record is not None:
        request_id = request_id or record.request_id
        message_id = message_id or next(iter(record.message_ids), None)
    timestamp = entry.created_at if entry else (record.submitted_at if record else None)
    return EscalationBundle(
        request_id=request_id,
        message_id=message_id,
        timestamp=timestamp,
        sender=entry.from_ if entry else None,
        recipient=None if isinstance(recipient, Missing) else recipient,
        account_id=entry.account_id if entry else target.hints.account_id,
        domain=entry.domain if entry else None,
        checked=tuple(f"{s.status.value.upper()} {s.title}: {s.summary}" for s in steps),
        **_reply_fields(entry),
    )


def _reply_fields(entry: MailoutEntry | None) -> dict[str, Any]:
    """The remote server's last word on the message, as said and decoded."""
    if entry is None:
        return {}
    codes = " ".join(str(p) for p in (entry.smtp_code, entry.smtp_enhanced_code) if p)
    said = (entry.smtp_response or "").strip()
    reply = said if not codes or said.startswith(codes) else f"{codes} {said}".strip()
    decoded = None
    if reply:
        decoded = reply_words(decode(entry.smtp_code, entry.smtp_enhanced_code, said or None))
    return {"remote_mx": entry.remote_mx, "remote_reply": reply or None,
            "decoded_reply": decoded, "updated_at": entry.updated_at}  # fmt: skip


def log_refs(ran: Mapping[str, Ran]) -> tuple[LogRef, ...]:
    seen: dict[tuple[str, str], LogRef] = {}
    for step in ran.values():
        for ref in step.logs:
            seen.setdefault((ref.log_type, ref.log_id), ref)
    return tuple(seen.values())
