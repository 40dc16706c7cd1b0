"""Named scenarios as data: each says which verdict the bot should reach and from which ids.

A scenario either pins a TraceMail entry (a message with a known id and fate, placed relative
to the world's anchor) or points at resources the catalog already holds. `pinned_mailouts`
makes the entries; `cases` gives `describe()` the ids that exercise each scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.simulator.entities import RampPlan
from bot.simulator.mailout import Mailout
from bot.simulator.randomness import uuid4_for
from bot.simulator.stories import story
from bot.simulator.world import API_IPS, DEFAULT_API_IP, World

SHOP, NEWS = "mail.acme-shop.example", "news.acme-shop.example"
OFFICE = "D100000001"
DAY_MIN = 24 * 60


@dataclass(frozen=True)
class Pin:
    """A TraceMail entry placed for a scenario."""

    story: str
    account_id: int
    domain: str
    to: str
    minutes_ago: float
    sender: str = "orders"
    subject: str = "Your order #48213 has shipped"
    client_ip: str | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    verdict: str
    description: str
    pin: Pin | None = None
    ids: tuple[tuple[str, Any], ...] = ()
    check: tuple[str, str] | None = None  # (check kind, value) for `qbx check`


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("delivered", "delivered", "an order mail delivered by Gmail (250 2.0.0)",
             Pin("delivered", 4127, SHOP, "anna.conti@gmail.com", 180)),
    Scenario("queued", "queued", "accepted a minute ago, not yet attempted (delivered 15 min "
             "after it was sent)", Pin("queued", 4127, SHOP, "paolo.greco@outlook.com", 1)),
    Scenario("deferred", "deferred", "the recipient's mailbox is full, retried for 5 days "
             "(452 4.2.2)", Pin("deferred_expired", 4127, SHOP, "full.inbox@outlook.com", 120)),
    Scenario("greylisted", "deferred", "greylisted (451 4.7.0) 2 minutes ago; delivered on the "
             "retry 5 minutes after sending", Pin("deferred_greylist", 4127, SHOP,
                                                 "sara.moretti@slowpost.example", 2)),
    Scenario("bounced", "bounced", "the recipient does not exist (550 5.1.1)",
             Pin("bounce_511", 4127, SHOP, "no.such.user@libero.it", 300)),
    Scenario("bounced_mailbox_full", "bounced", "the mailbox is full (552 5.2.2)",
             Pin("bounce_522", 4127, SHOP, "full.inbox@outlook.com", 200)),
    Scenario("bounced_policy", "bounced", "refused as spam by the recipient's policy (550 5.7.1)",
             Pin("bounce_571", 4128, NEWS, "ceo@strict-corp.example", 240, "news",
                 "Last chance: sale ends tonight")),
    Scenario("expired", "bounced", "deferred for 5 days (452 4.2.2) then given up",
             Pin("deferred_expired", 4127, SHOP, "full.inbox@outlook.com", 6 * DAY_MIN)),
    Scenario("suppressed", "suppressed", "the recipient is on the customer-wide suppression "
             "list after a hard bounce", Pin("suppressed_bounce", 4127, SHOP,
                                             "former.client@yahoo.it", 1440)),
    Scenario("suppressed_complaint", "suppressed", "the recipient complained (spam report)",
             Pin("suppressed_complaint", 4128, NEWS, "angry.reader@gmail.com", 600, "news",
                 "New arrivals")),
    Scenario("rejected_auth", "rejected_auth", "the Send API refused an unknown bearer token "
             "(401 invalid_token)", Pin("error_invalid_token", 4127, SHOP,
                                        "marco.bruno@gmail.com", 40)),
    Scenario("rejected_auth_missing_token", "rejected_auth", "a request without a bearer token "
             "(401 missing_token)", Pin("error_missing_token", 4127, SHOP,
                                        "laura.gallo@icloud.com", 55)),
    Scenario("rejected_ip", "rejected_ip", "token 'shop backend' used from 192.0.2.55, outside "
             "its allow_nets (403 ip_not_allowed)", Pin("error_ip_not_allowed", 4127, SHOP,
                                                       "chiara.costa@libero.it", 35,
                                                       client_ip="192.0.2.55")),
    Scenario("rejected_domain", "rejected_domain", "sent from acme-store.example, which is not "
             "assigned to the account (403 sender_domain_not_allowed)",
             Pin("error_sender_domain_not_allowed", 4127, "acme-store.example",
                 "davide.rizzo@gmail.com", 25, "shop")),
    Scenario("rejected_domain_not_verified", "domain_not_verified", "sent from "
             "promo.acme-shop.example, assigned but its DNS is not verified"
             " (403 sender_domain_not_verified)",
             Pin("error_sender_domain_not_verified", 4128, "promo.acme-shop.example",
                 "elena.greco@outlook.com", 50, "promo", "Spring promo")),
    Scenario("rejected_quota", "rejected_quota", "the Billing account's quota is used up "
             "(429 quota_exceeded)", Pin("error_quota_exceeded", 4133, "billing.acme-shop.example",
                                         "silvia.conti@gmail.com", 30, "billing",
                                         "Invoice #77120 is available")),
    Scenario("rejected_rate_limited", "rejected_quota", "over 10 requests/s on one token "
             "(429 rate_limited)", Pin("error_rate_limited", 4127, SHOP,
                                       "matteo.ricci@gmail.com", 15)),
    Scenario("rejected_payload", "rejected_payload", "a message without a subject "
             "(400 invalid_message)", Pin("error_invalid_message", 4127, SHOP,
                                          "andrea.marino@virgilio.it", 20)),
    Scenario("rejected_batch_too_large", "rejected_payload", "over 500 messages in one request "
             "(400 batch_too_large)", Pin("error_batch_too_large", 4128, NEWS,
                                          "simone.lombardi@gmail.com", 70, "news")),
    Scenario("account_inactive", "account_inactive", "the Old CRM account is disabled "
             "(403 account_disabled)", Pin("error_account_disabled", 4130,
                                           "crm.acme-legacy.example", "federico.gallo@libero.it",
                                           90, "crm", "Your ticket #5512 was updated"),
             (("account_id", 4130),), ("account", "4130")),
    Scenario("account_wait_pay", "account_inactive", "the Events account awaits payment "
             "(403 account_wait_pay)", Pin("error_account_wait_pay", 4131,
                                           "events.acme-shop.example", "martina.deluca@gmail.com",
                                           45, "events", "You are invited: Acme Night #12"),
             (("account_id", 4131),), ("account", "4131")),
    Scenario("account_blocked", "account_inactive", "the Partner relay account is blocked for "
             "policy review (403 account_blocked)", Pin("error_account_blocked", 4132,
                                                        "partners.acme-shop.example",
                                                        "stefano.costa@tiscali.it", 65, "relay",
                                                        "Partner update #301"),
             (("account_id", 4132),), ("account", "4132")),
    Scenario("domain_not_verified", "domain_not_verified", "promo.acme-shop.example: DNS records "
             "not verified yet", ids=(("domain", "promo.acme-shop.example"),
                                      ("code", "DD66042069")),
             check=("domain", "promo.acme-shop.example")),
    Scenario("domain_misconfigured", "domain_not_verified", "offers.acme-shop.example: verified "
             "once, DNS check now fails", ids=(("domain", "offers.acme-shop.example"),
                                               ("code", "DD66042070")),
             check=("domain", "offers.acme-shop.example")),
    Scenario("domain_need_approval", "domain_not_verified", "labs.acme-shop.example: verified, "
             "awaiting Qboxmail approval", ids=(("domain", "labs.acme-shop.example"),
                                                ("code", "DD66042071")),
             check=("domain", "labs.acme-shop.example")),
    Scenario("domain_inactive", "domain_inactive", "hosted domain acme-old.example is disabled "
             "(suspended)", ids=(("domain", "acme-old.example"), ("domain_code", "D100000002")),
             check=("domain", "acme-old.example")),
    Scenario("domain_ownership_check", "domain_inactive", "hosted domain acme-new.example waits "
             "for ownership verification", ids=(("domain", "acme-new.example"),
                                                ("domain_code", "D100000003")),
             check=("domain", "acme-new.example")),
    Scenario("mailbox_inactive", "mailbox_inactive", "luca.ferrari@acme-office.example is "
             "disabled; mail to it is refused", ids=(("email", "luca.ferrari@acme-office.example"),
                                                     ("domain_code", OFFICE),
                                                     ("mailbox_code", "EA10000004")),
             check=("mailbox", "luca.ferrari@acme-office.example")),
    Scenario("mailbox_full", "mailbox_inactive", "giulia.bianchi@acme-office.example is at 100% "
             "of its quota; incoming mail is refused (552 5.2.2)",
             ids=(("email", "giulia.bianchi@acme-office.example"), ("domain_code", OFFICE),
                  ("mailbox_code", "EA10000003")),
             check=("mailbox", "giulia.bianchi@acme-office.example")),
    Scenario("beyond_retention", "beyond_retention", "a message sent 35 days ago: TraceMail "
             "keeps 30 days", Pin("delivered", 4127, SHOP, "giulia.romano@gmail.com",
                                  35 * DAY_MIN)),
    Scenario("not_found", "not_found", "a well-formed message id sent yesterday that TraceMail "
             "has never seen", ids=(("to", "luca.esposito@gmail.com"),)),
    Scenario("healthy", "healthy", "the shop account and its busy domain (thousands a day, "
             "bounce rate under 0.5%)", ids=(("account_id", 4127), ("domain", SHOP)),
             check=("account", "4127")),
    Scenario("degraded", "degraded", "the newsletter account: bounce rate over 1% for weeks",
             ids=(("account_id", 4128), ("domain", NEWS)), check=("account", "4128")),
    Scenario("ramp", "degraded", "alerts.acme-shop.example: bounces ramp up and back down "
             "after the anchor (see ramp in describe())",
             ids=(("account_id", 4134), ("domain", "alerts.acme-shop.example")),
             check=("domain", "alerts.acme-shop.example")),
    Scenario("inconclusive", "inconclusive", "delivered 12 days ago in the busy shop domain: "
             "by its id alone, the scan budget runs out before it could be ruled out (with the "
             "recipient or the day: delivered)", Pin("delivered", 4127, SHOP,
                                                     "marta.villa@gmail.com", 12 * DAY_MIN)),
)  # fmt: skip
SCENARIOS_BY_NAME = {s.name: s for s in SCENARIOS}

NOT_FOUND_AGO = timedelta(hours=26)


def ramp_plan(anchor: datetime, focus: str | None) -> RampPlan:
    """Hours after the anchor by default; minutes when the world is focused on the ramp."""
    if focus is not None and focus not in SCENARIOS_BY_NAME:
        raise ValueError(f"unknown scenario {focus!r}; see --list-scenarios")
    base = anchor.replace(second=0).timestamp()
    if focus == "ramp":
        return RampPlan(base + 5 * 60, base + 20 * 60, base + 40 * 60)
    return RampPlan(base + 3600, base + 3 * 3600, base + 5 * 3600)


def _message_id(world: World, name: str, domain: str) -> str:
    return f"{uuid4_for(world.seed, 'scenario-message', name)}@{domain}"


def _pinned(world: World, n: int, scenario: Scenario, pin: Pin) -> Mailout:
    told = story(pin.story)
    return Mailout(
        id=f"99{n:011d}",
        created=world.anchor.timestamp() - pin.minutes_ago * 60,
        story=told,
        protocol="api",
        account_id=pin.account_id,
        account=world.account_by_id[pin.account_id].spec.username,
        domain=pin.domain,
        from_=f"{pin.sender}@{pin.domain}",
        to=pin.to,
        subject=pin.subject,
        request_id=uuid4_for(world.seed, "scenario-request", scenario.name),
        message_id=None if told.error else _message_id(world, scenario.name, pin.domain),
        client_ip=pin.client_ip or API_IPS.get(pin.account_id, DEFAULT_API_IP),
    )


def pinned_mailouts(world: World) -> tuple[Mailout, ...]:
    return tuple(
        _pinned(world, n, s, s.pin) for n, s in enumerate(SCENARIOS, 1) if s.pin is not None
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _pin_ids(world: World, mailout: Mailout) -> dict[str, Any]:
    sent = datetime.fromtimestamp(mailout.created, world.anchor.tzinfo)
    return {
        "message_id": mailout.message_id, "request_id": mailout.request_id, "to": mailout.to,
        "from": mailout.from_, "domain": mailout.domain, "account_id": mailout.account_id,
        "submitted_at": _iso(sent), "date": sent.date().isoformat(),
    }  # fmt: skip


def _not_found_ids(world: World) -> dict[str, Any]:
    sent = world.anchor - NOT_FOUND_AGO
    return {
        "message_id": _message_id(world, "not_found", SHOP),
        "request_id": uuid4_for(world.seed, "scenario-request", "not_found"),
        "domain": SHOP, "account_id": 4127, "from": f"orders@{SHOP}",
        "submitted_at": _iso(sent), "date": sent.date().isoformat(),
    }  # fmt: skip


def cases(world: World, focus: str | None = None) -> list[dict[str, Any]]:
    """Each scenario with its verdict and ids; `trace` is what to hand `qbx trace`."""
    pinned = {m.id: m for m in pinned_mailouts(world)}
    ordered = sorted(SCENARIOS, key=lambda s: s.name != focus)
    out = []
    for n, s in ((SCENARIOS.index(s) + 1, s) for s in ordered):
        ids: dict[str, Any] = dict(s.ids)
        if s.pin is not None:
            ids |= _pin_ids(world, pinned[f"99{n:011d}"])
        if s.name == "not_found":
            ids |= _not_found_ids(world)
        trace = ids.get("message_id") or ids.get("request_id") or (s.check or ("", ""))[1]
        check = {"kind": s.check[0], "value": s.check[1]} if s.check else None
        out.append({"name": s.name, "verdict": s.verdict, "description": s.description,
                    "ids": ids, "trace": trace, "check": check})  # fmt: skip
    return out
