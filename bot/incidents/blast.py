"""The blast radius of an incident: today's top SMTP replies (or refusals) and recipient domains.

Read from a few pages of TraceMail mailouts for the incident's account or domain, filtered to
what the rule watches (bounces, suppressions, or error entries). Addresses inside replies are
replaced by `<address>` before counting, so replies group and no recipient is shown.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

from bot.incidents.checks import CounterName
from bot.incidents.observation import ResourceRef, Scope
from bot.qboxmail.contract import MAILOUTS_MAX_PER, Collection, ErrorCategory, MailoutStatus
from bot.qboxmail.models import MailoutEntry
from bot.qboxmail.query import MailoutQuery
from bot.qboxmail.reads import QboxmailApi

MAX_PAGES: Final = 3  # at most 300 entries: a sample, said so in the thread
TOP: Final = 5
REPLY_CHARS: Final = 120
_ADDRESS = re.compile(r"<?[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+>?")

# what each watched counter means as a mailouts filter: (collection, status, error_category)
FILTERS: Final[dict[CounterName | None, tuple[Collection, str | None, str | None]]] = {
    CounterName.BOUNCE: (Collection.WORKED, MailoutStatus.BOUNCE, None),
    CounterName.SUPPRESSED: (Collection.WORKED, MailoutStatus.SUPPRESSED, None),
    CounterName.AUTH_ERRORS: (Collection.ERRORS, None, ErrorCategory.AUTH),
    CounterName.LIMITS_ERRORS: (Collection.ERRORS, None, ErrorCategory.LIMITS),
    CounterName.GENERIC_ERRORS: (Collection.ERRORS, None, ErrorCategory.GENERIC),
    None: (Collection.ERRORS, None, None),  # status, quota and DNS rules: what was refused
}


@dataclass(frozen=True)
class BlastRadius:
    sampled: int  # entries read
    complete: bool  # False when more pages were left unread
    replies: tuple[tuple[str, int], ...]  # reply or refusal -> entries, most first
    domains: tuple[tuple[str, int], ...]  # recipient domain -> entries, most first


async def blast_radius(
    api: QboxmailApi, resource: ResourceRef, counter: CounterName | None, day: date
) -> BlastRadius:
    """Sample today's matching mailouts of `resource` and count replies and recipient domains."""
    query = _query(resource, counter, day)
    entries: list[MailoutEntry] = []
    for number in range(1, MAX_PAGES + 1):
        page = await api.mailouts(query.with_page(number))
        entries.extend(page.resources)
        if not page.resources or number >= page.pagination.total_pages:
            return _radius(entries, complete=True)
    return _radius(entries, complete=False)


def _radius(entries: list[MailoutEntry], *, complete: bool) -> BlastRadius:
    replies = _top(reply_of(e) for e in entries)
    return BlastRadius(len(entries), complete, replies, _top(map(domain_of, entries)))


def reply_of(entry: MailoutEntry) -> str:
    """The remote reply (code, enhanced code, text) or the refusal id, addresses blanked."""
    if entry.error:
        status = f" (HTTP {entry.http_status})" if entry.http_status else ""
        return f"{entry.error}{status}"
    parts = [str(entry.smtp_code or ""), entry.smtp_enhanced_code or "", entry.smtp_response or ""]
    text = " ".join(p for p in parts if p) or (entry.suppression_reason or "no reply recorded")
    return _ADDRESS.sub("<address>", text)[:REPLY_CHARS]


def domain_of(entry: MailoutEntry) -> str:
    return (entry.to or "").rpartition("@")[2].lower() or "(unknown)"


def _query(resource: ResourceRef, counter: CounterName | None, day: date) -> MailoutQuery:
    collection, status, category = FILTERS[counter]
    return MailoutQuery(
        account=int(resource.id) if resource.scope is Scope.ACCOUNT else None,
        domain=resource.id if resource.scope is Scope.DOMAIN else None,
        start_date=day,
        end_date=day,
        collection=collection,
        status=status,
        error_category=category,
        per=MAILOUTS_MAX_PER,
    )


def _top(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    return tuple(Counter(values).most_common(TOP))
