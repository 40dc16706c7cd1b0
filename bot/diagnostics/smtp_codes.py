"""SMTP reply vocabulary: basic codes (RFC 5321) and enhanced status codes (RFC 3463, IANA
registry), each with the reason it stands for. Data only; the reader is smtp.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class SmtpCategory(StrEnum):
    HARD_BOUNCE = "hard_bounce"  # the address or its domain cannot receive mail
    SOFT_BOUNCE = "soft_bounce"  # the mailbox exists but cannot take mail now
    DEFERRAL = "deferral"  # a temporary refusal: the sender retries
    POLICY = "policy"  # refused by policy: authentication, reputation, blocklists, rates
    CONTENT = "content"  # refused for the message itself: spam, virus, size
    MAILBOX_FULL = "mailbox_full"
    INFRASTRUCTURE = "infrastructure"  # a server, network, DNS or protocol problem
    SUCCESS = "success"
    UNKNOWN = "unknown"


class BounceReason(StrEnum):
    """Why a message failed, in Sisimai's vocabulary (the field's de facto standard)."""

    USER_UNKNOWN = "userunknown"  # no such mailbox
    HOST_UNKNOWN = "hostunknown"  # no such domain
    HAS_MOVED = "hasmoved"  # the address moved
    NOT_ACCEPT = "notaccept"  # the domain takes no mail (null MX)
    MAILBOX_FULL = "mailboxfull"
    SUSPEND = "suspend"  # mailbox disabled or locked
    FILTERED = "filtered"  # refused by a recipient-side filter
    REJECTED = "rejected"  # the sender or envelope was refused
    BLOCKED = "blocked"  # the sending IP or host was refused: blocklists, reverse DNS
    POLICY_VIOLATION = "policyviolation"
    SECURITY_ERROR = "securityerror"  # authentication, SPF/DKIM/DMARC, TLS
    NO_RELAYING = "norelaying"
    SPAM_DETECTED = "spamdetected"
    CONTENT_ERROR = "contenterror"
    VIRUS_DETECTED = "virusdetected"
    MESG_TOO_BIG = "mesgtoobig"
    EXCEED_LIMIT = "exceedlimit"  # too large for the recipient's limit
    EXPIRED = "expired"  # the sender gave up after retrying
    TOO_MANY_CONN = "toomanyconn"
    NETWORK_ERROR = "networkerror"
    SYSTEM_ERROR = "systemerror"
    SYSTEM_FULL = "systemfull"
    MAILER_ERROR = "mailererror"
    SYNTAX_ERROR = "syntaxerror"
    DELIVERED = "delivered"  # not a failure: the reply accepted the message
    UNDEFINED = "undefined"  # the reply does not say why


@dataclass(frozen=True)
class Meaning:
    words: str
    reason: BounceReason
    specific: bool = True  # False: a catch-all that the server's words may refine


R = BounceReason
CLASSES: Final[dict[str, str]] = {
    "2": "success",
    "4": "persistent transient failure: the sending server retries for a while",
    "5": "permanent failure: resending the same message will fail the same way",
}
SUBJECTS: Final[dict[str, str]] = {
    "0": "other or undefined status",
    "1": "addressing status (the address itself)",
    "2": "mailbox status (the recipient's mailbox)",
    "3": "mail system status (the receiving server)",
    "4": "network and routing status",
    "5": "mail delivery protocol status",
    "6": "message content or media status",
    "7": "security or policy status",
}
# A subject's reason when its detail is unknown; "0" (other) has none.
SUBJECT_REASON: Final[dict[str, BounceReason]] = {
    "1": R.USER_UNKNOWN,
    "2": R.FILTERED,
    "3": R.SYSTEM_ERROR,
    "4": R.NETWORK_ERROR,
    "5": R.SYNTAX_ERROR,
    "6": R.CONTENT_ERROR,
    "7": R.SECURITY_ERROR,
}
# Keyed by "subject.detail"; the class (2/4/5) only changes permanence.
DETAILS: Final[dict[str, Meaning]] = {
    "0.0": Meaning("no further detail was given", R.UNDEFINED, specific=False),
    "1.0": Meaning("something about the address is wrong", R.USER_UNKNOWN, specific=False),
    "1.1": Meaning("the recipient's mailbox does not exist", R.USER_UNKNOWN),
    "1.2": Meaning("the recipient's domain does not exist or takes no mail", R.HOST_UNKNOWN),
    "1.3": Meaning("the recipient address is not valid syntax", R.USER_UNKNOWN),
    "1.4": Meaning("the recipient address is ambiguous", R.USER_UNKNOWN),
    "1.6": Meaning("the recipient's mailbox has moved", R.HAS_MOVED),
    "1.7": Meaning("the sender address is not valid", R.REJECTED),
    "1.8": Meaning("the sender's domain is not valid", R.REJECTED),
    "1.10": Meaning("the recipient's domain publishes a null MX: it takes no mail", R.NOT_ACCEPT),
    "2.0": Meaning("the recipient's mailbox refused it", R.FILTERED, specific=False),
    "2.1": Meaning("the recipient's mailbox is disabled or not accepting mail", R.SUSPEND),
    "2.2": Meaning("the recipient's mailbox is full", R.MAILBOX_FULL),
    "2.3": Meaning("the message is larger than the recipient accepts", R.EXCEED_LIMIT),
    "2.4": Meaning("a mailing list expansion failed", R.SYSTEM_ERROR),
    "3.0": Meaning("the receiving mail system has a problem", R.SYSTEM_ERROR, specific=False),
    "3.1": Meaning("the receiving mail system is out of storage", R.SYSTEM_FULL),
    "3.2": Meaning("the receiving system is not accepting messages now", R.SYSTEM_ERROR),
    "3.4": Meaning("the message is larger than the receiving system accepts", R.MESG_TOO_BIG),
    "3.5": Meaning("the receiving system is misconfigured", R.SYSTEM_ERROR),
    "4.0": Meaning("a network or routing problem", R.NETWORK_ERROR, specific=False),
    "4.1": Meaning("the receiving server did not answer", R.NETWORK_ERROR, specific=False),
    "4.2": Meaning("the connection dropped", R.NETWORK_ERROR, specific=False),
    "4.3": Meaning("a DNS or directory lookup failed", R.NETWORK_ERROR, specific=False),
    "4.4": Meaning("no mail server (MX or A record) for the recipient's domain", R.HOST_UNKNOWN),
    "4.6": Meaning("a mail routing loop", R.NETWORK_ERROR),
    "4.7": Meaning("delivery kept failing until the retry period ran out", R.EXPIRED),
    "5.0": Meaning("an SMTP protocol problem", R.SYNTAX_ERROR, specific=False),
    "5.1": Meaning("the server did not understand a command", R.SYNTAX_ERROR),
    "5.2": Meaning("a command was not valid syntax", R.SYNTAX_ERROR),
    "5.3": Meaning("too many recipients in one message", R.TOO_MANY_CONN),
    "6.0": Meaning("the message content was refused", R.CONTENT_ERROR, specific=False),
    "6.1": Meaning("a media type in the message is not supported", R.CONTENT_ERROR),
    "7.0": Meaning("refused by a security or policy rule", R.SECURITY_ERROR, specific=False),
    "7.1": Meaning("the receiving server refused delivery by its policy", R.SECURITY_ERROR,
                   specific=False),
    "7.7": Meaning("the message's integrity check failed", R.SECURITY_ERROR),
    "7.8": Meaning("authentication credentials were not valid", R.SECURITY_ERROR),
    "7.9": Meaning("the authentication mechanism is too weak", R.SECURITY_ERROR),
    "7.13": Meaning("the user account is disabled", R.SUSPEND),
    "7.20": Meaning("no passing DKIM signature was found", R.SECURITY_ERROR),
    "7.21": Meaning("no acceptable DKIM signature was found", R.SECURITY_ERROR),
    "7.22": Meaning("no DKIM signature matching the author's domain", R.SECURITY_ERROR),
    "7.23": Meaning("SPF validation failed: the sending IP is not allowed", R.SECURITY_ERROR),
    "7.24": Meaning("SPF validation could not complete", R.SECURITY_ERROR),
    "7.25": Meaning("the sending IP's reverse DNS did not validate", R.BLOCKED),
    "7.26": Meaning("authentication checks failed (DMARC / SPF / DKIM)", R.SECURITY_ERROR),
    "7.27": Meaning("the sender's domain publishes a null MX: it cannot send", R.REJECTED),
    "7.28": Meaning("mail flood detected: too much mail from this sender", R.TOO_MANY_CONN),
    "7.29": Meaning("ARC validation failed", R.SECURITY_ERROR),
}  # fmt: skip
# Full codes whose meaning differs from their subject.detail in one class.
FULL_OVERRIDES: Final[dict[str, Meaning]] = {
    "4.7.0": Meaning("temporarily refused, often greylisting: the retry is expected to pass",
                     R.BLOCKED, specific=False),
    "4.7.1": Meaning("temporarily refused by policy (greylisting or a rate rule)", R.BLOCKED,
                     specific=False),
    # Microsoft answers 5.4.1 for recipients its directory does not know ("Access denied").
    "5.4.1": Meaning("the recipient's server refused the address (it is often unknown there)",
                     R.USER_UNKNOWN, specific=False),
    "4.2.1": Meaning("the recipient's mailbox is not accepting mail right now", R.SUSPEND),
}  # fmt: skip
# Basic codes are coarse: the server's words, when they say something, refine all of them.
BASIC: Final[dict[int, Meaning]] = {
    211: Meaning("system status", R.DELIVERED),
    214: Meaning("help message", R.DELIVERED),
    220: Meaning("service ready", R.DELIVERED),
    221: Meaning("closing the connection", R.DELIVERED),
    235: Meaning("authentication succeeded", R.DELIVERED),
    250: Meaning("requested action completed: accepted", R.DELIVERED),
    251: Meaning("user not local; will forward", R.DELIVERED),
    252: Meaning("cannot verify the user, but will accept and try", R.DELIVERED),
    421: Meaning("service not available, closing the connection", R.SYSTEM_ERROR),
    450: Meaning("mailbox unavailable right now (busy or temporarily blocked)", R.SUSPEND),
    451: Meaning("local error in processing: aborted, will retry", R.SYSTEM_ERROR),
    452: Meaning("insufficient system storage", R.SYSTEM_FULL),
    454: Meaning("TLS or authentication temporarily unavailable", R.SYSTEM_ERROR),
    455: Meaning("server unable to accommodate parameters", R.SYSTEM_ERROR),
    500: Meaning("syntax error, command unrecognised", R.SYNTAX_ERROR),
    501: Meaning("syntax error in parameters", R.SYNTAX_ERROR),
    502: Meaning("command not implemented", R.SYNTAX_ERROR),
    503: Meaning("bad sequence of commands", R.SYNTAX_ERROR),
    504: Meaning("command parameter not implemented", R.SYNTAX_ERROR),
    521: Meaning("the server does not accept mail", R.NOT_ACCEPT),
    530: Meaning("authentication required", R.SECURITY_ERROR),
    534: Meaning("authentication mechanism too weak", R.SECURITY_ERROR),
    535: Meaning("authentication credentials invalid", R.SECURITY_ERROR),
    541: Meaning("the recipient's server refused the message (often as spam)", R.SPAM_DETECTED),
    550: Meaning("mailbox unavailable: not found, no access, or refused by policy",
                 R.USER_UNKNOWN),
    551: Meaning("user not local", R.HAS_MOVED),
    552: Meaning("exceeded storage allocation (mailbox full or message too big)",
                 R.MAILBOX_FULL),
    553: Meaning("mailbox name not allowed (bad address syntax)", R.USER_UNKNOWN),
    554: Meaning("transaction failed (often a policy or spam refusal)", R.POLICY_VIOLATION),
    555: Meaning("MAIL FROM / RCPT TO parameters not recognised", R.SYNTAX_ERROR),
    556: Meaning("the recipient's domain does not accept mail", R.NOT_ACCEPT),
}  # fmt: skip
GENERIC_BASIC: Final[dict[str, Meaning]] = {
    "2": Meaning("accepted", R.DELIVERED),
    "4": Meaning("a temporary failure: the sender retries", R.UNDEFINED),
    "5": Meaning("a permanent failure", R.UNDEFINED),
}
