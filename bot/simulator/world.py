"""The seeded, deterministic world: the catalog placed in time, with tokens, recipients and traffic.

Same seed and same anchor (the clock when the world is built) give the same world. The world is
immutable; what requests change (quota spent, messages sent) lives in `state.LiveState`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from bot.simulator import catalog, hosting_catalog
from bot.simulator.entities import (
    Account,
    AddressBook,
    Domain,
    RampPlan,
    StreamPlan,
    Suppression,
    Token,
)
from bot.simulator.randomness import rng_for, token_text

API_IPS = {4127: "203.0.113.10", 4128: "198.51.100.20", 4134: "10.20.0.5"}
DEFAULT_API_IP = "203.0.113.40"
SMTP_IP = "203.0.113.25"
FATE_OF_POOL = (("dead", "bounce_511"), ("full", "bounce_522"))
HOSTED_FATES = {"disabled": "bounce_511", "full": "bounce_522"}


@dataclass(frozen=True)
class World:
    seed: int
    anchor: datetime
    accounts: tuple[Account, ...]
    domains: tuple[Domain, ...]
    tokens: tuple[Token, ...]
    suppressions: tuple[Suppression, ...]
    book: AddressBook
    streams: tuple[StreamPlan, ...]
    ramp: RampPlan = field(compare=False)

    @cached_property
    def account_by_id(self) -> dict[int, Account]:
        return {a.id: a for a in self.accounts}

    @cached_property
    def domain_by_name(self) -> dict[str, Domain]:
        return {d.name: d for d in self.domains}

    @cached_property
    def token_by_value(self) -> dict[str, Token]:
        return {t.value: t for t in self.tokens}

    def domains_of(self, account_id: int) -> tuple[Domain, ...]:
        return tuple(d for d in self.domains if account_id in d.spec.accounts)

    def suppressions_for(self, email: str) -> tuple[Suppression, ...]:
        email = email.lower()
        return tuple(s for s in self.suppressions if s.email == email)

    @cached_property
    def fixed_fates(self) -> dict[str, str]:
        """Recipients whose fate is fixed (dead, full, ...), as story names."""
        fates = {
            self.book.addresses[i]: name
            for pool, name in FATE_OF_POOL
            for i in self.book.pools[pool]
        }
        for box in hosting_catalog.MAILBOXES:
            if box.profile in HOSTED_FATES:
                fates[box.email] = HOSTED_FATES[box.profile]
        return fates

    def fate(
        self, account: Account, address: str, current: Sequence[Suppression] | None = None
    ) -> str:
        """The story a message from `account` to `address` will tell (see stories.STORIES).

        `current`: the address's suppression entries as edited since start (default: as seeded).
        """
        address = address.lower()
        if not account.spec.ignore_suppression_list:
            for entry in self.suppressions_for(address) if current is None else current:
                if entry.applies_to(account.id):
                    return f"suppressed_{entry.reason}"
        domain = address.rsplit("@", 1)[-1]
        if domain in catalog.POLICY_REJECTING_DOMAINS:
            return "bounce_571"
        if domain in catalog.GREYLISTING_DOMAINS:
            return "deferred_greylist"
        return self.fixed_fates.get(address, "delivered")


def _ago(anchor: datetime, days: float = 0, minutes: float = 0) -> datetime:
    return anchor - timedelta(days=days, minutes=minutes)


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _accounts(seed: int, anchor: datetime) -> tuple[Account, ...]:
    rng = rng_for(seed, "passwords")
    return tuple(
        Account(
            spec,
            token_text(rng, 16),
            _hour(_ago(anchor, spec.created_days_ago)),
            _hour(_ago(anchor, spec.status_since_days or spec.created_days_ago)),
        )
        for spec in catalog.ACCOUNTS
    )


def _domains(anchor: datetime) -> tuple[Domain, ...]:
    checked = _hour(_ago(anchor, minutes=45))
    return tuple(
        Domain(spec, _hour(_ago(anchor, spec.created_days_ago)), checked)
        for spec in catalog.DELIVERY_DOMAINS
    )


def _tokens(seed: int, anchor: datetime) -> tuple[Token, ...]:
    rng = rng_for(seed, "tokens")
    out = []
    for spec in catalog.TOKENS:
        used = spec.last_used_minutes_ago
        out.append(
            Token(
                spec,
                "qd" + token_text(rng, 38),
                _hour(_ago(anchor, 200)),
                None if used is None else _ago(anchor, minutes=used).replace(microsecond=0),
            )
        )
    return tuple(out)


def _address(choice: Callable[[Sequence[str]], str], n: int, domain: str, sep: str = ".") -> str:
    first, last = choice(catalog.FIRST_NAMES), choice(catalog.LAST_NAMES)
    return f"{first}{sep}{last}{n}@{domain}"


def _address_book(seed: int) -> tuple[AddressBook, list[tuple[str, str, tuple[int, ...]]]]:
    """Recipients by fate, plus the generated suppression entries (email, reason, accounts)."""
    rng = rng_for(seed, "recipients")
    special = {*catalog.GREYLISTING_DOMAINS, *catalog.POLICY_REJECTING_DOMAINS}
    providers = [(d, w) for d, w in catalog.RECIPIENT_PROVIDERS if d not in special]
    names, weights = [d for d, _ in providers], [w for _, w in providers]
    groups: dict[str, list[str]] = {
        k: [] for k in ("regular", "dead", "full", "policy", "greylist")
    }
    seen: set[str] = set()

    def add(group: str, address: str) -> None:
        if address not in seen:
            seen.add(address)
            groups[group].append(address)

    for a in catalog.DEAD_MAILBOXES:
        add("dead", a)
    for a in catalog.FULL_MAILBOXES:
        add("full", a)
    while len(groups["regular"]) < 3000:
        add("regular", _address(rng.choice, rng.randrange(100), rng.choices(names, weights)[0]))
    for n in range(60):
        add("dead", _address(rng.choice, n, rng.choices(names, weights)[0], "_"))
    for n in range(15):
        add("full", _address(rng.choice, n, rng.choice(names), "-"))
        add("policy", _address(rng.choice, n, catalog.POLICY_REJECTING_DOMAINS[0]))
    for n in range(40):
        add("greylist", _address(rng.choice, n, catalog.GREYLISTING_DOMAINS[0]))
    generated: list[tuple[str, str, tuple[int, ...]]] = []
    account_ids = [a.id for a in catalog.ACCOUNTS]
    for n in range(catalog.GENERATED_SUPPRESSIONS):
        email = _address(rng.choice, n, rng.choices(names, weights)[0], "")
        reason = "bounce" if rng.random() < 0.75 else "complaint"
        scope: tuple[int, ...] = () if rng.random() < 0.5 else (rng.choice(account_ids),)
        generated.append((email, reason, scope))
        seen.add(email)
    addresses = [a for g in groups.values() for a in g]
    addresses += [s.email for s in catalog.SUPPRESSIONS if s.email not in seen]
    addresses += [email for email, _, _ in generated]
    index = {a: i for i, a in enumerate(addresses)}
    pools = {g: tuple(index[a] for a in members) for g, members in groups.items()}
    return AddressBook(tuple(addresses), index, pools), generated


def _suppressions(
    seed: int, anchor: datetime, generated: list[tuple[str, str, tuple[int, ...]]]
) -> tuple[Suppression, ...]:
    rng = rng_for(seed, "suppressions")
    out = [
        Suppression(
            1000 + n,
            s.email,
            s.reason,
            s.category,
            s.message,
            s.accounts,
            s.active,
            _hour(_ago(anchor, s.days_ago)),
        )
        for n, s in enumerate(catalog.SUPPRESSIONS)
    ]
    for n, (email, reason, scope) in enumerate(generated):
        category = "hard_bounce" if reason == "bounce" else "spam_complaint"
        message = "550 5.1.1 User unknown" if reason == "bounce" else "Feedback loop complaint"
        created = _hour(_ago(anchor, rng.randrange(40, 200)))
        out.append(Suppression(2000 + n, email, reason, category, message, scope, True, created))
    return tuple(out)


def _with_suppressed_pools(book: AddressBook, suppressions: tuple[Suppression, ...]) -> None:
    for account in catalog.ACCOUNTS:
        for reason in ("bounce", "complaint"):
            book.pools[f"suppressed_{reason}:{account.id}"] = tuple(
                book.index[s.email]
                for s in suppressions
                if s.reason == reason and s.applies_to(account.id) and s.email in book.index
            )


def build_world(seed: int, anchor: datetime, ramp: RampPlan) -> World:
    """The world for this seed, placed at `anchor`, with the bounce ramp at `ramp`."""
    book, generated = _address_book(seed)
    suppressions = _suppressions(seed, anchor, generated)
    _with_suppressed_pools(book, suppressions)
    accounts = _accounts(seed, anchor)
    by_id = {a.id: a for a in accounts}
    streams = []
    for no, spec in enumerate(catalog.STREAMS, start=1):
        account = by_id[spec.account_id]
        since = account.status_since.timestamp() if account.spec.status_since_days else None
        api_ip = API_IPS.get(spec.account_id, DEFAULT_API_IP)
        is_ramp = spec.domain == catalog.RAMP_DOMAIN
        streams.append(
            StreamPlan(
                no, spec, account.spec.username, since, api_ip, SMTP_IP, ramp if is_ramp else None
            )
        )
    return World(
        seed=seed,
        anchor=anchor,
        accounts=accounts,
        domains=_domains(anchor),
        tokens=_tokens(seed, anchor),
        suppressions=suppressions,
        book=book,
        streams=tuple(streams),
        ramp=ramp,
    )
