"""SMTP reply vocabulary: basic codes (RFC 5321), enhanced status codes (RFC 3463, IANA registry)
and text cues, each with the category qbx files it under. Data only; decoding is in smtp.py.
"""

from __future__ import annotations

import re
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
    category: SmtpCategory
    specific: bool = True  # False: a catch-all that text cues may refine


C = SmtpCategory
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
SUBJECT_CATEGORY: Final[dict[str, SmtpCategory]] = {
    "0": C.UNKNOWN,
    "1": C.HARD_BOUNCE,
    "2": C.SOFT_BOUNCE,
    "3": C.INFRASTRUCTURE,
    "4": C.INFRASTRUCTURE,
    "5": C.INFRASTRUCTURE,
    "6": C.CONTENT,
    "7": C.POLICY,
}
# Keyed by "subject.detail"; the class (2/4/5) only changes permanence.
DETAILS: Final[dict[str, Meaning]] = {
    "0.0": Meaning("no further detail was given", C.UNKNOWN, specific=False),
    "1.0": Meaning("something about the address is wrong", C.HARD_BOUNCE, specific=False),
    "1.1": Meaning("the recipient's mailbox does not exist", C.HARD_BOUNCE),
    "1.2": Meaning("the recipient's domain does not exist or takes no mail", C.HARD_BOUNCE),
    "1.3": Meaning("the recipient address is not valid syntax", C.HARD_BOUNCE),
    "1.4": Meaning("the recipient address is ambiguous", C.HARD_BOUNCE),
    "1.6": Meaning("the recipient's mailbox has moved", C.HARD_BOUNCE),
    "1.7": Meaning("the sender address is not valid", C.POLICY),
    "1.8": Meaning("the sender's domain is not valid", C.POLICY),
    "1.10": Meaning("the recipient's domain publishes a null MX: it takes no mail", C.HARD_BOUNCE),
    "2.0": Meaning("the recipient's mailbox has a problem", C.SOFT_BOUNCE, specific=False),
    "2.1": Meaning("the recipient's mailbox is disabled or not accepting mail", C.SOFT_BOUNCE),
    "2.2": Meaning("the recipient's mailbox is full", C.MAILBOX_FULL),
    "2.3": Meaning("the message is larger than the recipient accepts", C.CONTENT),
    "2.4": Meaning("a mailing list expansion failed", C.INFRASTRUCTURE),
    "3.0": Meaning("the receiving mail system has a problem", C.INFRASTRUCTURE, specific=False),
    "3.1": Meaning("the receiving mail system is out of storage", C.INFRASTRUCTURE),
    "3.2": Meaning("the receiving system is not accepting messages now", C.DEFERRAL),
    "3.4": Meaning("the message is larger than the receiving system accepts", C.CONTENT),
    "3.5": Meaning("the receiving system is misconfigured", C.INFRASTRUCTURE),
    "4.0": Meaning("a network or routing problem", C.INFRASTRUCTURE, specific=False),
    "4.1": Meaning("the receiving server did not answer", C.DEFERRAL),
    "4.2": Meaning("the connection dropped", C.DEFERRAL),
    "4.3": Meaning("a DNS lookup failed", C.INFRASTRUCTURE),
    "4.4": Meaning("no mail server (MX or A record) for the recipient's domain", C.HARD_BOUNCE),
    "4.6": Meaning("a mail routing loop", C.INFRASTRUCTURE),
    "4.7": Meaning("delivery kept failing until the retry period ran out", C.DEFERRAL),
    "5.0": Meaning("an SMTP protocol problem", C.INFRASTRUCTURE, specific=False),
    "5.1": Meaning("the server did not understand a command", C.INFRASTRUCTURE),
    "5.2": Meaning("a command was not valid syntax", C.INFRASTRUCTURE),
    "5.3": Meaning("too many recipients in one message", C.POLICY),
    "6.0": Meaning("the message content was refused", C.CONTENT, specific=False),
    "6.1": Meaning("a media type in the message is not supported", C.CONTENT),
    "7.0": Meaning("refused by a security or policy rule", C.POLICY, specific=False),
    "7.1": Meaning("the receiving server refused delivery by its policy", C.POLICY, specific=False),
    "7.7": Meaning("the message's integrity check failed", C.CONTENT),
    "7.8": Meaning("authentication credentials were not valid", C.POLICY),
    "7.9": Meaning("the authentication mechanism is too weak", C.POLICY),
    "7.13": Meaning("the user account is disabled", C.SOFT_BOUNCE),
    "7.20": Meaning("no passing DKIM signature was found", C.POLICY),
    "7.21": Meaning("no acceptable DKIM signature was found", C.POLICY),
    "7.22": Meaning("no DKIM signature matching the author's domain", C.POLICY),
    "7.23": Meaning("SPF validation failed: the sending IP is not allowed", C.POLICY),
    "7.24": Meaning("SPF validation could not complete", C.POLICY),
    "7.25": Meaning("the sending IP's reverse DNS did not validate", C.POLICY),
    "7.26": Meaning("authentication checks failed (DMARC / SPF / DKIM)", C.POLICY),
    "7.27": Meaning("the sender's domain publishes a null MX: it cannot send", C.POLICY),
    "7.28": Meaning("mail flood detected: too much mail from this sender", C.POLICY),
    "7.29": Meaning("ARC validation failed", C.POLICY),
}
# Full codes whose meaning differs from their subject.detail in one class.
FULL_OVERRIDES: Final[dict[str, Meaning]] = {
    "4.7.0": Meaning("temporarily refused, often greylisting: the retry is expected to pass",
                     C.DEFERRAL, specific=False),
    "4.7.1": Meaning("temporarily refused by policy (greylisting or a rate rule)", C.DEFERRAL,
                     specific=False),
    "4.4.7": Meaning("delivery kept failing until the retry period ran out", C.DEFERRAL),
    "5.4.7": Meaning("delivery kept failing until the retry period ran out", C.INFRASTRUCTURE),
    # Microsoft answers 5.4.1 for recipients its directory does not know ("Access denied").
    "5.4.1": Meaning("the recipient's server refused the address (it is often unknown there)",
                     C.HARD_BOUNCE, specific=False),
    "4.2.1": Meaning("the recipient's mailbox is not accepting mail right now", C.DEFERRAL),
}  # fmt: skip
BASIC: Final[dict[int, Meaning]] = {
    211: Meaning("system status", C.SUCCESS),
    214: Meaning("help message", C.SUCCESS),
    220: Meaning("service ready", C.SUCCESS),
    221: Meaning("closing the connection", C.SUCCESS),
    235: Meaning("authentication succeeded", C.SUCCESS),
    250: Meaning("requested action completed: accepted", C.SUCCESS),
    251: Meaning("user not local; will forward", C.SUCCESS),
    252: Meaning("cannot verify the user, but will accept and try", C.SUCCESS),
    421: Meaning("service not available, closing the connection", C.DEFERRAL, specific=False),
    450: Meaning("mailbox unavailable right now (busy or temporarily blocked)", C.DEFERRAL,
                 specific=False),
    451: Meaning("local error in processing: aborted, will retry", C.DEFERRAL, specific=False),
    452: Meaning("insufficient system storage", C.DEFERRAL, specific=False),
    454: Meaning("TLS or authentication temporarily unavailable", C.INFRASTRUCTURE),
    455: Meaning("server unable to accommodate parameters", C.INFRASTRUCTURE),
    500: Meaning("syntax error, command unrecognised", C.INFRASTRUCTURE),
    501: Meaning("syntax error in parameters", C.INFRASTRUCTURE),
    502: Meaning("command not implemented", C.INFRASTRUCTURE),
    503: Meaning("bad sequence of commands", C.INFRASTRUCTURE),
    504: Meaning("command parameter not implemented", C.INFRASTRUCTURE),
    521: Meaning("the server does not accept mail", C.HARD_BOUNCE),
    530: Meaning("authentication required", C.POLICY),
    534: Meaning("authentication mechanism too weak", C.POLICY),
    535: Meaning("authentication credentials invalid", C.POLICY),
    541: Meaning("the recipient's server refused the message (often as spam)", C.CONTENT,
                 specific=False),
    550: Meaning("mailbox unavailable: not found, no access, or refused by policy",
                 C.HARD_BOUNCE, specific=False),
    551: Meaning("user not local", C.HARD_BOUNCE),
    552: Meaning("exceeded storage allocation (mailbox full or message too big)",
                 C.MAILBOX_FULL, specific=False),
    553: Meaning("mailbox name not allowed (bad address syntax)", C.HARD_BOUNCE),
    554: Meaning("transaction failed (often a policy or spam refusal)", C.POLICY, specific=False),
    555: Meaning("MAIL FROM / RCPT TO parameters not recognised", C.INFRASTRUCTURE),
    556: Meaning("the recipient's domain does not accept mail", C.HARD_BOUNCE),
}  # fmt: skip
GENERIC_BASIC: Final[dict[str, Meaning]] = {
    "2": Meaning("accepted", C.SUCCESS),
    "4": Meaning("a temporary failure: the sender retries", C.DEFERRAL, specific=False),
    "5": Meaning("a permanent failure", C.UNKNOWN, specific=False),
}


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    label: str  # safe words naming what the server's text said
    category: SmtpCategory


def _cue(words: str, label: str, category: SmtpCategory) -> Cue:
    return Cue(re.compile(words, re.IGNORECASE), label, category)


# First match wins: the order settles texts that say two things ("listed by Spamhaus").
CUES: Final[tuple[Cue, ...]] = (
    _cue(r"mailbox (?:is )?full|over ?quota|quota (?:exceeded|full)|insufficient storage|"
         r"exceeded storage|mailbox size limit", "the mailbox is full", C.MAILBOX_FULL),
    _cue(r"greylist|graylist", "greylisting (a first-attempt delay)", C.DEFERRAL),
    _cue(r"black ?list|block ?list|spamhaus|barracuda|spamcop|\bdnsbl\b|\brbl\b|"
         r"\blisted (?:at|on|in|by)\b", "the sender's IP or domain is on a blocklist", C.POLICY),
    _cue(r"\bdmarc\b", "the DMARC check failed", C.POLICY),
    _cue(r"\bspf\b", "the SPF check failed", C.POLICY),
    _cue(r"\bdkim\b", "the DKIM signature check failed", C.POLICY),
    _cue(r"user unknown|unknown user|no such (?:user|mailbox|recipient)|does not exist|"
         r"doesn'?t exist|recipient not found|mailbox not found|invalid recipient|"
         r"address rejected|mailbox unavailable|no mailbox|not a valid mailbox|"
         r"unrouteable|undeliverable address", "the recipient address does not exist",
         C.HARD_BOUNCE),
    _cue(r"no such domain|domain not found|host not found|\bnxdomain\b|no mx",
         "the recipient's domain has no mail server", C.HARD_BOUNCE),
    _cue(r"virus|malware|infected", "the message was flagged as carrying malware", C.CONTENT),
    _cue(r"spam|junk|bulk mail|content (?:rejected|filter)|suspicious",
         "the message was judged to be spam", C.CONTENT),
    _cue(r"message (?:is )?too (?:large|big)|size limit|message size|too large",
         "the message is too large", C.CONTENT),
    _cue(r"rate limit|too many|throttl|slow down|sending limit",
         "the receiving server is limiting the sending rate", C.POLICY),
    _cue(r"blocked|denied|not (?:authori[sz]ed|permitted|allowed)|relay(?:ing)? (?:denied|not)|"
         r"reputation|policy", "refused by the receiving server's policy", C.POLICY),
    _cue(r"disabled|inactive|suspended", "the recipient's mailbox is disabled", C.SOFT_BOUNCE),
    _cue(r"try (?:again )?later|temporar|deferr|service unavailable",
         "a temporary refusal", C.DEFERRAL),
    _cue(r"time[d ]?out|timed out|connection (?:refused|reset|closed|lost)|\btls\b|"
         r"\bssl\b|certificate|dns", "a network, TLS or DNS problem", C.INFRASTRUCTURE),
)  # fmt: skip
