"""The simulated customer as data: Delivery accounts, domains, tokens, suppressions and traffic.

Everything a scenario points at is declared here, by hand, so that a reader can see the world
the simulator serves. Times are relative to the world's anchor (the clock when it was built).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.qboxmail.contract import AccountStatus as St
from bot.qboxmail.contract import AccountStatusDetail as Sd
from bot.qboxmail.contract import AccountType, Approval, DnsVerification

CUSTOMER_CODE = "C000004127"
CUSTOMER_NAME = "Acme Retail S.r.l."
FOREIGN_ACCOUNT_ID = 9001  # exists, but belongs to another customer: 403
RAMP_DOMAIN = "alerts.acme-shop.example"  # bounces ramp up and down after the anchor


@dataclass(frozen=True)
class AccountSpec:
    id: int
    username: str
    description: str
    type: AccountType
    plan: str
    status: St
    status_detail: Sd
    plan_num_messages: int
    messages_sent: int
    allow_nets: tuple[str, ...] = ()
    extra_messages: int = 0
    ignore_suppression_list: bool = False
    created_days_ago: int = 400
    status_since_days: float = 0.0  # how long ago `status` began (traffic changes then)


ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec(4127, "acmeshop7tx", "Shop order mails", AccountType.TRANSACTIONAL, "monthly",
                St.ENABLED, Sd.OK, 150_000, 61_240),
    AccountSpec(4128, "acmenews2nl", "Newsletter", AccountType.NEWSLETTER, "monthly",
                St.ENABLED, Sd.OK, 60_000, 21_870, allow_nets=("198.51.100.0/24", "127.0.0.1/32")),
    AccountSpec(4130, "acmecrm9tx", "Old CRM notifications", AccountType.TRANSACTIONAL, "prepaid",
                St.DISABLED, Sd.DISABLED_BY_USER, 20_000, 8_410, status_since_days=5),
    AccountSpec(4131, "acmeevt4nl", "Event invitations", AccountType.NEWSLETTER, "monthly",
                St.WAIT_PAY, Sd.PAYMENT_REQUIRED, 10_000, 2_950, status_since_days=1.5),
    AccountSpec(4132, "acmeprt5tx", "Partner relay", AccountType.TRANSACTIONAL, "monthly",
                St.BLOCKED, Sd.POLICY_REVIEW, 10_000, 4_020, status_since_days=9),
    AccountSpec(4133, "acmebil3tx", "Billing notices", AccountType.TRANSACTIONAL, "prepaid",
                St.ENABLED, Sd.QUOTA_EXHAUSTED, 5_000, 5_000, status_since_days=2),
    AccountSpec(4134, "acmealr8tx", "Monitoring alerts", AccountType.TRANSACTIONAL, "monthly",
                St.ENABLED, Sd.OK, 40_000, 9_300),
)  # fmt: skip


@dataclass(frozen=True)
class DomainSpec:
    code: str
    name: str
    dns: DnsVerification
    approval: Approval
    display_status: str
    accounts: tuple[int, ...]
    created_days_ago: int = 300


DELIVERY_DOMAINS: tuple[DomainSpec, ...] = (
    DomainSpec("DD66042061", "mail.acme-shop.example", DnsVerification.VERIFIED,
               Approval.APPROVED, "enabled", (4127,)),
    DomainSpec("DD66042062", "acme-shop.example", DnsVerification.VERIFIED,
               Approval.APPROVED, "enabled", (4127,)),
    DomainSpec("DD66042063", "news.acme-shop.example", DnsVerification.VERIFIED,
               Approval.APPROVED, "enabled", (4128,)),
    DomainSpec("DD66042064", "crm.acme-legacy.example", DnsVerification.VERIFIED,
               Approval.APPROVED, "enabled", (4130,)),
    DomainSpec("DD66042065", "events.acme-shop.example", DnsVerification.VERIFIED,
               Approval.APPROVED, "enabled", (4131,)),
    DomainSpec("DD66042066", "partners.acme-shop.example", DnsVerification.VERIFIED,
               Approval.APPROVED, "blocked", (4132,)),
    DomainSpec("DD66042067", "billing.acme-shop.example", DnsVerification.VERIFIED,
               Approval.APPROVED, "enabled", (4133,)),
    DomainSpec("DD66042068", "alerts.acme-shop.example", DnsVerification.VERIFIED,
               Approval.APPROVED, "enabled", (4134,)),
    DomainSpec("DD66042069", "promo.acme-shop.example", DnsVerification.NOT_VERIFIED,
               Approval.APPROVED, "not_verified", (4128,), created_days_ago=3),
    DomainSpec("DD66042070", "offers.acme-shop.example", DnsVerification.MISCONFIGURED,
               Approval.APPROVED, "misconfigured", (4128,)),
    DomainSpec("DD66042071", "labs.acme-shop.example", DnsVerification.VERIFIED,
               Approval.NEED_APPROVAL, "enabled", (4127,), created_days_ago=1),
    DomainSpec("DD66042072", "acme-store.example", DnsVerification.VERIFIED,
               Approval.APPROVED, "enabled", (), created_days_ago=40),
)  # fmt: skip


@dataclass(frozen=True)
class TokenSpec:
    id: int
    account_id: int
    label: str
    allow_nets: tuple[str, ...] = ()
    last_used_minutes_ago: int | None = 3


TOKENS: tuple[TokenSpec, ...] = (
    TokenSpec(301, 4127, "shop backend", ("203.0.113.0/24",)),
    TokenSpec(302, 4127, "shop worker (any IP)"),
    TokenSpec(303, 4128, "newsletter tool"),
    TokenSpec(304, 4130, "crm connector", last_used_minutes_ago=7 * 24 * 60),
    TokenSpec(305, 4131, "events app", last_used_minutes_ago=90),
    TokenSpec(306, 4132, "partner relay", last_used_minutes_ago=60),
    TokenSpec(307, 4133, "billing job", last_used_minutes_ago=30),
    TokenSpec(308, 4134, "alerting", ("127.0.0.0/8", "10.0.0.0/8")),
    TokenSpec(309, 4127, "unused staging token", last_used_minutes_ago=None),
)


@dataclass(frozen=True)
class SuppressionSpec:
    email: str
    reason: str  # contract.SuppressionReason
    category: str
    message: str
    accounts: tuple[int, ...] = ()  # empty: customer-wide
    active: bool = True
    days_ago: int = 12


SUPPRESSIONS: tuple[SuppressionSpec, ...] = (
    SuppressionSpec("former.client@yahoo.it", "bounce", "hard_bounce",
                    "550 5.1.1 <former.client@yahoo.it>: Recipient address rejected"),
    SuppressionSpec("angry.reader@gmail.com", "complaint", "spam_complaint",
                    "Feedback loop: recipient marked a message as spam"),
    SuppressionSpec("old.buyer@libero.it", "bounce", "hard_bounce",
                    "550 5.1.1 User unknown", accounts=(4127,), days_ago=20),
    SuppressionSpec("unsubscribed.fan@outlook.com", "complaint", "spam_complaint",
                    "Feedback loop: recipient marked a message as spam", accounts=(4128,)),
    SuppressionSpec("reactivated.user@icloud.com", "bounce", "hard_bounce",
                    "550 5.1.1 Mailbox does not exist", active=False, days_ago=25),
)  # fmt: skip
GENERATED_SUPPRESSIONS = 40  # more bounce/complaint entries drawn from the recipient pool

# Recipients whose fate the world fixes (Send API and bulk traffic agree on them).
DEAD_MAILBOXES: tuple[str, ...] = ("no.such.user@libero.it", "mario.verdi.1987@gmail.com")
FULL_MAILBOXES: tuple[str, ...] = ("full.inbox@outlook.com",)
POLICY_REJECTING_DOMAINS: tuple[str, ...] = ("strict-corp.example",)
GREYLISTING_DOMAINS: tuple[str, ...] = ("slowpost.example",)

RECIPIENT_PROVIDERS: tuple[tuple[str, float], ...] = (
    ("gmail.com", 38), ("outlook.com", 12), ("hotmail.it", 6), ("libero.it", 10),
    ("yahoo.it", 6), ("icloud.com", 8), ("virgilio.it", 5), ("tiscali.it", 4),
    ("studio-bianchi.example", 3), ("slowpost.example", 4), ("fastweb.example", 4),
)  # fmt: skip
FIRST_NAMES = ("giulia", "marco", "anna", "luca", "sara", "paolo", "chiara", "davide",
               "elena", "matteo", "francesca", "andrea", "laura", "simone", "valentina",
               "alessandro", "martina", "federico", "silvia", "stefano")  # fmt: skip
LAST_NAMES = ("rossi", "russo", "ferrari", "esposito", "bianchi", "romano", "colombo",
              "ricci", "marino", "greco", "bruno", "gallo", "conti", "deluca", "costa",
              "giordano", "mancini", "rizzo", "lombardi", "moretti")  # fmt: skip


@dataclass(frozen=True)
class StreamSpec:
    """One account sending from one domain: volume, mix of outcomes, what it looks like."""

    account_id: int
    domain: str
    daily_volume: int
    mix: tuple[tuple[str, float], ...]  # story name -> weight (see traffic.STORIES)
    senders: tuple[str, ...]
    subjects: tuple[str, ...]
    api_share: float = 1.0  # the rest came over SMTP
    round_the_clock: bool = False
    after_status: tuple[tuple[str, float], ...] = ()  # mix once the account's status began
    after_volume: float = 1.0


HEALTHY = (("delivered", 984), ("bounce_511", 2), ("bounce_522", 0.5), ("bounce_571", 0.5),
           ("deferred_greylist", 4), ("deferred_421", 2), ("deferred_expired", 0.3),
           ("suppressed_bounce", 1.5), ("suppressed_complaint", 0.5),
           ("error_invalid_message", 1), ("error_rate_limited", 2), ("error_invalid_token", 0.5),
           ("error_ip_not_allowed", 0.4), ("error_sender_domain_not_verified", 0.3))  # fmt: skip
DEGRADED = (("delivered", 930), ("bounce_511", 22), ("bounce_522", 5), ("bounce_571", 4),
            ("deferred_greylist", 6), ("deferred_expired", 2), ("suppressed_bounce", 8),
            ("suppressed_complaint", 6), ("error_batch_too_large", 1),
            ("error_missing_bulk_substitutions", 2), ("error_payload_too_large", 0.3))  # fmt: skip
ORDERS = ("Your order #{n} is confirmed", "Your order #{n} has shipped",
          "Reset your password", "Your invoice #{n}", "Welcome to Acme Shop")  # fmt: skip

STREAMS: tuple[StreamSpec, ...] = (
    StreamSpec(4127, "mail.acme-shop.example", 2600, HEALTHY, ("orders", "no-reply", "support"),
               ORDERS, api_share=0.9),
    StreamSpec(4127, "acme-shop.example", 180, HEALTHY, ("info", "support"),
               ("Re: your request #{n}", "Your return #{n}"), api_share=0.2),
    StreamSpec(4128, "news.acme-shop.example", 700, DEGRADED, ("news",),
               ("This week at Acme: {n}% off", "New arrivals", "Last chance: sale ends tonight")),
    StreamSpec(4130, "crm.acme-legacy.example", 120, HEALTHY, ("crm",),
               ("Your ticket #{n} was updated",), after_status=(("error_account_disabled", 1),),
               after_volume=0.25),
    StreamSpec(4131, "events.acme-shop.example", 150, HEALTHY, ("events",),
               ("You are invited: Acme Night #{n}",), after_status=(("error_account_wait_pay", 1),),
               after_volume=0.5),
    StreamSpec(4132, "partners.acme-shop.example", 90, DEGRADED, ("relay",),
               ("Partner update #{n}",), api_share=0.0,
               after_status=(("error_account_blocked", 1),), after_volume=0.2),
    StreamSpec(4133, "billing.acme-shop.example", 170, HEALTHY, ("billing",),
               ("Invoice #{n} is available", "Payment received #{n}"),
               after_status=(("error_quota_exceeded", 1),)),
    StreamSpec(4134, RAMP_DOMAIN, 1440, HEALTHY, ("alerts",),
               ("[ALERT] host web-{n} is down", "[RESOLVED] host web-{n}"),
               round_the_clock=True),
)  # fmt: skip

HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 7, 10, 11, 11, 10, 8, 9, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2)
