"""The Send API's checks, in the documented order, and what an accepted message becomes.

Order: bearer token -> account status -> caller IP (token's and account's allow_nets) -> body
size -> JSON -> payload -> sender domain -> 10 requests/s per token -> quota. A rejection is
answered with the documented error body and leaves one `collection=errors` TraceMail entry per
message it carried (one when the body could not be read).
"""

from __future__ import annotations

import ipaddress
import json
import math
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.qboxmail.contract import AccountStatus, Approval, DnsVerification
from bot.simulator.entities import Account, Token
from bot.simulator.mailout import Mailout
from bot.simulator.payload import OutMessage, PayloadError, carried, parse_bulk, parse_send
from bot.simulator.responses import JSON, send_error
from bot.simulator.state import Simulation
from bot.simulator.stories import story
from bot.simulator.suppressions import entries_for

_STATUS_ERRORS = {
    AccountStatus.DISABLED: "account_disabled",
    AccountStatus.WAIT_PAY: "account_wait_pay",
    AccountStatus.BLOCKED: "account_blocked",
}
_UNREADABLE = object()


class Rejection(Exception):
    def __init__(self, error: str, message: str | None = None, retry_after: float | None = None):
        super().__init__(error)
        self.error = error
        self.message = message
        self.retry_after = retry_after


@dataclass
class Attempt:
    """What is known about one Send request as the checks run."""

    request_id: str
    client_ip: str
    body: Any = _UNREADABLE
    read: bool = False  # the body stream was consumed
    token: Token | None = None
    account: Account | None = None


def client_ip(request: Request) -> str:
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "127.0.0.1"


async def _read(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is over `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _authenticate(sim: Simulation, attempt: Attempt, header: str | None) -> Account:
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Rejection("missing_token")
    token = sim.world.token_by_value.get(value.strip())
    if token is None:
        raise Rejection("invalid_token")
    attempt.token = token
    attempt.account = sim.world.account_by_id[token.spec.account_id]
    return attempt.account


def _allowed(ip: str, nets: tuple[str, ...]) -> bool:
    if not nets:
        return True
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in nets)


def _check_domains(sim: Simulation, account: Account, messages: list[OutMessage]) -> None:
    for message in messages:
        domain = sim.world.domain_by_name.get(message.sender_domain)
        if domain is None or account.id not in domain.spec.accounts:
            raise Rejection(
                "sender_domain_not_allowed",
                f"{message.sender_domain} is not a sending domain of this account.",
            )
        if domain.spec.dns != DnsVerification.VERIFIED or domain.spec.approval != Approval.APPROVED:
            raise Rejection(
                "sender_domain_not_verified",
                f"{message.sender_domain} is not verified or not approved.",
            )


def _check_quota(sim: Simulation, account: Account, messages: list[OutMessage]) -> None:
    spec = account.spec
    used = spec.messages_sent + sim.live.sent.get(spec.id, 0)
    remaining = max(0, spec.plan_num_messages - used) + spec.extra_messages
    if sum(len(m.recipients) for m in messages) > remaining:
        raise Rejection("quota_exceeded", "The account's plan quota is used up.")


async def _check(
    sim: Simulation, request: Request, attempt: Attempt, bulk: bool
) -> list[OutMessage]:
    account = _authenticate(sim, attempt, request.headers.get("authorization"))
    if account.spec.status in _STATUS_ERRORS:
        raise Rejection(_STATUS_ERRORS[account.spec.status])
    assert attempt.token is not None
    if not (
        _allowed(attempt.client_ip, attempt.token.spec.allow_nets)
        and _allowed(attempt.client_ip, account.spec.allow_nets)
    ):
        raise Rejection("ip_not_allowed", f"{attempt.client_ip} is not allowed for this token.")
    attempt.read = True
    raw = await _read(request, sim.send_max_payload_bytes)
    if raw is None:
        raise Rejection("payload_too_large")
    try:
        attempt.body = json.loads(raw)
    except ValueError:
        raise Rejection("invalid_json", "The request body is not valid JSON.") from None
    try:
        messages = parse_bulk(attempt.body) if bulk else parse_send(attempt.body)
    except PayloadError as problem:
        raise Rejection(problem.error, problem.message) from None
    _check_domains(sim, account, messages)
    wait = sim.rate_limiter.retry_after(attempt.token.value)
    if wait is not None:
        raise Rejection("rate_limited", "Too many requests for this token.", wait)
    _check_quota(sim, account, messages)
    return messages


def _entry(sim: Simulation, attempt: Attempt, story_name: str, fields: dict[str, Any]) -> Mailout:
    account = attempt.account
    sender = fields.get("from_")
    domain = sender.rsplit("@", 1)[1] if sender else None
    if account is None and domain in sim.world.domain_by_name:
        owners = sim.world.domain_by_name[domain].spec.accounts
        account = sim.world.account_by_id[owners[0]] if owners else None
    return Mailout(
        id=f"98{sim.next_serial():011d}",
        created=round(sim.clock.timestamp(), 3),
        story=story(story_name),
        protocol="api",
        account_id=account.id if account else None,
        account=account.spec.username if account else None,
        domain=domain,
        request_id=attempt.request_id,
        client_ip=attempt.client_ip,
        **{"to": None, "subject": None, "message_id": None, "from_": None, **fields},
    )


async def _record_rejection(
    sim: Simulation, request: Request, attempt: Attempt, error: str
) -> None:
    if attempt.body is _UNREADABLE and not attempt.read:
        raw = await _read(request, sim.send_max_payload_bytes)
        try:
            attempt.body = json.loads(raw) if raw is not None else _UNREADABLE
        except ValueError:
            attempt.body = _UNREADABLE
    messages = carried(attempt.body) or [(None, None, None)]
    for sender, to, subject in messages:
        fields = {"from_": sender, "to": to, "subject": subject}
        sim.tracemail.add(_entry(sim, attempt, f"error_{error}", fields))


def _accept(sim: Simulation, attempt: Attempt, messages: list[OutMessage]) -> dict[str, Any]:
    assert attempt.account is not None
    assert attempt.token is not None
    now = sim.clock.now()
    submitted = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    results, suppressed = [], 0
    for message in messages:
        message_id = f"{sim.new_uuid()}@{message.sender_domain}"
        for recipient in message.recipients:
            fate = sim.world.fate(attempt.account, recipient, entries_for(sim, recipient))
            suppressed += fate.startswith("suppressed_")
            fields = {
                "from_": message.sender,
                "to": recipient,
                "subject": message.subject,
                "message_id": message_id,
            }
            sim.tracemail.add(_entry(sim, attempt, fate, fields))
        results.append(
            {
                "error_code": 0,
                "message": "OK",
                "request_id": attempt.request_id,
                "message_id": message_id,
                "submitted_at": submitted,
                "to": ", ".join(message.to) or message.recipients[0],
            }
        )
    sim.live.record(attempt.account.id, sum(len(m.recipients) for m in messages))
    sim.live.token_used[attempt.token.spec.id] = now.replace(microsecond=0)
    ignored = attempt.account.spec.ignore_suppression_list
    summary = {
        "status": "ignored" if ignored else "checked",
        "checked": sum(len(m.recipients) for m in messages),
        "suppressed": suppressed,
    }
    return {
        "error_code": 0,
        "message": "OK",
        "request_id": attempt.request_id,
        "queued_messages": len(messages),
        "messages": results,
        "suppression_summary": summary,
    }


async def handle_send(sim: Simulation, request: Request, *, bulk: bool) -> Response:
    attempt = Attempt(sim.new_uuid(), client_ip(request))
    try:
        messages = await _check(sim, request, attempt, bulk)
    except Rejection as rejection:
        await _record_rejection(sim, request, attempt, rejection.error)
        headers = None
        if rejection.retry_after is not None:
            headers = {"Retry-After": str(max(1, math.ceil(rejection.retry_after)))}
        return send_error(
            rejection.error, attempt.request_id, message=rejection.message, headers=headers
        )
    body = _accept(sim, attempt, messages)
    return Response(json.dumps(body).encode(), 202, media_type=JSON)
