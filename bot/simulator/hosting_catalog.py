"""The customer's hosted mail as data: Hosting domains and their mailboxes, in every status."""

from __future__ import annotations

from dataclasses import dataclass

from bot.qboxmail.contract import HostingDomainStatus as Ds
from bot.qboxmail.contract import HostingStatusDetail as Dd
from bot.qboxmail.contract import MailboxStatus as Ms

GB = 1024**3
MB = 1024**2


@dataclass(frozen=True)
class HostedDomainSpec:
    code: str
    name: str
    status: Ds
    status_detail: Dd
    is_healthy: bool
    has_dkim: bool = True
    created_days_ago: int = 700


@dataclass(frozen=True)
class MailboxSpec:
    code: str
    domain_code: str
    local: str
    name: str
    status: Ms = Ms.ENABLED
    status_detail: str = "ok"
    quota_bytes: int = 5 * GB
    used_bytes: int = 1 * GB
    profile: str = "normal"  # normal | full | disabled | attacked | quiet: shapes its logs
    imap_disabled: bool = False
    pop_disabled: bool = False
    smtp_disabled: bool = False
    webmail_disabled: bool = False

    @property
    def email(self) -> str:
        domain = next(d.name for d in HOSTED_DOMAINS if d.code == self.domain_code)
        return f"{self.local}@{domain}"


HOSTED_DOMAINS: tuple[HostedDomainSpec, ...] = (
    HostedDomainSpec("D100000001", "acme-office.example", Ds.ENABLED, Dd.OK, True),
    HostedDomainSpec("D100000002", "acme-old.example", Ds.DISABLED, Dd.SUSPENDED, False),
    HostedDomainSpec("D100000003", "acme-new.example", Ds.OWNERSHIP_CHECK, Dd.OWNERSHIP_PENDING,
                     False, has_dkim=False, created_days_ago=2),
    HostedDomainSpec("D100000004", "acme-labs.example", Ds.ENABLED, Dd.MX_NOT_CONFIGURED, False),
    HostedDomainSpec("D100000005", "acme-archive.example", Ds.ERROR, Dd.CONTACT_SUPPORT, False),
    HostedDomainSpec("D100000006", "acme-move.example", Ds.UPDATING, Dd.DNS_CHECK_FAILED, False,
                     created_days_ago=1),
)  # fmt: skip
FOREIGN_HOSTED_DOMAIN = "D999999999"  # exists, but belongs to another customer: 403

MAILBOXES: tuple[MailboxSpec, ...] = (
    MailboxSpec("P100000001", "D100000001", "postmaster", "Postmaster", quota_bytes=1 * GB,
                used_bytes=40 * MB, profile="quiet"),
    MailboxSpec("EA10000001", "D100000001", "info", "Acme Info"),
    MailboxSpec("EA10000002", "D100000001", "mario.rossi", "Mario Rossi", profile="attacked",
                used_bytes=3 * GB),
    MailboxSpec("EA10000003", "D100000001", "giulia.bianchi", "Giulia Bianchi",
                quota_bytes=2 * GB, used_bytes=2 * GB, profile="full"),
    MailboxSpec("EA10000004", "D100000001", "luca.ferrari", "Luca Ferrari", status=Ms.DISABLED,
                status_detail="disabled_by_admin", profile="disabled", imap_disabled=True,
                pop_disabled=True, smtp_disabled=True, webmail_disabled=True),
    MailboxSpec("EA10000005", "D100000001", "sales", "Sales team", quota_bytes=10 * GB,
                used_bytes=8_600 * MB),
    MailboxSpec("EA10000010", "D100000002", "admin", "Old admin", profile="quiet"),
    MailboxSpec("EA10000020", "D100000004", "dev", "Lab developers", status=Ms.ERROR,
                status_detail="contact_support", profile="quiet"),
    MailboxSpec("P100000003", "D100000003", "postmaster", "Postmaster", status=Ms.UPDATING,
                status_detail="activation_queued", profile="quiet"),
)  # fmt: skip
