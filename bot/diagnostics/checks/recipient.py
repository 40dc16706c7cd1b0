"""Checks on one recipient's recent outcomes, and on a pasted Management error body."""

from __future__ import annotations

from collections import Counter

from bot.diagnostics.causes import (
    bounce_remedy,
    deferral_remedy,
    reply_words,
    suppression_remedy,
)
from bot.diagnostics.checks.base import Outcome, check, failed, passed, unknown, warned
from bot.diagnostics.facts.inputs import TARGET
from bot.diagnostics.facts.outcomes import RECENT
from bot.diagnostics.factstore import Known
from bot.diagnostics.report import Evidence
from bot.diagnostics.smtp import decode
from bot.diagnostics.sources import INPUT
from bot.qboxmail.contract import MailoutStatus


@check
def recent_deliveries_succeed(known: Known) -> Outcome:
    recent = known[RECENT]
    if not recent.sources:
        return unknown("No recipient address given.")
    where = recent.sources[0]
    if not recent.entries:
        return warned(
            "No mail to this address in TraceMail's 30 days.",
            Evidence("entries", "0", where),
            finding="none",
        )
    counts = Counter(e.status or e.collection for e in recent.entries)
    latest = recent.entries[0]
    evidence = (
        Evidence("outcomes, 30 days", ", ".join(f"{k} {v}" for k, v in counts.items()), where),
        Evidence(
            "latest",
            f"{latest.created_at:%Y-%m-%d %H:%M} {latest.status} {latest.message_id}",
            where,
        ),
    )
    reply = decode(latest.smtp_code, latest.smtp_enhanced_code, latest.smtp_response)
    if latest.status == MailoutStatus.BOUNCE:
        return failed(f"The latest message bounced: {reply_words(reply)}.", *evidence,
                      finding="bounced", remedy=bounce_remedy(reply))  # fmt: skip
    if latest.status == MailoutStatus.SUPPRESSED:
        return failed("The latest message was suppressed.", *evidence, finding="suppressed",
                      remedy=suppression_remedy(latest.suppression_reason))  # fmt: skip
    if latest.status == MailoutStatus.DEFERRED:
        later = deferral_remedy(reply, latest.next_attempt_at)
        return warned(f"The latest message is deferred: {reply_words(reply)}.", *evidence,
                      finding="deferred", remedy=later)  # fmt: skip
    return passed(
        f"The latest message was {latest.status or 'queued'}.",
        *evidence,
        finding=str(latest.status),
    )


@check
def pasted_fields_valid(known: Known) -> Outcome:
    pasted = known[TARGET].pasted
    if pasted is None or not pasted.field_problems:
        return unknown("No field errors were pasted.", remedy="Paste the whole 422 response body.")
    evidence = tuple(
        Evidence(p.field, f"{p.description}: must be {p.expected}", INPUT)
        for p in pasted.field_problems
    )
    names = ", ".join(p.field for p in pasted.field_problems)
    return failed(
        f"Qboxmail refused {len(evidence)} field(s): {names}.",
        *evidence,
        finding="fields",
        remedy="Correct each field as described and send the request again.",
    )
