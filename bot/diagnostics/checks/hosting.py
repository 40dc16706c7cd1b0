"""Checks on a hosted domain or mailbox: status, ownership and DNS, visibility, its logs."""

from __future__ import annotations

from bot.diagnostics.checks.base import Outcome, check, failed, passed, unknown, warned
from bot.diagnostics.facts.hosting import FOLDER, HOSTING_DOMAIN, LOGS, MAILBOX, Lookup, MailboxLogs
from bot.diagnostics.factstore import Known
from bot.diagnostics.report import Evidence, LogRef
from bot.diagnostics.sources import source
from bot.qboxmail.contract import HostingDomainStatus, HostingStatusDetail, LogType, MailboxStatus
from bot.qboxmail.models import HostingDomain, Mailbox

DNS_DETAILS = {
    HostingStatusDetail.OWNERSHIP_PENDING,
    HostingStatusDetail.MX_NOT_CONFIGURED,
    HostingStatusDetail.DNS_CHECK_FAILED,
}
FULL_PERCENT = 100.0
NEAR_FULL_PERCENT = 95.0


def _status(kind: str, lookup: Lookup[HostingDomain] | Lookup[Mailbox]) -> Evidence:
    item = lookup.item
    assert item is not None
    return Evidence(
        f"{kind} {item.code} status", f"{item.status} ({item.status_detail})", lookup.source
    )


@check
def resource_active(known: Known) -> Outcome:
    domain, box = known[HOSTING_DOMAIN], known[MAILBOX]
    if domain is None or domain.item is None:
        return unknown("The hosted domain could not be read.")
    evidence = [_status("domain", domain)]
    if domain.item.status != HostingDomainStatus.ENABLED:
        return failed(
            f"Domain {domain.item.name} is {domain.item.status} ({domain.item.status_detail}).",
            *evidence,
            finding="domain_inactive",
        )
    if box is not None and box.item is not None:
        evidence.append(_status("mailbox", box))
        if box.item.status != MailboxStatus.ENABLED:
            return failed(
                f"Mailbox {box.item.email} is {box.item.status} ({box.item.status_detail}).",
                *evidence,
                finding="mailbox_inactive",
            )
    return passed("Enabled.", *evidence)


@check
def ownership_and_dns_ok(known: Known) -> Outcome:
    domain = known[HOSTING_DOMAIN]
    if domain is None or domain.item is None:
        return unknown("The hosted domain could not be read.")
    item = domain.item
    evidence = (
        Evidence("status_detail", str(item.status_detail), domain.source),
        Evidence("is_healthy", str(item.is_healthy), domain.source),
    )
    if item.status_detail in DNS_DETAILS or item.status == HostingDomainStatus.OWNERSHIP_CHECK:
        mail = item.ownership_verification_email_address
        remedy = f"Complete the ownership check (code sent to {mail})." if mail else None
        return failed(
            f"{item.name}: {item.status_detail}.",
            *evidence,
            finding="domain_inactive",
            remedy=remedy,
        )
    if item.is_healthy is False:
        return warned(f"{item.name} is not healthy (MX records to update or verify).", *evidence)
    return passed(f"{item.name}: ownership and DNS checks pass.", *evidence)


@check
def resource_visible_to_token(known: Known) -> Outcome:
    domain, box = known[HOSTING_DOMAIN], known[MAILBOX]
    if domain is None:
        return unknown("No hosted domain or mailbox was given.")
    for lookup in (domain, box):
        if lookup is not None and lookup.denied:
            return failed(
                f"Our token cannot see {lookup.wanted}: {lookup.denied}.",
                Evidence("answer", lookup.denied, lookup.source),
                finding="not_visible",
            )
        if lookup is not None and lookup.item is None and lookup.exhausted:
            return failed(
                f"Not ruled out: qbx {lookup.searched} before the scan budget ran out.",
                Evidence("searched", lookup.searched or "-", lookup.source),
                finding="inconclusive",
                remedy=f"Give its domain code or address (e.g. `{lookup.wanted} D123456789`).",
            )
        if lookup is not None and lookup.item is None:
            return failed(
                f"No {lookup.wanted} among the resources our token can see.",
                Evidence("answer", "no match", lookup.source),
                finding="not_visible",
            )
    found = Evidence("answer", domain.searched or "found", domain.source)
    return passed("Our token can see the resource.", found)


def _domain_only(address: str | None) -> str:
    """A log title travels to channels and file titles: the domain, never the address."""
    return "…@" + address.rsplit("@", 1)[1] if address and "@" in address else "?"


def _refs(logs: MailboxLogs) -> tuple[LogRef, ...]:
    refs = [
        LogRef(
            logs.domain_code,
            LogType.ACCESS,
            a.id,
            f"access {a.at:%Y-%m-%d %H:%M} {a.protocol} {a.result}",
        )
        for a in logs.access
        if a.result == "failed"
    ]
    refs += [
        LogRef(
            logs.domain_code,
            LogType.INCOMING,
            i.id,
            f"incoming {i.received_at:%Y-%m-%d %H:%M} from {_domain_only(i.from_)} {i.result}",
        )
        for i in logs.incoming
        if i.result != "delivered"
    ]
    refs += [
        LogRef(
            logs.domain_code,
            LogType.OUTGOING,
            o.id,
            f"outgoing {o.sent_at:%Y-%m-%d %H:%M} to {_domain_only(o.to)} {o.result}",
        )
        for o in logs.outgoing
        if o.result != "delivered"
    ]
    return tuple(refs[:10])


@check
def mailbox_logs_clean(known: Known) -> Outcome:
    logs, box = known[LOGS], known[MAILBOX]
    if logs is None:
        return unknown(
            "No mailbox to inspect.", remedy="Give the mailbox address to read its logs."
        )
    query = {"email": logs.email, "date": logs.day.isoformat()}
    access = source("log_access", query, domain_code=logs.domain_code)
    incoming = source("log_incoming", query, domain_code=logs.domain_code)
    failed_logins = sum(1 for a in logs.access if a.result == "failed")
    refused = [i for i in logs.incoming if i.result in ("rejected", "quota_exceeded")]
    full = box is not None and box.item is not None and box.item.usage_percent >= FULL_PERCENT
    evidence = (
        Evidence("failed logins", str(failed_logins), access),
        Evidence("refused incoming", str(len(refused)), incoming),
    )
    outcome = _logs_outcome(
        failed_logins,
        refused_quota=any(i.result == "quota_exceeded" for i in refused) or full,
        refused=len(refused),
        evidence=evidence,
    )
    return Outcome(
        outcome.status,
        outcome.summary,
        outcome.evidence,
        outcome.remedy,
        outcome.finding,
        _refs(logs),
    )


def _logs_outcome(
    failed_logins: int, *, refused_quota: bool, refused: int, evidence: tuple[Evidence, ...]
) -> Outcome:
    if refused_quota:
        return failed(
            "The mailbox is full: incoming mail is refused.",
            *evidence,
            finding="quota_full",
            remedy="Free space or raise the mailbox quota.",
        )
    if refused or failed_logins:
        return warned(
            f"{failed_logins} failed login(s), {refused} refused message(s).",
            *evidence,
            finding="problems",
        )
    return passed("No failed logins and no refused mail that day.", *evidence)


@check
def mailbox_has_space(known: Known) -> Outcome:
    box = known[MAILBOX]
    if box is None or box.item is None:
        return unknown("The mailbox could not be read.")
    item = box.item
    usage = Evidence("usage", f"{item.usage_percent:.0f} % of {item.quota_bytes} bytes", box.source)
    if item.usage_percent >= FULL_PERCENT:
        return failed(
            f"{item.email} is full: incoming mail is refused.", usage, finding="quota_full"
        )
    if item.usage_percent >= NEAR_FULL_PERCENT:
        return warned(f"{item.email} is {item.usage_percent:.0f} % full.", usage)
    return passed(f"{item.email} uses {item.usage_percent:.0f} % of its quota.", usage)


@check
def message_in_inbox(known: Known) -> Outcome:
    folder = known[FOLDER]
    if folder is None:
        return unknown(
            "No message_id given.", remedy="Add the message_id to find the folder it landed in."
        )
    evidence = Evidence("folder", str(folder.folder), folder.source)
    if not folder.found:
        return failed(f"{folder.message_id} is not in the mailbox.", evidence, finding="not_found")
    if (folder.folder or "").upper() != "INBOX":
        return warned(f"It landed in {folder.folder}.", evidence, finding="folder")
    return passed("It landed in INBOX.", evidence)
