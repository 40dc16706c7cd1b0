"""Checks on one message's TraceMail story: found, accepted, attempted, outcome, suppression."""

from __future__ import annotations

from collections.abc import Callable

from bot.diagnostics.causes import (
    bounce_remedy,
    deferral_remedy,
    reply_words,
    suppression_remedy,
)
from bot.diagnostics.checks.base import Outcome, check, failed, passed, unknown, warned
from bot.diagnostics.facts.delivery import SUPPRESSION
from bot.diagnostics.facts.inputs import LEDGER, TARGET
from bot.diagnostics.facts.tracemail import ENTRY, LOCATED, RECIPIENT
from bot.diagnostics.factstore import Known
from bot.diagnostics.finder import Located, unrecorded_reference
from bot.diagnostics.report import Evidence
from bot.diagnostics.smtp import SmtpDiagnosis, decode
from bot.diagnostics.sources import INPUT, source
from bot.diagnostics.sources import LEDGER as LEDGER_SOURCE
from bot.qboxmail.contract import TRACEMAIL_HISTORY_DAYS, Collection, MailoutStatus
from bot.qboxmail.models import MailoutEntry
from bot.recognition.targets import TargetKind

TRACEMAIL = source("mailouts")


def entry_evidence(entry: MailoutEntry) -> tuple[Evidence, ...]:
    where = f"{TRACEMAIL} (entry {entry.id})"
    return (
        Evidence("collection/status", f"{entry.collection}/{entry.status or '-'}", where),
        Evidence("accepted at", entry.created_at.isoformat(), where),
        Evidence(
            "account/domain", f"{entry.account_id} {entry.account or ''} / {entry.domain}", where
        ),
    )


NOT_SENT_HERE = (
    "Check the id for typos and that this customer's account sent it; if so, escalate with "
    "the bundle."
)


@check
def message_found_in_tracemail(known: Known) -> Outcome:
    located = known[LOCATED]
    searched = Evidence("searched", "; ".join(located.searched) or "nothing", TRACEMAIL)
    if located.beyond_retention:
        return failed(
            f"It is older than TraceMail's {TRACEMAIL_HISTORY_DAYS} days of history.",
            Evidence("dates known for it", ", ".join(map(str, located.known_dates)), INPUT),
            finding="beyond_retention",
            remedy="TraceMail cannot show it; use your own logs or ask Qboxmail support.",
        )
    if located.unrecorded_reference:
        return failed(
            "The id ledger has no record with this reference.",
            Evidence("reference", known[TARGET].value, INPUT),
            finding="unrecorded_reference",
            remedy=unrecorded_reference(known[TARGET].value),
        )
    if located.inconclusive:
        return inconclusive_search(located, searched)
    if not located.found:
        ask = located.missing_hints
        return failed(
            f"TraceMail holds no such message: {located.pages} page(s) read, every place it "
            "could be.",
            searched,
            finding="not_found",
            remedy=f"Give {ask} to narrow the search." if ask else NOT_SENT_HERE,
        )
    count = len(located.entries)
    return passed(f"Found {count} TraceMail {'entry' if count == 1 else 'entries'}.", searched)


def inconclusive_search(located: Located, searched: Evidence) -> Outcome:
    """The budget ran out before the message could be ruled out: say so, never "not found"."""
    return failed(
        f"Not ruled out: qbx read {located.scope()} before the search budget ran out.",
        searched,
        finding="inconclusive",
        remedy=f"Give {located.finishing_hint} to finish the search.",
    )


def _diagnosis(entry: MailoutEntry) -> SmtpDiagnosis:
    return decode(entry.smtp_code, entry.smtp_enhanced_code, entry.smtp_response)


def _reply(entry: MailoutEntry) -> Evidence:
    codes = " ".join(str(p) for p in (entry.smtp_code, entry.smtp_enhanced_code) if p)
    said = entry.smtp_response or ""
    text = said if codes and said.startswith(codes) else f"{codes} {said}".strip()
    return Evidence(
        "remote reply", f"{text} (from {entry.remote_mx or '?'})", f"{TRACEMAIL} (entry {entry.id})"
    )


@check
def message_accepted(known: Known) -> Outcome:
    entry = known[ENTRY]
    if entry is None:
        return unknown("No TraceMail entry to read.")
    if entry.collection == Collection.ERRORS:
        return failed(
            f"The Send API rejected it: {entry.error} (HTTP {entry.http_status}).",
            *entry_evidence(entry),
        )
    rid = Evidence("request_id", entry.request_id or "-", TRACEMAIL)
    return passed(
        f"Accepted at {entry.created_at:%Y-%m-%d %H:%M} UTC.", rid, *entry_evidence(entry)
    )


@check
def delivery_attempted(known: Known) -> Outcome:
    entry = known[ENTRY]
    if entry is None:
        return unknown("No TraceMail entry to read.")
    attempts = Evidence("attempts", str(entry.attempts), TRACEMAIL)
    if entry.status == MailoutStatus.SUPPRESSED:
        return passed("No delivery attempt: suppressed before sending.", attempts)
    if entry.attempts == 0:
        return warned("Not attempted yet: still queued.", attempts)
    return passed(
        f"{entry.attempts} attempt(s), last to {entry.remote_mx or '?'}.", attempts, _reply(entry)
    )


@check
def message_delivered(known: Known) -> Outcome:
    entry = known[ENTRY]
    if entry is None:
        return unknown("No TraceMail entry to read.")
    story = OUTCOMES.get(entry.status or "", _queued)
    return story(entry)


def _delivered(entry: MailoutEntry) -> Outcome:
    return passed("The recipient's server accepted it.", _reply(entry), finding="delivered")


def _bounced(entry: MailoutEntry) -> Outcome:
    diagnosis = _diagnosis(entry)
    return failed(
        f"{reply_words(diagnosis)}.",
        _reply(entry),
        finding="bounced",
        remedy=bounce_remedy(diagnosis),
    )


def _suppressed(entry: MailoutEntry) -> Outcome:
    reason = entry.suppression_reason or "unknown reason"
    evidence = Evidence("suppression_reason", reason, TRACEMAIL)
    return failed(
        f"Not sent: the recipient was on a suppression list ({reason}).",
        evidence,
        finding="suppressed",
        remedy=suppression_remedy(entry.suppression_reason),
    )


def _deferred(entry: MailoutEntry) -> Outcome:
    diagnosis, at = _diagnosis(entry), entry.next_attempt_at
    return warned(
        f"{reply_words(diagnosis)}.",
        _reply(entry),
        finding="deferred",
        remedy=deferral_remedy(diagnosis, at),
    )


def _queued(entry: MailoutEntry) -> Outcome:
    return warned(
        "Accepted, not yet handed to the remote server.",
        finding="queued",
        remedy="Check again in a few minutes: Qboxmail has not tried it yet.",
    )


OUTCOMES: dict[str, Callable[[MailoutEntry], Outcome]] = {
    MailoutStatus.DELIVERED: _delivered,
    MailoutStatus.BOUNCE: _bounced,
    MailoutStatus.SUPPRESSED: _suppressed,
    MailoutStatus.DEFERRED: _deferred,
}


@check
def recipient_not_suppressed(known: Known) -> Outcome:
    address, entries = known[RECIPIENT], known[SUPPRESSION]
    if address is None or entries is None:
        return unknown("No recipient address is known.", remedy="Give the recipient address.")
    active = [e for e in entries if e.active]
    where = source("suppression_details")
    if not active:
        return passed(
            f"{address} is on no active suppression list.",
            Evidence("entries", str(len(entries)), where),
        )
    first = active[0]
    scope = (
        "customer-wide"
        if first.customer_wide
        else f"accounts {', '.join(map(str, first.accounts))}"
    )
    when = f"{first.created_at:%Y-%m-%d}" if first.created_at else "unknown date"
    return failed(
        f"Not sent: {address} is on the suppression list ({first.reason}, {scope}) since {when}.",
        Evidence(
            "reason", f"{first.reason} {first.category or ''} {first.message or ''}".strip(), where
        ),
        finding="suppressed",
        remedy=suppression_remedy(first.reason),
    )


@check
def request_returned_202(known: Known) -> Outcome:
    ledger, entry = known[LEDGER], known[ENTRY]
    if entry is not None and entry.collection != Collection.ERRORS:
        return passed("TraceMail shows the request was accepted.", *entry_evidence(entry))
    if ledger is not None and 200 <= ledger.http_status < 300:
        return passed(
            "The application's ledger recorded 202 Accepted.",
            Evidence("submitted_at", ledger.submitted_at.isoformat(), LEDGER_SOURCE),
        )
    return unknown(
        "Nothing shows the request was accepted.",
        remedy="Paste the 202 response (request_id and message_id) the application received.",
    )


@check
def message_in_final_logs(known: Known) -> Outcome:
    located = known[LOCATED]
    entry = located.entry
    if located.beyond_retention:
        return failed("Older than TraceMail's history.", finding="beyond_retention")
    searched = Evidence("searched", "; ".join(located.searched) or "nothing", TRACEMAIL)
    if entry is None and located.inconclusive:
        return inconclusive_search(located, searched)
    if entry is None:
        return failed(
            f"Searched by request_id and message_id: not in {located.pages} page(s).",
            searched,
            finding="not_found",
        )
    if entry.collection == Collection.QUEUED:
        return warned(
            "Still in the queue, not in the final logs.", *entry_evidence(entry), finding="queued"
        )
    return passed("In the final delivery logs.", *entry_evidence(entry))


@check
def escalation_bundle_ready(known: Known) -> Outcome:
    entry, recipient, ledger, target = known[ENTRY], known[RECIPIENT], known[LEDGER], known[TARGET]
    message_ids = (entry.message_id if entry else None, *(ledger.message_ids if ledger else ()))
    own = target.value if target.kind == TargetKind.MESSAGE_ID else None
    have = {
        "message_id": next((m for m in (*message_ids, own) if m), None),
        "request_id": (entry.request_id if entry else None)
        or (ledger.request_id if ledger else None),
        "recipient": recipient,
    }
    lacking = [k for k, v in have.items() if not v]
    summary = "Ready to escalate to Qboxmail support with the bundle below."
    if lacking:
        summary += f" Missing: {', '.join(lacking)}."
    return warned(
        summary,
        Evidence("bundle", ", ".join(f"{k}={v}" for k, v in have.items() if v) or "-", INPUT),
    )
