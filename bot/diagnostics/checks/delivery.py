"""Checks on Delivery resources: the account, its token, the sending domain, the caller IP."""

from __future__ import annotations

import ipaddress

from bot.diagnostics.checks.base import Outcome, check, failed, passed, unknown, warned
from bot.diagnostics.facts.delivery import ACCOUNT, SENDING_DOMAIN, TOKENS
from bot.diagnostics.facts.inputs import OPTIONS
from bot.diagnostics.facts.outcomes import REJECTION
from bot.diagnostics.facts.tracemail import SENDER_DOMAIN
from bot.diagnostics.factstore import Known
from bot.diagnostics.report import Evidence
from bot.diagnostics.sources import INPUT, source
from bot.qboxmail.contract import TOKEN_PREVIEW_LENGTH, AccountStatus, Approval, DnsVerification
from bot.qboxmail.models import ApiToken, DeliveryAccount

ASK_ACCOUNT = "Give the Delivery account id (`account 4127`) so qbx can look it up."


def _account_evidence(account: DeliveryAccount) -> Evidence:
    status = _status_name(account.status)
    detail = f" ({account.status_detail})" if account.status_detail else ""
    return Evidence(
        f"account {account.id}", f"{status}{detail}", source("delivery_account", id=account.id)
    )


def _status_name(status: int) -> str:
    try:
        return AccountStatus(status).name.lower()
    except ValueError:
        return f"status {status}"


@check
def account_enabled_with_quota(known: Known) -> Outcome:
    account = known[ACCOUNT]
    if account is None:
        return unknown("No Delivery account is known for this target.", remedy=ASK_ACCOUNT)
    quota = Evidence(
        "remaining messages", str(account.remaining_total), _account_evidence(account).source
    )
    if account.status != AccountStatus.ENABLED:
        name = _status_name(account.status)
        return failed(
            f"Account {account.id} is {name}.",
            _account_evidence(account),
            quota,
            finding="inactive",
        )
    if account.remaining_total <= 0:
        return failed(
            f"Account {account.id} has no quota left this period.",
            _account_evidence(account),
            quota,
            finding="quota",
            remedy="Buy extra messages or wait for the plan to renew (429 quota_exceeded).",
        )
    return passed(
        f"Account {account.id} is enabled with {account.remaining_total} messages left.",
        _account_evidence(account),
        quota,
    )


@check
def account_is_right_sender(known: Known) -> Outcome:
    account, rejection = known[ACCOUNT], known[REJECTION]
    if account is None:
        return unknown("The sending account is not known.", remedy=ASK_ACCOUNT)
    sender = rejection.sender
    domain = sender.rsplit("@", 1)[1].lower() if sender and "@" in sender else None
    evidence = _account_evidence(account)
    if domain is None:
        return passed(f"Account {account.id} ({account.username}) exists.", evidence)
    names = Evidence(
        "domains of the account", ", ".join(account.domain_names) or "none", evidence.source
    )
    if domain in account.domain_names:
        return passed(f"Account {account.id} exists and sends for {domain}.", evidence, names)
    return warned(
        f"Account {account.id} exists but {domain} is not one of its domains.",
        evidence,
        names,
        remedy="Check that the integration uses the token of the account that owns the sender.",
    )


def _prefix(known: Known) -> str | None:
    prefix = known[OPTIONS].token_prefix
    return prefix[:TOKEN_PREVIEW_LENGTH] if prefix else None


@check
def token_belongs_to_account(known: Known) -> Outcome:
    tokens, prefix = known[TOKENS], _prefix(known)
    if tokens is None:
        return unknown(
            "The sending account is not known, so neither are its tokens.", remedy=ASK_ACCOUNT
        )
    listed = Evidence("token previews", ", ".join(t.token_preview for t in tokens) or "none")
    if prefix is None:
        return unknown(
            f"The account has {len(tokens)} Send API token(s); nothing to compare them with.",
            listed,
            remedy=f"Give the first {TOKEN_PREVIEW_LENGTH} characters of the token the integration "
            "uses (--token-prefix) to confirm it belongs to this account.",
        )
    given = Evidence("token prefix given", prefix, INPUT)
    match = _matching_token(tokens, prefix)
    if match is None:
        return failed(
            f"No token of this account starts with {prefix}.",
            given,
            listed,
            finding="wrong_token",
            remedy="The integration uses a token of another account (or a revoked one): use a "
            "token created for this account.",
        )
    return passed(f"Token {match.label or match.id} ({prefix}…) belongs to the account.", given)


def _matching_token(tokens: tuple[ApiToken, ...], prefix: str) -> ApiToken | None:
    return next(
        (
            t
            for t in tokens
            if t.token_preview and prefix.startswith(t.token_preview[: len(prefix)])
        ),
        None,
    )


@check
def domain_verified(known: Known) -> Outcome:
    domain, account = known[SENDING_DOMAIN], known[ACCOUNT]
    if domain is None:
        name = known[SENDER_DOMAIN]
        if name is None:
            return unknown("No sending domain is known for this target.")
        return failed(
            f"{name} is not a Delivery domain of this customer.",
            Evidence("domain", name, source("delivery_domains", {"query": name})),
            finding="not_assigned",
            remedy="Add the domain in Delivery > Domains and assign it to the account.",
        )
    where = source("delivery_domains", {"query": domain.name})
    facts = (
        Evidence("dns_verification_status", str(domain.dns_verification_status), where),
        Evidence("approval_status", str(domain.approval_status), where),
    )
    if (
        account is not None
        and account.id not in domain.accounts
        and domain.name.lower() not in account.domain_names
    ):
        return failed(
            f"{domain.name} is not assigned to account {account.id}.",
            *facts,
            finding="not_assigned",
            remedy=f"Assign {domain.name} to account {account.id} (Delivery > Accounts > Domains).",
        )
    if domain.dns_verification_status != DnsVerification.VERIFIED:
        return failed(
            f"{domain.name} DNS is {domain.dns_verification_status}.",
            *facts,
            finding="not_verified",
            remedy=f"Publish {domain.name}'s SPF, DKIM and DMARC records, then Verify domain.",
        )
    if domain.approval_status != Approval.APPROVED:
        return failed(
            f"{domain.name} is {domain.approval_status}.",
            *facts,
            finding="not_verified",
            remedy=f"Wait for Qboxmail's approval of {domain.name}, or ask support about it.",
        )
    return passed(f"{domain.name} is assigned, DNS-verified and approved.", *facts)


def _allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, nets: list[str]) -> bool:
    """An empty allow-list allows every address."""
    if not nets:
        return True
    return any(ip in ipaddress.ip_network(net, strict=False) for net in nets)


@check
def caller_ip_allowed(known: Known) -> Outcome:
    rejection, account, tokens = known[REJECTION], known[ACCOUNT], known[TOKENS]
    if rejection.client_ip is None:
        return unknown(
            "The caller's IP is not known.",
            remedy="Give the IP the integration sends from (--client-ip).",
        )
    if account is None or tokens is None:
        return unknown("The account's allow-lists are not known.", remedy=ASK_ACCOUNT)
    ip = ipaddress.ip_address(rejection.client_ip)
    seen = Evidence("caller IP", str(ip), rejection.source)
    acct = Evidence(
        "account allow_nets",
        ", ".join(account.allow_nets) or "any",
        source("delivery_account", id=account.id),
    )
    if not _allowed(ip, account.allow_nets):
        return failed(
            f"{ip} is not in account {account.id}'s allow_nets.", seen, acct, finding="ip"
        )
    prefix = _prefix(known)
    chosen = [t for t in tokens if prefix and _matching_token((t,), prefix)] or list(tokens)
    refused = [t for t in chosen if not _allowed(ip, t.allow_nets)]
    nets = _token_nets(refused, account.id)
    if refused and len(refused) == len(chosen):
        return failed(f"{ip} is not in the token's allow_nets.", seen, acct, nets, finding="ip")
    if refused and rejection.error == "ip_not_allowed":  # the account allows it: a token refused
        names = ", ".join(t.label or str(t.id) for t in refused)
        said = f"{ip} is outside the allow_nets of token(s) {names}, and the Send API said so."
        return failed(said, seen, acct, nets, finding="ip")
    if refused:
        said = f"{ip} is allowed by the account and some tokens; which token was used is unknown."
        return unknown(said, seen, acct, nets, remedy=ASK_PREFIX)
    return passed(f"{ip} is allowed by the account and by every token.", seen, acct)


ASK_PREFIX = (
    f"Give the first {TOKEN_PREVIEW_LENGTH} characters of the token the integration uses "
    "(--token-prefix)."
)


def _token_nets(refused: list[ApiToken], account_id: int) -> Evidence:
    return Evidence(
        "token allow_nets",
        "; ".join(f"{t.label or t.id}: {', '.join(t.allow_nets)}" for t in refused) or "any",
        source("api_tokens", id=account_id),
    )
