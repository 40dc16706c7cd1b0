"""Checks on one Send API request: its HTTP status, its error id, its payload limits."""

from __future__ import annotations

from bot.diagnostics.checks.base import Outcome, check, failed, passed, unknown
from bot.diagnostics.facts.outcomes import REJECTION
from bot.diagnostics.factstore import Known
from bot.diagnostics.report import Evidence, VerdictCode
from bot.qboxmail.contract import (
    SEND_ERRORS_BY_ID,
    SEND_MAX_BULK_RECIPIENTS,
    SEND_MAX_MESSAGES,
    SEND_MAX_PAYLOAD_BYTES,
    SEND_RATE_PER_SECOND,
)

V = VerdictCode
ERROR_VERDICTS: dict[str, VerdictCode] = {
    "missing_token": V.REJECTED_AUTH,
    "invalid_token": V.REJECTED_AUTH,
    "ip_not_allowed": V.REJECTED_IP,
    "sender_domain_not_allowed": V.REJECTED_DOMAIN,
    "sender_domain_not_verified": V.REJECTED_DOMAIN,
    "account_disabled": V.ACCOUNT_INACTIVE,
    "account_blocked": V.ACCOUNT_INACTIVE,
    "account_wait_pay": V.ACCOUNT_INACTIVE,
    "quota_exceeded": V.REJECTED_QUOTA,
    "rate_limited": V.REJECTED_QUOTA,
    "invalid_json": V.REJECTED_PAYLOAD,
    "missing_send_payload": V.REJECTED_PAYLOAD,
    "invalid_message": V.REJECTED_PAYLOAD,
    "missing_bulk_substitutions": V.REJECTED_PAYLOAD,
    "batch_too_large": V.REJECTED_PAYLOAD,
    "payload_too_large": V.REJECTED_PAYLOAD,
}
ERROR_REMEDIES: dict[VerdictCode, str] = {
    V.REJECTED_AUTH: "Send with a valid Send API token of the sending account (Bearer header).",
    V.REJECTED_IP: "Add the caller's IP to the token's or the account's allow_nets.",
    V.REJECTED_DOMAIN: "Assign the from domain to the account, verify its DNS and get it approved.",
    V.ACCOUNT_INACTIVE: "Re-enable the Delivery account (pay the pending order, or ask support).",
    V.REJECTED_QUOTA: "Slow down to 10 requests/s per token, or add quota to the account.",
    V.REJECTED_PAYLOAD: "Fix the request body: valid JSON, messages within the documented limits.",
}


# The next action for each error id: what that refusal needs, not what its family needs.
ERROR_ID_REMEDIES: dict[str, str] = {
    "missing_token": "Send the Send API token in the `Authorization: Bearer` header.",
    "invalid_token": "Use a current Send API token of the sending account: this one is unknown "
    "or revoked.",
    "ip_not_allowed": "Add the caller's IP to the token's or the account's allow_nets, or send "
    "from an allowed address.",
    "sender_domain_not_allowed": "Assign {domain} to the account, or send from one of its domains.",
    "sender_domain_not_verified": "Publish {domain}'s SPF, DKIM and DMARC records, then Verify "
    "domain.",
    "account_disabled": "Re-enable the Delivery account, or ask Qboxmail support why it was "
    "disabled.",
    "account_blocked": "Ask Qboxmail support: a blocked account is under policy review.",
    "account_wait_pay": "Pay the pending order: the account resumes once it is paid.",
    "quota_exceeded": "Buy extra messages, or wait for the plan to renew.",
    "rate_limited": f"Slow down to {SEND_RATE_PER_SECOND} requests/s per token and retry with "
    "backoff.",
    "invalid_json": "Send a valid JSON body.",
    "missing_send_payload": "Include the message (from, to, subject, body) in the request.",
    "invalid_message": "Fix the message field the error's message names, then send again.",
    "missing_bulk_substitutions": "Give every bulk recipient a value for each template variable.",
    "batch_too_large": f"Split the request: at most {SEND_MAX_MESSAGES} messages or recipients.",
    "payload_too_large": "Keep the request under 50 MB, attachments included.",
}


def status_verdict(http_status: int) -> VerdictCode | None:
    """The verdict an error status implies when no error id is known."""
    return {401: V.REJECTED_AUTH, 413: V.REJECTED_PAYLOAD, 429: V.REJECTED_QUOTA}.get(http_status)


@check
def http_status_accepted(known: Known) -> Outcome:
    rejection = known[REJECTION]
    if rejection.http_status is None:
        return unknown(
            "The HTTP status of the request is not known.",
            remedy="Paste the Send API response, or give the request_id.",
        )
    evidence = Evidence("HTTP status", str(rejection.http_status), rejection.source)
    if rejection.http_status < 300:
        return passed(f"The Send API accepted the request ({rejection.http_status}).", evidence)
    return failed(f"The Send API rejected the request with HTTP {rejection.http_status}.", evidence)


@check
def error_id_explained(known: Known) -> Outcome:
    rejection = known[REJECTION]
    if rejection.error is None:
        code = status_verdict(rejection.http_status or 0)
        if code is None:
            return unknown("No Send API error id is known for this request.")
        return failed(f"HTTP {rejection.http_status} without an error id.", finding=code.value)
    kind = SEND_ERRORS_BY_ID.get(rejection.error)
    meaning = kind.meaning if kind else rejection.message or "not in qbx's table of error ids"
    domain = _from_domain(rejection.sender)
    meaning = meaning.replace("the from domain", f"the from domain {domain}")
    evidence = [Evidence("error", rejection.error, rejection.source)]
    if rejection.message:
        evidence.append(Evidence("message", rejection.message, rejection.source))
    code = ERROR_VERDICTS.get(rejection.error)
    return failed(
        f"{meaning[:1].upper()}{meaning[1:]} ({rejection.error}).",
        *evidence,
        finding=code.value if code else None,
        remedy=_error_remedy(rejection.error, code, domain),
    )


def _from_domain(sender: str | None) -> str:
    return sender.rsplit("@", 1)[1].lower() if sender and "@" in sender else "the from domain"


def _error_remedy(error: str, code: VerdictCode | None, domain: str) -> str | None:
    named = ERROR_ID_REMEDIES.get(error)
    if named is not None:
        return named.replace("{domain}", domain)
    return ERROR_REMEDIES.get(code) if code else None


@check
def payload_within_limits(known: Known) -> Outcome:
    rejection = known[REJECTION]
    limits = Evidence(
        "limits",
        f"{SEND_MAX_MESSAGES} messages, {SEND_MAX_BULK_RECIPIENTS} bulk recipients, "
        f"{SEND_MAX_PAYLOAD_BYTES // (1024 * 1024)} MB per request",
        "contract",
    )
    if rejection.error is None and rejection.http_status is None:
        return unknown("Nothing is known about the request body.", limits)
    if ERROR_VERDICTS.get(rejection.error or "") == V.REJECTED_PAYLOAD or rejection.http_status in (
        400,
        413,
    ):
        return failed(
            f"The body broke a payload rule ({rejection.error}).", limits, finding="payload"
        )
    return passed("The rejection is not about the payload.", limits)
