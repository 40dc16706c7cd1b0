"""What remote mail servers answer: real-looking SMTP replies and MX host names per provider."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reply:
    code: int
    enhanced: str
    text: str  # may use {to}, {mx}, {qid}, {ip}

    def render(self, *, to: str, mx: str, qid: str, ip: str = "203.0.113.10") -> str:
        return self.text.format(to=to, mx=mx, qid=qid, ip=ip)


ACCEPTED = Reply(250, "2.0.0", "250 2.0.0 Ok: queued as {qid}")
ACCEPTED_GOOGLE = Reply(250, "2.0.0", "250 2.0.0 OK  {qid} - gsmtp")
ACCEPTED_OUTLOOK = Reply(250, "2.6.0", "250 2.6.0 <{qid}@{mx}> Queued mail for delivery")
USER_UNKNOWN = Reply(
    550,
    "5.1.1",
    "550 5.1.1 <{to}>: Recipient address rejected: User unknown in virtual mailbox table",
)
USER_UNKNOWN_GOOGLE = Reply(
    550, "5.1.1",
    "550-5.1.1 The email account that you tried to reach does not exist. Please try "
    "double-checking the recipient's email address for typos or unnecessary spaces. - gsmtp",
)  # fmt: skip
MAILBOX_FULL = Reply(552, "5.2.2", "552 5.2.2 <{to}>: Mailbox full - quota exceeded")
POLICY = Reply(550, "5.7.1", "550 5.7.1 Message rejected by local policy: spam score too high")
GREYLISTED = Reply(451, "4.7.0", "451 4.7.0 <{to}>: Greylisted, please try again in 300 seconds")
TRY_LATER = Reply(421, "4.7.0", "421 4.7.0 {mx} Service temporarily unavailable, try again later")
MAILBOX_FULL_TEMP = Reply(452, "4.2.2", "452 4.2.2 <{to}>: Mailbox full, try again later")
EXPIRED = Reply(
    452, "4.2.2", "452 4.2.2 <{to}>: Mailbox full, try again later (gave up: queue lifetime "
    "of 5 days expired)",
)  # fmt: skip

_MX_BY_DOMAIN = {
    "gmail.com": "gmail-smtp-in.l.google.com",
    "outlook.com": "outlook-com.olc.protection.outlook.com",
    "hotmail.it": "hotmail-it.olc.protection.outlook.com",
    "yahoo.it": "mx-eu.mail.am0.yahoodns.net",
    "icloud.com": "mx01.mail.icloud.com",
    "libero.it": "smtp-in.libero.it",
    "virgilio.it": "mxin.virgilio.it",
    "tiscali.it": "mx.tiscali.it",
}


def remote_mx(recipient: str) -> str:
    domain = recipient.rsplit("@", 1)[-1].lower()
    return _MX_BY_DOMAIN.get(domain, f"mx1.{domain}")


def provider_reply(generic: Reply, recipient: str) -> Reply:
    """The provider-flavoured variant of a reply, when that provider words it differently."""
    domain = recipient.rsplit("@", 1)[-1].lower()
    if domain == "gmail.com":
        return {ACCEPTED: ACCEPTED_GOOGLE, USER_UNKNOWN: USER_UNKNOWN_GOOGLE}.get(generic, generic)
    if domain in ("outlook.com", "hotmail.it") and generic == ACCEPTED:
        return ACCEPTED_OUTLOOK
    return generic
