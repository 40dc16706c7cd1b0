"""Email log analysis for hosted mailboxes: access, incoming and outgoing logs, made per day.

Each (mailbox, day, log type) is generated from the seed and cached; the mailbox's profile
(normal, attacked, full, disabled, quiet) shapes what happened. Log ids encode where an entry
lives (`L` + mailbox no + day ordinal + type + index), so a PDF export can find it again.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from bot.qboxmail.contract import LogType
from bot.qboxmail.models import AccessLog, IncomingLog, OutgoingLog
from bot.simulator.hosting_catalog import MAILBOXES, MailboxSpec
from bot.simulator.randomness import rng_for
from bot.simulator.smtp import remote_mx

LogEntry = AccessLog | IncomingLog | OutgoingLog
TYPE_DIGIT = {LogType.ACCESS: 1, LogType.INCOMING: 2, LogType.OUTGOING: 3}
OFFICE_IP, ATTACKER_NET = "93.42.10.17", "185.220.101."
SENDERS = (
    "ordini@fornitore-uno.example",
    "segreteria@studio-bianchi.example",
    "avvisi@banca-popolare.example",
    "tracking@corriere-express.example",
    "news@rivista-tech.example",
    "marco.ricci@gmail.com",
)
SUBJECTS = (
    "Conferma ordine",
    "Fattura di ottobre",
    "Your parcel is on its way",
    "Riunione di giovedì",
    "Newsletter settimanale",
    "Re: preventivo",
)
FULL_SINCE_DAYS = 4  # the full mailbox reached its quota this many days before the anchor


def mailbox_no(box: MailboxSpec) -> int:
    return MAILBOXES.index(box) + 1


def log_id(box: MailboxSpec, day: date, log_type: LogType, index: int) -> str:
    return f"L{mailbox_no(box):02d}{day.toordinal():06d}{TYPE_DIGIT[log_type]}{index:03d}"


def parse_log_id(value: str) -> tuple[MailboxSpec, date, LogType, int] | None:
    no, ordinal, digit, index = int(value[1:3]), int(value[3:9]), int(value[9]), int(value[10:])
    types = {d: t for t, d in TYPE_DIGIT.items()}
    if not 1 <= no <= len(MAILBOXES) or digit not in types or ordinal < 1:
        return None
    return MAILBOXES[no - 1], date.fromordinal(ordinal), types[digit], index


def _times(rng: random.Random, day: date, count: int) -> list[datetime]:
    start = datetime(day.year, day.month, day.day, 7, tzinfo=UTC).timestamp()
    return sorted(
        datetime.fromtimestamp(round(start + rng.random() * 14 * 3600), UTC) for _ in range(count)
    )


def _access(rng: random.Random, box: MailboxSpec, day: date) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    logins = 0 if box.profile == "quiet" else rng.randint(3, 8)
    for at in _times(rng, day, logins):
        protocol, client = rng.choice(
            (
                ("IMAP", "Thunderbird 128"),
                ("WEBMAIL", "Firefox"),
                ("SMTP", "Outlook 16"),
                ("IMAP", "iPhone Mail"),
            )
        )
        failed = box.profile == "disabled"
        out.append(
            {
                "action": "login",
                "at": at,
                "protocol": protocol,
                "client": client,
                "client_ip": OFFICE_IP,
                "result": "failed" if failed else "success",
                "deleted_msgs": 0 if failed else rng.randint(0, 5),
                "expunged_msgs": 0 if failed else rng.randint(0, 3),
                "trashed_msgs": 0 if failed else rng.randint(0, 4),
                "bytes": 0 if failed else rng.randint(20_000, 9_000_000),
            }
        )
    if box.profile == "attacked":
        for at in _times(rng, day, rng.randint(15, 40)):
            out.append(
                {
                    "action": "login",
                    "at": at,
                    "protocol": rng.choice(("IMAP", "SMTP")),
                    "client": "unknown",
                    "client_ip": ATTACKER_NET + str(rng.randint(2, 250)),
                    "result": "failed",
                }
            )
    return out


Outcome = tuple[str, str | None, int, str]  # result, folder, smtp code, reply


def _incoming_result(rng: random.Random, box: MailboxSpec, day: date, anchor: date) -> Outcome:
    if box.profile == "disabled":
        return "rejected", None, 550, "550 5.1.1 <{to}>: mailbox disabled"
    if box.profile == "full" and (anchor - day).days <= FULL_SINCE_DAYS:
        return "quota_exceeded", None, 552, "552 5.2.2 <{to}>: Mailbox full - quota exceeded"
    roll = rng.random()
    if roll < 0.08:
        return "spam", "Spam", 250, "250 2.0.0 Ok: queued"
    if roll < 0.12:
        return "rejected", None, 550, "550 5.7.1 Message rejected: spam score too high"
    if roll < 0.13:
        return "virus", None, 250, "250 2.0.0 Ok: discarded (virus found)"
    return "delivered", "INBOX", 250, "250 2.0.0 Ok: queued"


def _incoming(
    rng: random.Random, box: MailboxSpec, day: date, anchor: date
) -> list[dict[str, Any]]:
    out = []
    count = rng.randint(0, 2) if box.profile == "quiet" else rng.randint(8, 25)
    for at in _times(rng, day, count):
        sender = rng.choice(SENDERS)
        result, folder, code, reply = _incoming_result(rng, box, day, anchor)
        out.append(
            {
                "received_at": at,
                "from": sender,
                "to": box.email,
                "subject": rng.choice(SUBJECTS),
                "size": rng.randint(3_000, 4_000_000),
                "client_ip": f"198.51.100.{rng.randint(2, 250)}",
                "message_id": f"{rng.getrandbits(64):016x}@{sender.split('@')[1]}",
                "result": result,
                "folder": folder,
                "smtp_code": code,
                "smtp_response": reply.format(to=box.email),
            }
        )
    return out


_OUT = (
    ("delivered", 250, "2.0.0", "250 2.0.0 Ok: queued as {q}"),
    ("deferred", 451, "4.7.1", "451 4.7.1 Greylisting in action, please come back later"),
    ("bounced", 550, "5.1.1", "550 5.1.1 <{to}>: Recipient address rejected: User unknown"),
    ("rejected", 554, "5.7.1", "554 5.7.1 Rejected by policy: too many recipients"),
)


def _outgoing(rng: random.Random, box: MailboxSpec, day: date) -> list[dict[str, Any]]:
    out = []
    count = 0 if box.profile in ("quiet", "disabled") else rng.randint(2, 10)
    for at in _times(rng, day, count):
        to = rng.choice(SENDERS)
        result, code, enhanced, reply = rng.choices(_OUT, (90, 5, 4, 1))[0]
        q = f"{rng.getrandbits(40):010X}"
        out.append(
            {
                "sent_at": at,
                "from": box.email,
                "to": to,
                "subject": rng.choice(SUBJECTS),
                "size": rng.randint(2_000, 2_000_000),
                "message_id": f"{rng.getrandbits(64):016x}@{box.email.split('@')[1]}",
                "result": result,
                "remote_mx": remote_mx(to),
                "smtp_code": code,
                "smtp_enhanced_code": enhanced,
                "smtp_response": reply.format(q=q, to=to),
            }
        )
    return out


_MODELS: dict[LogType, type[AccessLog] | type[IncomingLog] | type[OutgoingLog]] = {
    LogType.ACCESS: AccessLog,
    LogType.INCOMING: IncomingLog,
    LogType.OUTGOING: OutgoingLog,
}


@lru_cache(maxsize=4096)
def day_logs(
    seed: int, box: MailboxSpec, day: date, log_type: LogType, anchor: date
) -> tuple[LogEntry, ...]:
    """One mailbox's log of one type for one day, oldest first (whole day; filter by now)."""
    rng = rng_for(seed, "maillogs", box.code, day.isoformat(), log_type.value)
    if log_type == LogType.ACCESS:
        rows = _access(rng, box, day)
        rows.sort(key=lambda r: r["at"])
        for row in rows:
            row["user"] = box.email
    elif log_type == LogType.INCOMING:
        rows = _incoming(rng, box, day, anchor)
    else:
        rows = _outgoing(rng, box, day)
    model = _MODELS[log_type]
    return tuple(
        model.model_validate({"id": log_id(box, day, log_type, n), **row})
        for n, row in enumerate(rows)
    )


def entry_time(entry: LogEntry) -> datetime:
    if isinstance(entry, AccessLog):
        return entry.at
    return entry.received_at if isinstance(entry, IncomingLog) else entry.sent_at
