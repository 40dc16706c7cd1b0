"""A bare mailbox code (`EA10000002`) names no domain: find the hosted domain that holds it.

Mailbox codes are looked up per domain (`/api/domains/{D…}/email_accounts/{EA…}`), so qbx lists
the hosted domains our token can see and asks each, a few at a time, within the scan budget.
When the budget runs out first, the lookup says how far it got and that it is not conclusive.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from bot.errors import ApiAuthError, ApiNotFound
from bot.qboxmail.models import HostingDomain
from bot.qboxmail.reads import QboxmailApi

WAVE = 4  # domains asked together
DOMAINS_PER_PAGE = 100


@dataclass(frozen=True)
class Holder:
    """The domain holding the mailbox (None: not found), and what the search read."""

    domain: HostingDomain | None
    asked: int  # domains asked
    listed: int  # hosted domains our token can see
    calls: int

    @property
    def exhausted(self) -> bool:
        return self.domain is None and self.asked < self.listed

    def words(self, box: str) -> str:
        if self.domain is not None:
            return f"{box} is in {self.domain.name} ({self.domain.code})"
        return f"asked {self.asked} of {self.listed} hosted domains for {box}"


async def domain_holding(api: QboxmailApi, box: str, *, budget: int) -> Holder:
    """Ask the hosted domains, a wave at a time, which one holds mailbox `box`."""
    page = await api.hosting_domains(per=DOMAINS_PER_PAGE)
    domains, calls = list(page.resources), 1
    listed = max(page.pagination.total_records, len(domains))
    asked = 0
    while asked < len(domains) and calls < budget:
        wave = domains[asked : asked + min(WAVE, budget - calls)]
        found = await _ask(api, wave, box)
        asked, calls = asked + len(wave), calls + len(wave)
        if found is not None:
            return Holder(found, asked, listed, calls)
    return Holder(None, asked, listed, calls)


async def _ask(api: QboxmailApi, wave: Sequence[HostingDomain], box: str) -> HostingDomain | None:
    answers = await asyncio.gather(*(_holds(api, d, box) for d in wave))
    return next((d for d, holds in zip(wave, answers, strict=True) if holds), None)


async def _holds(api: QboxmailApi, domain: HostingDomain, box: str) -> bool:
    try:
        await api.mailbox(domain.code, box)
    except (ApiNotFound, ApiAuthError):
        return False
    return True
