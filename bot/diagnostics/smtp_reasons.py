"""Sisimai's bounce reasons as qbx reads them: each reason's category, whether it is a hard
bounce (the address itself is dead), its plain words and the next action. Data only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.diagnostics.smtp_codes import BounceReason, SmtpCategory

R = BounceReason
C = SmtpCategory


@dataclass(frozen=True)
class ReasonFacts:
    category: SmtpCategory  # where qbx files a final reply with this reason
    words: str  # what happened, in our words
    action: str  # what to do next
    hard: bool = False  # retrying the same address will never help


_FIX_IP = "Check the sending IP's blocklist listings, reputation and reverse DNS (PTR)"
_RECEIVING_SIDE = "A problem on the receiving side: it usually clears; escalate if it persists."
REASONS: Final[dict[BounceReason, ReasonFacts]] = {
    R.USER_UNKNOWN: ReasonFacts(C.HARD_BOUNCE, "the recipient's mailbox does not exist",
        "Check the address for typos and stop sending to it: retrying will not help.", True),
    R.HOST_UNKNOWN: ReasonFacts(C.HARD_BOUNCE, "the recipient's domain does not exist",
        "Check the domain for typos and stop sending to it: retrying will not help.", True),
    R.HAS_MOVED: ReasonFacts(C.HARD_BOUNCE, "the recipient's address has moved",
        "Ask the recipient for the new address and stop sending to this one.", True),
    R.NOT_ACCEPT: ReasonFacts(C.HARD_BOUNCE, "the recipient's domain accepts no mail",
        "The domain takes no mail at all: stop sending to it.", True),
    R.FILTERED: ReasonFacts(C.HARD_BOUNCE, "a filter at the recipient refused it",
        "Check the address; if it is right, the recipient's filter refused this sender "
        "(some answer 'user unknown' to hide that): ask the recipient to allow it."),
    R.SUSPEND: ReasonFacts(C.SOFT_BOUNCE, "the recipient's mailbox is disabled or locked",
        "The mailbox exists but is not taking mail: ask the recipient to check it, "
        "then resend."),
    R.MAILBOX_FULL: ReasonFacts(C.MAILBOX_FULL, "the recipient's mailbox is full",
        "The address is fine: the recipient must free space in the mailbox; then resend."),
    R.REJECTED: ReasonFacts(C.POLICY, "the sender or the envelope was refused",
        "Check the sender (envelope From) address and its domain, and that the sender may "
        "write to this recipient or list, then resend."),
    R.BLOCKED: ReasonFacts(C.POLICY, "the sending IP or host was refused",
        f"{_FIX_IP}; ask for delisting where listed, then resend."),
    R.POLICY_VIOLATION: ReasonFacts(C.POLICY, "the message broke the recipient's policy",
        "Check the message against the recipient's policy (DMARC alignment, From header, "
        "attachment types), then resend."),
    R.SECURITY_ERROR: ReasonFacts(C.POLICY, "an authentication or security check failed",
        "Check the sending domain's SPF, DKIM and DMARC and the connection's TLS and "
        "authentication, then resend."),
    R.NO_RELAYING: ReasonFacts(C.POLICY, "the server refused to relay the message",
        "The server is not the recipient's mail server: check the recipient's domain and its "
        "MX records, and the route the message took."),
    R.TOO_MANY_CONN: ReasonFacts(C.POLICY, "too many connections, messages or recipients",
        "Lower the sending rate and the recipients per message; the address is fine."),
    R.SPAM_DETECTED: ReasonFacts(C.CONTENT, "the message was judged to be spam",
        "Review the message's content and links (they were judged to be spam), then resend."),
    R.CONTENT_ERROR: ReasonFacts(C.CONTENT, "the message's format or content was refused",
        "Review the message's headers and MIME structure, then resend."),
    R.VIRUS_DETECTED: ReasonFacts(C.CONTENT, "the message was flagged as carrying malware",
        "Remove or replace the flagged attachment or link, then resend."),
    R.MESG_TOO_BIG: ReasonFacts(C.CONTENT, "the message is larger than the server accepts",
        "Send a smaller message: link to large files instead of attaching them."),
    R.EXCEED_LIMIT: ReasonFacts(C.CONTENT, "the message is larger than the recipient accepts",
        "Send a smaller message: link to large files instead of attaching them."),
    R.EXPIRED: ReasonFacts(C.INFRASTRUCTURE, "delivery kept failing until the retry time ran out",
        "Check that the recipient's mail servers answer (MX, connectivity), then resend."),
    R.NETWORK_ERROR: ReasonFacts(C.INFRASTRUCTURE, "a network, routing or DNS problem",
        "Check the recipient domain's MX and DNS; escalate if it persists."),
    R.SYSTEM_ERROR: ReasonFacts(C.INFRASTRUCTURE, "the receiving server had an error",
        _RECEIVING_SIDE),
    R.SYSTEM_FULL: ReasonFacts(C.INFRASTRUCTURE, "the receiving server is out of storage",
        _RECEIVING_SIDE),
    R.MAILER_ERROR: ReasonFacts(C.INFRASTRUCTURE, "the receiving server's delivery program "
        "failed", _RECEIVING_SIDE),
    R.SYNTAX_ERROR: ReasonFacts(C.INFRASTRUCTURE, "an SMTP protocol or syntax error",
        "A protocol error between the two servers: escalate with the server's text."),
    R.DELIVERED: ReasonFacts(C.SUCCESS, "accepted",
        "Nothing to do: the receiving server accepted the message."),
    R.UNDEFINED: ReasonFacts(C.UNKNOWN, "the reply gave no recognisable reason",
        "The reply does not say why: read the server's text and escalate with it if needed."),
}  # fmt: skip

# A temporary (4xx) reply is retried by the sender: these reasons then mean "wait".
_WAIT_WHEN_TEMPORARY: Final = frozenset(
    {R.USER_UNKNOWN, R.HOST_UNKNOWN, R.HAS_MOVED, R.NOT_ACCEPT, R.FILTERED, R.SUSPEND,
     R.BLOCKED, R.REJECTED, R.SYSTEM_ERROR, R.SYSTEM_FULL, R.MAILER_ERROR, R.NETWORK_ERROR,
     R.UNDEFINED, R.EXPIRED}
)  # fmt: skip
WAIT_ACTION: Final = (
    "Nothing to do yet: the message is retried automatically; check again after the next attempt."
)


def category_of(reason: BounceReason, temporary: bool) -> SmtpCategory:
    """The one mapping from a reason (ours or Sisimai's) to qbx's category."""
    if temporary and reason in _WAIT_WHEN_TEMPORARY:
        return SmtpCategory.DEFERRAL
    return REASONS[reason].category


def is_permanent(reason: BounceReason, temporary: bool) -> bool:
    """A hard bounce: the address itself cannot receive mail, so retrying will not help."""
    return REASONS[reason].hard and not temporary


def action_of(reason: BounceReason, temporary: bool) -> str:
    if temporary and category_of(reason, temporary) is SmtpCategory.DEFERRAL:
        return WAIT_ACTION
    return REASONS[reason].action
