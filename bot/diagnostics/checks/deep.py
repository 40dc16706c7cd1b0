"""The deeper trace's checks: blast radius, the 7-day trend, DNS state, token use."""

from __future__ import annotations

from bot.diagnostics.checks.base import Outcome, check, failed, passed, unknown, warned
from bot.diagnostics.checks.health import bounce_rate_good
from bot.diagnostics.facts.delivery import ACCOUNT_ID, SENDING_DOMAIN, TOKENS
from bot.diagnostics.facts.hosting import HOSTING_DOMAIN, MAILBOX, NEIGHBOURS
from bot.diagnostics.facts.inputs import NOW
from bot.diagnostics.facts.outcomes import BLAST_RADIUS, RECIPIENT_BLAST, BlastRadius
from bot.diagnostics.factstore import Known
from bot.diagnostics.report import Evidence
from bot.diagnostics.sources import source

STALE_TOKEN_DAYS = 30


@check
def failure_is_isolated(known: Known) -> Outcome:
    return _isolated(known[BLAST_RADIUS])


@check
def recipients_failure_is_isolated(known: Known) -> Outcome:
    return _isolated(known[RECIPIENT_BLAST])


def _isolated(blast: BlastRadius | None) -> Outcome:
    if blast is None:
        return passed("Nothing failed, so there is no blast radius to measure.")
    evidence = (
        Evidence(f"same failure at {blast.recipient_domain}", str(blast.same_domain), blast.source),
        Evidence(f"same failure via {blast.remote_mx}", str(blast.same_mx), blast.source),
        Evidence("entries examined (24 h)", str(blast.examined), blast.source),
    )
    worst = max(blast.same_domain, blast.same_mx)
    if worst >= 5:
        return failed(
            f"{worst} other recipients failed the same way ({blast.failure}) in 24 h: "
            "the remote side is likely the cause.",
            *evidence,
            finding="widespread",
        )
    if worst:
        return warned(f"{worst} other recipient(s) failed the same way in 24 h.", *evidence)
    return passed(f"No other recipient failed with {blast.failure} in 24 h.", *evidence)


@check
def daily_trend_healthy(known: Known) -> Outcome:
    return bounce_rate_good(known)


@check
def dns_records_pass(known: Known) -> Outcome:
    domain = known[SENDING_DOMAIN]
    if domain is None:
        return unknown("The sending domain is not known.")
    where = source("delivery_domains", {"query": domain.name})
    evidence = (
        Evidence(
            "SPF last check", f"{domain.spf_last_check_ok} at {domain.spf_last_checked_at}", where
        ),
        Evidence(
            "DKIM last check",
            f"{domain.dkim_last_check_ok} at {domain.dkim_last_checked_at}",
            where,
        ),
        Evidence("dns_verification_status", str(domain.dns_verification_status), where),
        Evidence("approval_status", str(domain.approval_status), where),
    )
    if domain.spf_last_check_ok is False or domain.dkim_last_check_ok is False:
        return failed(
            f"{domain.name}: the last SPF or DKIM check failed.",
            *evidence,
            remedy="Fix the SPF/DKIM records shown for the domain and re-verify it.",
        )
    return passed(f"{domain.name}: SPF and DKIM checks pass.", *evidence)


@check
def tokens_recently_used(known: Known) -> Outcome:
    tokens, now, account_id = known[TOKENS], known[NOW], known[ACCOUNT_ID]
    if tokens is None:
        return unknown("The account is not known.")
    if not tokens:
        return failed(
            "The account has no Send API token.", remedy="Create a Send API token for the account."
        )
    evidence = tuple(
        Evidence(
            f"token {t.label or t.id} ({t.token_preview}…)",
            f"last used {t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used",
            source("api_tokens", id=account_id),
        )
        for t in tokens
    )
    used = [t for t in tokens if t.last_used_at and (now - t.last_used_at).days <= STALE_TOKEN_DAYS]
    if not used:
        return warned(f"No token was used in the last {STALE_TOKEN_DAYS} days.", *evidence)
    return passed(f"{len(used)} of {len(tokens)} token(s) used recently.", *evidence)


@check
def other_mailboxes_active(known: Known) -> Outcome:
    boxes, box, domain = known[NEIGHBOURS], known[MAILBOX], known[HOSTING_DOMAIN]
    if boxes is None or domain is None or domain.item is None:
        return unknown("The hosted domain could not be read.")
    where = source("mailboxes", domain_code=domain.item.code)
    own = box.item.code if box is not None and box.item is not None else None
    others = [b for b in boxes if b.code != own]
    troubled = [b for b in others if b.status != "enabled" or b.usage_percent >= 100.0]
    evidence = tuple(
        Evidence(b.email, f"{b.status}, {b.usage_percent:.0f} % full", where) for b in troubled[:5]
    )
    if others and len(troubled) == len(others):
        return failed(f"All {len(others)} other mailboxes of the domain are affected too: "
                      "look at the domain, not the mailbox.", *evidence)  # fmt: skip
    if troubled:
        return warned(f"{len(troubled)} of {len(others)} other mailboxes are disabled or full.",
                      *evidence)  # fmt: skip
    return passed(f"The domain's {len(others)} other mailboxes are enabled with room.")
