"""Delivery resources: accounts, API tokens, sending domains, suppression lists."""

from __future__ import annotations

import json

from bot.qboxmail.contract import (
    MANAGEMENT_DEFAULT_PER,
    TOKEN_PREVIEW_LENGTH,
    AccountStatus,
    SuppressionReason,
)
from bot.qboxmail.models import ApiToken, DeliveryAccount, DeliveryDomain, SuppressionEntry
from bot.simulator import catalog
from bot.simulator.call import Call, Handler
from bot.simulator.entities import Account, Domain, Suppression
from bot.simulator.responses import Resources, forbidden, invalid, model_json, not_found, pagination
from bot.simulator.suppressions import all_entries, entries_for

DOMAIN_STATUS_FILTER = ("all", "enabled", "not_verified", "misconfigured", "disabled", "blocked")
ACCOUNT_STATUS_FILTER = ("all", *(s.name.lower() for s in AccountStatus))
TYPE_FILTER = ("transactional", "newsletter", "promotional")
PLAN_FILTER = ("free", "prepaid", "monthly")
MAX_PER = 100


def _paged(call: Call, items: list[bytes], *, query: str | None = None) -> Resources:
    per = call.params.integer("per", MANAGEMENT_DEFAULT_PER, high=MAX_PER)
    page = call.params.integer("page", 1)
    start = (page - 1) * per
    status = call.params.text("status")
    return Resources(
        items[start : start + per], pagination(len(items), page, per, query=query, status=status)
    )


def account_json(call: Call, account: Account) -> bytes:
    spec = account.spec
    sent = spec.messages_sent + call.sim.live.sent.get(spec.id, 0)
    domains = call.sim.world.domains_of(spec.id)
    model = DeliveryAccount(
        id=spec.id,
        username=spec.username,
        description=spec.description,
        type=spec.type.value,
        plan=spec.plan,
        status=int(spec.status),
        status_detail=spec.status_detail.value,
        allow_nets=list(spec.allow_nets),
        domains=[{"code": d.spec.code, "name": d.name} for d in domains],
        remaining_messages=max(0, spec.plan_num_messages - sent),
        remaining_extra_messages_bought=spec.extra_messages,
        messages_sent=sent,
        plan_num_messages=spec.plan_num_messages,
        ignore_suppression_list=spec.ignore_suppression_list,
        created_at=account.created_at,
    )
    return model_json(
        model,
        password=account.password,
        customer_code=catalog.CUSTOMER_CODE,
        customer_fullname=catalog.CUSTOMER_NAME,
        domains_count=len(domains),
        num_messages=spec.plan_num_messages,
        config_hostname="smtp.qboxmail.com",
        updated_at=account.status_since.isoformat().replace("+00:00", "Z"),
    )


def _account(call: Call) -> Account:
    account_id = int(call.path["id"])
    if account_id == catalog.FOREIGN_ACCOUNT_ID:
        raise forbidden()
    account = call.sim.world.account_by_id.get(account_id)
    if account is None:
        raise not_found()
    return account


async def delivery_accounts(call: Call) -> Resources:
    p = call.params
    query, ids = p.lower("query"), p.id_list("ids")
    status = p.choice("status", ACCOUNT_STATUS_FILTER)
    kind, plan = p.choice("type", TYPE_FILTER), p.choice("plan", PLAN_FILTER)
    low, high = p.optional_int("plan_messages_from"), p.optional_int("plan_messages_to")
    if kind == "promotional":
        kind = "newsletter"
    selected = [
        a
        for a in call.sim.world.accounts
        if (query is None or query in f"{a.spec.username} {a.spec.description}".lower())
        and (ids is None or a.id in ids)
        and (status in (None, "all") or a.spec.status.name.lower() == status)
        and (kind is None or a.spec.type.value == kind)
        and (plan is None or a.spec.plan == plan)
        and (low is None or a.spec.plan_num_messages >= low)
        and (high is None or a.spec.plan_num_messages <= high)
    ]
    return _paged(call, [account_json(call, a) for a in selected], query=query)


async def delivery_account(call: Call) -> Resources:
    return Resources([account_json(call, _account(call))])


async def api_tokens(call: Call) -> Resources:
    account = _account(call)
    items = [
        model_json(
            ApiToken(
                id=t.spec.id,
                label=t.spec.label,
                token_preview=t.value[:TOKEN_PREVIEW_LENGTH],
                allow_nets=list(t.spec.allow_nets),
                created_at=t.created_at,
                last_used_at=call.sim.live.token_used.get(t.spec.id, t.last_used_at),
            )
        )
        for t in call.sim.world.tokens
        if t.spec.account_id == account.id
    ]
    return Resources(items, pagination(len(items), 1, max(1, len(items))))


def domain_json(domain: Domain) -> bytes:
    spec, verified = domain.spec, domain.spec.dns.value == "verified"
    status = {"disabled": 1, "blocked": 3}.get(spec.display_status, 0)
    model = DeliveryDomain(
        code=spec.code,
        name=spec.name,
        status=status,
        display_status=spec.display_status,
        status_detail="ok",
        dns_verification_status=spec.dns.value,
        approval_status=spec.approval.value,
        dkim_last_check_ok=verified,
        dkim_last_checked_at=domain.checked_at,
        spf_last_check_ok=verified,
        spf_last_checked_at=domain.checked_at,
        txt_spf_record="v=spf1 include:spf.qboxmail.com ~all",
        suggested_dmarc_record=f"v=DMARC1; p=none; rua=mailto:dmarc@{spec.name}",
        accounts=list(spec.accounts),
        created_at=domain.created_at,
    )
    return model_json(model, accounts_count=len(spec.accounts), customer_code=catalog.CUSTOMER_CODE)


async def delivery_domains(call: Call) -> Resources:
    p = call.params
    query, status = p.lower("query"), p.choice("status", DOMAIN_STATUS_FILTER)
    sort_field = p.choice("sort_field", ("name", "created_at"))
    sort = p.choice("sort", ("asc", "desc", "none"))
    selected = [
        d
        for d in call.sim.world.domains
        if (query is None or query in d.name) and status in (None, "all", d.spec.display_status)
    ]
    if sort_field is not None and sort != "none":
        selected.sort(
            key=lambda d: str(getattr(d, "name" if sort_field == "name" else "created_at")),
            reverse=sort == "desc",
        )
    return _paged(call, [domain_json(d) for d in selected], query=query)


def suppression_json(entry: Suppression) -> bytes:
    model = SuppressionEntry(
        id=entry.id,
        email=entry.email,
        reason=entry.reason,
        category=entry.category,
        message=entry.message,
        accounts=list(entry.accounts),
        active=entry.active,
        created_at=entry.created_at,
    )
    return model_json(model, customer_id=catalog.CUSTOMER_CODE, message_translated=entry.message)


async def suppression_lists(call: Call) -> Resources:
    p = call.params
    query, account_id = p.lower("query"), p.optional_int("account_id")
    status = p.choice("status", ("all", "enabled", "disabled"))
    reason = p.choice("reason", tuple(r.value for r in SuppressionReason))
    category, added_on = p.lower("category"), p.day("added_on")
    selected = [
        s
        for s in all_entries(call.sim)
        if (query is None or query in s.email)
        and (account_id is None or not s.accounts or account_id in s.accounts)
        and (status in (None, "all") or s.active == (status == "enabled"))
        and (reason is None or s.reason == reason)
        and (category is None or s.category == category)
        and (added_on is None or s.created_at.date() == added_on)
    ]
    return _paged(call, [suppression_json(s) for s in selected], query=query)


async def suppression_details(call: Call) -> Resources:
    try:
        body = json.loads(await call.request.body() or b"{}")
    except ValueError:
        raise invalid("email", "can't be blank") from None
    email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str) or not email.strip():
        raise invalid("email", "can't be blank")
    if "@" not in email:
        raise invalid("email", "is not valid")
    entries = entries_for(call.sim, email.strip())
    return Resources(
        [suppression_json(s) for s in entries], pagination(len(entries), 1, max(1, len(entries)))
    )


HANDLERS: dict[str, Handler] = {
    "delivery_accounts": delivery_accounts,
    "delivery_account": delivery_account,
    "api_tokens": api_tokens,
    "delivery_domains": delivery_domains,
    "suppression_lists": suppression_lists,
    "suppression_details": suppression_details,
}
