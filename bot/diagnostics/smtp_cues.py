"""What a server's words say, as reasons: plain statements ("user unknown", "mailbox full")
outrank any code; vague ones ("access denied", "rejected") only outrank a catch-all code.
Data and one matcher; the words are matched on the remote reply with addresses and links removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.diagnostics.smtp_codes import BounceReason

R = BounceReason


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    reason: BounceReason
    label: str  # safe words naming what the server's text said
    strong: bool  # a plain statement: outranks even a specific code
    replied: BounceReason | None = None  # the reason instead when the server sent a code
    keys: tuple[str, ...] = ()  # one of these occurs in every match: a fast pre-check


def _cue(
    words: str,
    reason: R,
    label: str,
    *,
    strong: bool = True,
    replied: R | None = None,
    keys: tuple[str, ...] = (),
) -> Cue:
    return Cue(re.compile(words), reason, label, strong, replied, keys or literal_keys(words))


def literal_keys(words: str) -> tuple[str, ...]:
    """The longest literal run of each top-level alternative, when every one has a run of
    three characters or more (else no keys: the pattern is always tried)."""
    runs = [_longest_literal(branch) for branch in _branches(words)]
    return tuple(runs) if all(len(run) >= 3 for run in runs) else ()


def _branches(words: str) -> list[str]:
    branches, depth, start, i = [], 0, 0, 0
    while i < len(words):
        char = words[i]
        if char == "\\":
            i += 1
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(words[start:i])
            start = i + 1
        i += 1
    return [*branches, words[start:]]


def _longest_literal(branch: str) -> str:
    best, run, depth, i = "", "", 0, 0
    while i < len(branch):
        char, after = branch[i], branch[i + 1 : i + 2]
        literal = depth == 0 and (
            char.isalnum() or char in " '/-_:" or (char == "\\" and after == ".")
        )
        if char == "\\":  # an escape: only "\." is a literal character
            char, i = (after if after == "." else "\\"), i + 1
            after = branch[i + 1 : i + 2]
        depth += (char in ("(", "[")) - (char in (")", "]"))
        if literal and after not in ("?", "*", "{"):
            run += char
        else:
            best, run = max(best, run, key=len), ""
        i += 1
    return max(best, run, key=len)


_WHO = r"(?:account|mailbox|user|recipient|address|e-?mail account)"
_NOT = r"(?:does ?n[o']t|did ?n[o']t|do ?n[o']t|not|no longer|n'existe pas)"
# In priority order: the first cue found decides (texts often say two things).
STRONG: Final[tuple[Cue, ...]] = (
    _cue(r"permission to post|not a member of|sending to/from an address|"
         r"(?<!ip )address (?:that )?(?:is |has been )?black ?listed",
         R.REJECTED, "the list or group refused this sender"),
    _cue(r"sender (?:address |domain )?(?:rejected|refused|denied|not (?:allowed|verified|valid)|"
         r"invalid|unknown|verif\w* failed)|(?:unroutable|invalid|unknown|bad) sender|"
         r"valid sender domain|address is not verified|identities failed|"
         r"sender (?:\w+ ){0,3}(?:deny|black|block) ?list",
         R.REJECTED, "the sender address was refused"),
    _cue(r"insufficient system storage|system (?:storage|disk) (?:is )?full",
         R.SYSTEM_FULL, "the receiving server is out of storage"),
    _cue(r"sending (?:quota|limit)|(?:daily|hourly) (?:\w+ )?(?:quota|limit) (?:exceeded|reached)",
         R.TOO_MANY_CONN, "the sender's sending limit was reached",
         keys=("sending ", "daily ", "hourly ")),
    _cue(r"mailbox (?:is )?full|over ?quota|quota (?:exceeded|full)|exceeded (?:the )?(?:storage|"
         r"quota)|(?:disk|mailbox) quota|mailbox size limit|mailbox (?:has )?exceeded|"
         r"number of messages .{0,40}exceeded|not enough (?:disk )?space|"
         r"insufficient (?:disk )?(?:space|storage)|out of (?:disk |storage )?space|"
         r"exceeded storage", R.MAILBOX_FULL, "the mailbox is full"),
    _cue(r"(?:grey|gray) ?list", R.BLOCKED, "greylisting (a first-attempt delay)"),
    _cue(r"black ?listed (?:url|link|domain)|(?:url|link)s? in (?:the |your )?message",
         R.SPAM_DETECTED, "a link in the message is on a blocklist"),
    _cue(r"open relay|black ?list|block ?list|spamhaus|spamcop|barracuda|sorbs|dnsbl|"
         r"rbl\b(?<![a-z]rbl)|"
         r"listed (?:at|on|in|by)\b|blocked (?:using|by)|cloudmark|"
         r"(?:client|sending|source|your|remote) (?:host|ip|server)(?: address)? (?:\S+ )?"
         r"(?:is |has been )?(?:blocked|bloquee|refused|rejected|banned)|banned sending|"
         r"(?:ip|host) (?:address )?(?:is )?(?:banned|blocked|bloquee)|invalid ip|"
         r"reverse (?:dns|lookup)|ptr\b(?<![a-z]ptr)|rdns\b|reputation|(?:messages|mail) from "
         r"(?:ip )?[\d.:a-f]{7,} (?:\S+ ){0,3}?(?:weren't|were not|deferred|rejected|refused|"
         r"blocked)|not accepted from (?:this|your|the sending) (?:ip|host|server)|deny ?list|"
         r"not accepting connections|dynamic ip|"
         r"residential", R.BLOCKED, "the sending IP or host is blocked (blocklist, reverse DNS "
         "or reputation)", keys=("relay", "list", "spamhaus", "spamcop", "barracuda", "sorbs",
         "dnsbl", "rbl", "blocked", "cloudmark", "bloque", "refused", "rejected", "banned",
         "invalid ip", "reverse", "ptr", "rdns", "reputation", "from", "deny",
         "accepting connections", "dynamic ip", "residential")),
    _cue(r"relay(?:ing)? (?:access )?(?:denied|not (?:permitted|allowed))|not (?:configured|"
         r"authori[sz]ed|permitted|allowed) to relay|unable to relay|we do not relay",
         R.NO_RELAYING, "the server refused to relay"),
    _cue(r"virus|malware|infected|trojan", R.VIRUS_DETECTED, "malware was found"),
    _cue(r"spam|junk|ube\b(?<![a-z]ube)|bulk mail|unsolicited|black ?listed url|phishing|"
         r"content rejected", R.SPAM_DETECTED, "the message was judged to be spam"),
    _cue(r"groups\.google\.", R.REJECTED, "the group refused this sender"),
    _cue(r"dmarc|policy reasons|multiple addresses in from|(?:illegal|"
         r"prohibited|forbidden) attachment|attachment (?:type )?(?:is )?not allowed|"
         r"potential security issue|spoof|violat\w* (?:of )?(?:our |the )?(?:\w+ )?polic",
         R.POLICY_VIOLATION, "the message broke the recipient's policy"),
    _cue(r"spf\b(?<![a-z]spf)|dkim|unauthenticated|not authenticated|authentication (?:required|"
         r"failed|is required)|authenticate|tls\b(?<![a-z]tls)|encryption (?:is )?required|"
         r"certificate", R.SECURITY_ERROR, "an authentication or TLS check failed"),
    _cue(r"too many (?:connections|recipients|messages|concurrent|sessions|mails|emails)|"
         r"connection rate|rate limit|rate-limit|throttl|slow down|sending limit|"
         r"sent (?:to )?too many", R.TOO_MANY_CONN, "the server is limiting the sending rate"),
    _cue(rf"{_WHO}(?: \w+){{0,2}} (?:is |has been |was )?(?:disabled|suspended|deactivated|"
         r"frozen|locked|discontinued)|(?:account|mailbox)(?: \w+){0,2} (?:is |has been )?"
         r"blocked|compte .{0,30} bloque", R.SUSPEND, "the recipient's mailbox is disabled",
         keys=("disabled", "suspended", "deactivated", "frozen", "locked", "discontinued",
               "blocked", "bloque")),
    _cue(r"does not accept mail|do(?:es)?n'?t (?:accept|receive) (?:e-?)?mail|null mx|"
         r"no smtp service|accepts no mail", R.NOT_ACCEPT, "the domain accepts no mail"),
    _cue(r"routing loop|no mx (?:record|found)|mail loop|hop count|too many hops|loops back|"
         r"no route to host|"
         r"network (?:is )?unreachable|network error|dns error|lookup (?:failure|failed)|"
         r"(?:unable|wasn't able|was not able|could not|couldn't) (?:to )?establish",
         R.NETWORK_ERROR, "a network, routing or DNS problem"),
    _cue(r"host unknown|unknown host|no such (?:domain|host)|(?:host|domain)(?: name)? not found|"
         r"host or domain name not found|domain(?: name)?(?: [\w.-]+)? "
         rf"{_NOT} exist|couldn'?t find (?:a mail exchanger|any host)|unroute?able address|"
         r"domain (?:is )?not reachable|nxdomain",
         R.HOST_UNKNOWN, "the recipient's domain does not exist"),
    _cue(r"no longer on (?:this )?server|has moved|moved permanently|new address",
         R.HAS_MOVED, "the address has moved"),
    _cue(r"user(?:name)? (?:is )?unknown|unknown (?:user|recipient|address|mailbox|local[- ]part)|"
         r"no such (?:user|mailbox|recipient|account|address|local user)|user not exist|"
         rf"{_WHO}(?: [\w'-]+){{0,4}} {_NOT} exist|{_WHO} not found|no mailbox here|"
         r"not (?:listed|found) in (?:the )?(?:\w+ ){0,2}directory|ディレクトリには見つかりません|"
         r"invalid (?:recipient|mailbox|final delivery|user)|address (?:couldn't|could not|"
         r"can't|cannot) be found|unknown or illegal|doesn'?t have an? \S+ account|"
         r"recipient name is not recognized",
         R.USER_UNKNOWN, "the recipient address does not exist"),
    _cue(r"headers? (?:is |are )?too (?:large|long|big|many)|too many headers",
         R.CONTENT_ERROR, "the message's headers were refused"),
    _cue(r"pipe to|procmail|mail\.local|operating system error|couldn'?t create|lock failure|"
         r"error while writing|mailer (?:error|failed)|local delivery failed",
         R.MAILER_ERROR, "the receiving server's delivery program failed"),
    _cue(r"expired\b|retry timeout|(?:queue|retry) (?:lifetime|period)|"
         r"not delivered within|failed \d+ attempts|"
         r"multiple retries|(?:did not|didn't) accept our requests|all hosts have been failing|"
         r"retries exceeded",
         R.EXPIRED, "delivery was retried until the time ran out",
         keys=("expired", "retry timeout", "lifetime", "period", "not delivered within",
               " attempts", "multiple retries", "accept our requests", "all hosts have been",
               "retries exceeded")),
)  # fmt: skip
WEAK: Final[tuple[Cue, ...]] = (
    _cue(r"recipient address rejected|mailbox (?:is )?unavailable|not exist|doesn'?t exist|"
         r"invalid address|inactive|address rejected|check (?:if|that|whether) (?:the )?address",
         R.USER_UNKNOWN, "the recipient address was refused", strong=False),
    _cue(r"message (?:size|length) exceeds|(?:message|mail|email) (?:is )?too (?:large|big)|"
         r"size limit|exceeds? (?:the )?(?:fixed )?(?:maximum )?(?:message )?size|message size|"
         r"line limit|line too long|too large", R.MESG_TOO_BIG, "the message is too large",
         strong=False),
    _cue(r"connection (?:was )?(?:refused|reset)", R.NETWORK_ERROR,
         "the connection was refused or dropped", strong=False),
    _cue(r"timed? ?out|timeout|has been delayed|will be retried|failed to connect",
         R.EXPIRED, "the connection timed out", strong=False, replied=R.NETWORK_ERROR),
    _cue(r"header|mime|malformed message|content", R.CONTENT_ERROR,
         "the message's format was refused", strong=False),
    _cue(r"syntax|malformed|improper sequence|bad sequence|not implemented|unrecogni[sz]ed",
         R.SYNTAX_ERROR, "an SMTP syntax error", strong=False),
    _cue(r"internal (?:system |server )?error|system error|service (?:is )?(?:currently |"
         r"temporarily )?(?:unavailable|not available)|service refuse|local error|"
         r"server (?:error|failure)|temporar(?:y|ily)|try (?:again )?later|ldap",
         R.SYSTEM_ERROR, "the receiving server had a temporary problem", strong=False),
    _cue(r"queue too long|too long in (?:the )?queue|giving up|gave up", R.EXPIRED,
         "the sending server gave up retrying", strong=False),
    _cue(r"access denied|not authori[sz]ed|permission denied", R.SECURITY_ERROR,
         "access was denied", strong=False),
    _cue(r"blocked", R.BLOCKED, "the connection was blocked", strong=False),
    _cue(r"polic(?:y|ies)\b", R.POLICY_VIOLATION, "refused by policy", strong=False),
    _cue(r"reject|refuse|denied|prohibit|not (?:allowed|permitted|accepted)", R.REJECTED,
         "the message was refused", strong=False),
)  # fmt: skip
# "not X", "not currently X", and "not listed in (any) X" (X a blocklist) negate X; a negation
# further away ("not accepted for policy reasons") is about something else.
_NEGATION: Final = re.compile(
    r"\b(?:not|no|never|\w+n't|cannot)\s+(?:(?:currently|yet|been|be)\s+)?"
    r"(?:(?:listed|found|included)\s+(?:in|on|at|by)\s+(?:any\s+|an?\s+|the\s+|our\s+)?)?$"
)


# Words that say the failure is temporary, for a reply that carries no code.
_TEMPORARY: Final = re.compile(
    r"try (?:again )?later|temporar|will be retried|has been delayed|(?:grey|gray) ?list"
)


def says_temporary(text: str) -> bool:
    return _said(_TEMPORARY, text)


def first_cue(text: str, cues: tuple[Cue, ...]) -> Cue | None:
    """The first cue (in priority order) whose words occur in `text` without a negation."""
    contains = text.__contains__
    for cue in cues:
        if (not cue.keys or any(map(contains, cue.keys))) and _said(cue.pattern, text):
            return cue
    return None


def _said(pattern: re.Pattern[str], text: str) -> bool:
    for found in pattern.finditer(text):
        if not _NEGATION.search(text, max(0, found.start() - 48), found.start()):
            return True
    return False
