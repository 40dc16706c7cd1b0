"""Hosting domains and mailboxes, and Email log analysis (access, incoming, outgoing, PDF)."""

from __future__ import annotations

from datetime import date, timedelta

from starlette.responses import Response

from bot.qboxmail.contract import EMAIL_LOG_HISTORY_DAYS, MANAGEMENT_DEFAULT_PER, LogType
from bot.qboxmail.models import HostingDomain, Mailbox, MessageFolder
from bot.simulator import catalog
from bot.simulator.call import Call, Handler
from bot.simulator.hosting_catalog import (
    FOREIGN_HOSTED_DOMAIN,
    HOSTED_DOMAINS,
    MAILBOXES,
    HostedDomainSpec,
    MailboxSpec,
)
from bot.simulator.maillogs import LogEntry, day_logs, entry_time, parse_log_id
from bot.simulator.pdf import render_pdf
from bot.simulator.responses import (
    Resources,
    forbidden,
    invalid,
    model_json,
    not_found,
    pagination,
)


def _paged(call: Call, items: list[bytes], query: str | None = None) -> Resources:
    per = call.params.integer("per", MANAGEMENT_DEFAULT_PER, high=100)
    page = call.params.integer("page", 1)
    start = (page - 1) * per
    return Resources(items[start : start + per], pagination(len(items), page, per, query=query))


def _domain(call: Call) -> HostedDomainSpec:
    code = call.path["domain_code"]
    if code == FOREIGN_HOSTED_DOMAIN:
        raise forbidden()
    found = next((d for d in HOSTED_DOMAINS if d.code == code), None)
    if found is None:
        raise not_found()
    return found


def domain_json(call: Call, spec: HostedDomainSpec) -> bytes:
    created = (call.sim.world.anchor - timedelta(days=spec.created_days_ago)).replace(
        minute=0, second=0
    )
    owner = f"postmaster@{spec.name}" if spec.status_detail.value == "ownership_pending" else None
    model = HostingDomain(
        code=spec.code,
        name=spec.name,
        status=spec.status.value,
        status_detail=spec.status_detail.value,
        is_healthy=spec.is_healthy,
        ownership_verification_email_address=owner,
        has_dkim=spec.has_dkim,
        dkim_last_check_ok=spec.has_dkim and spec.is_healthy,
        created_at=created,
        activated_at=created + timedelta(hours=2)
        if spec.status.value != "ownership_check"
        else None,
    )
    count = sum(1 for m in MAILBOXES if m.domain_code == spec.code)
    return model_json(
        model,
        customer_code=catalog.CUSTOMER_CODE,
        no_email_accounts=count,
        max_email_accounts=50,
        antispam_level=2,
    )


def mailbox_json(box: MailboxSpec) -> bytes:
    model = Mailbox(
        code=box.code,
        name=box.name,
        email=box.email,
        status=box.status.value,
        status_detail=box.status_detail,
        quota_bytes=box.quota_bytes,
        used_bytes=box.used_bytes,
        imap_disabled=box.imap_disabled,
        pop_disabled=box.pop_disabled,
        smtp_disabled=box.smtp_disabled,
        webmail_disabled=box.webmail_disabled,
    )
    return model_json(model)


async def hosting_domains(call: Call) -> Resources:
    query = call.params.lower("query")
    chosen = [d for d in HOSTED_DOMAINS if query is None or query in d.name]
    return _paged(call, [domain_json(call, d) for d in chosen], query)


async def hosting_domain(call: Call) -> Resources:
    return Resources([domain_json(call, _domain(call))])


async def mailboxes(call: Call) -> Resources:
    domain, query = _domain(call), call.params.lower("query")
    chosen = [
        m
        for m in MAILBOXES
        if m.domain_code == domain.code
        and (query is None or query in f"{m.email} {m.name}".lower())
    ]
    return _paged(call, [mailbox_json(m) for m in chosen], query)


async def mailbox(call: Call) -> Resources:
    domain, code = _domain(call), call.path["email_account_code"]
    found = next((m for m in MAILBOXES if m.domain_code == domain.code and m.code == code), None)
    if found is None:
        raise not_found()
    return Resources([mailbox_json(found)])


def _mailbox_by_email(call: Call) -> MailboxSpec:
    domain, email = _domain(call), call.params.lower("email")
    if email is None:
        raise invalid("email", "can't be blank")
    found = next((m for m in MAILBOXES if m.domain_code == domain.code and m.email == email), None)
    if found is None:
        raise not_found()
    return found


def _in_history(call: Call, day: date) -> bool:
    today = call.now.date()
    return today - timedelta(days=EMAIL_LOG_HISTORY_DAYS) <= day <= today


def _visible(call: Call, box: MailboxSpec, day: date, log_type: LogType) -> list[LogEntry]:
    if not _in_history(call, day):
        return []
    entries = day_logs(call.sim.world.seed, box, day, log_type, call.sim.world.anchor.date())
    return [e for e in entries if entry_time(e) <= call.now]


def _logs(log_type: LogType) -> Handler:
    async def handler(call: Call) -> Resources:
        box = _mailbox_by_email(call)
        day = call.params.day("date")
        if day is None:
            raise invalid("date", "can't be blank")
        entries = _visible(call, box, day, log_type)
        return _paged(call, [e.model_dump_json(by_alias=True).encode() for e in entries])

    return handler


async def message_folder(call: Call) -> Resources:
    box, message_id = _mailbox_by_email(call), call.params.text("message_id")
    if message_id is None:
        raise invalid("message_id", "can't be blank")
    wanted = message_id.strip("<>").lower()
    for back in range(EMAIL_LOG_HISTORY_DAYS + 1):
        for entry in _visible(call, box, call.now.date() - timedelta(days=back), LogType.INCOMING):
            if (getattr(entry, "message_id", "") or "").lower() == wanted:
                folder = getattr(entry, "folder", None)
                return Resources(
                    [
                        model_json(
                            MessageFolder(
                                message_id=wanted, found=folder is not None, folder=folder
                            )
                        )
                    ]
                )
    return Resources([model_json(MessageFolder(message_id=wanted, found=False))])


async def log_pdf(call: Call) -> Response:
    domain, log_type = _domain(call), LogType(call.path["log_type"])
    parsed = parse_log_id(call.path["log_id"])
    if parsed is None or parsed[0].domain_code != domain.code or parsed[2] != log_type:
        raise not_found()
    box, day, _, _ = parsed
    entries = _visible(call, box, day, log_type)
    entry = next((e for e in entries if e.id == call.path["log_id"]), None)
    if entry is None:
        raise not_found()
    fields = entry.model_dump(mode="json", by_alias=True)
    lines = [f"Domain: {domain.name} ({domain.code})", f"Mailbox: {box.email}", ""]
    lines += [f"{name}: {'' if value is None else value}" for name, value in fields.items()]
    title = f"Qboxmail Email log analysis - {log_type.value} log {entry.id}"
    filename = f"{entry.id}-{log_type.value}.pdf"
    return Response(
        render_pdf(title, lines),
        200,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


HANDLERS: dict[str, Handler] = {
    "hosting_domains": hosting_domains,
    "hosting_domain": hosting_domain,
    "mailboxes": mailboxes,
    "mailbox": mailbox,
    "log_access": _logs(LogType.ACCESS),
    "log_incoming": _logs(LogType.INCOMING),
    "log_outgoing": _logs(LogType.OUTGOING),
    "message_folder": message_folder,
    "log_pdf": log_pdf,
}
