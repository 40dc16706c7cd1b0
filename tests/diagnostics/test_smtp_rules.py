"""The reply reader's rules, one table per class of rule, on replies written the way real
servers write them (none copied from the labelled corpus)."""

from __future__ import annotations

import pytest

from bot.diagnostics.smtp import BounceReason, SmtpCategory, decode
from bot.diagnostics.smtp_cues import literal_keys
from bot.diagnostics.smtp_reasons import REASONS, category_of

R = BounceReason
S = SmtpCategory

# (id, code, enhanced, text, reason)
Row = tuple[str, int | None, str | None, str, BounceReason]

NEGATION: list[Row] = [
    (
        "not listed in a directory",
        None,
        None,
        "User jane.doe not listed in Domino Directory",
        R.USER_UNKNOWN,
    ),
    (
        "not listed in a dnsbl",
        550,
        None,
        "Sender IP not listed in any DNSBL; user unknown",
        R.USER_UNKNOWN,
    ),
    (
        "not currently blocklisted",
        550,
        "5.7.1",
        "Your IP is not currently blacklisted, but the message was judged as spam",
        R.SPAM_DETECTED,
    ),
    ("negation inside the phrase", 550, None, "The mailbox does not exist", R.USER_UNKNOWN),
    (
        "not accepted for policy reasons",
        554,
        "5.7.9",
        "Message not accepted for policy reasons",
        R.POLICY_VIOLATION,
    ),
]
WRAPPERS: list[Row] = [
    (
        "postfix said / in reply to",
        None,
        None,
        "host mx.example.net[203.0.113.5] said: 550 5.1.1 <jane@example.net>: Recipient address "
        "rejected: User unknown in relay recipient table (in reply to RCPT TO command)",
        R.USER_UNKNOWN,
    ),
    (
        "exchange remote server returned",
        None,
        None,
        "Remote Server returned '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:"
        "QuotaExceededException'",
        R.MAILBOX_FULL,
    ),
    (
        "dsn diagnostic-code",
        None,
        None,
        "Diagnostic-Code: smtp; 552 5.2.2 Over quota",
        R.MAILBOX_FULL,
    ),
    (
        "exim smtp error after rcpt",
        None,
        None,
        "SMTP error from remote mail server after RCPT TO:<bob@example.org>: host mx.example.org "
        "[198.51.100.7]: 550 5.1.1 <bob@example.org>: no such user",
        R.USER_UNKNOWN,
    ),
    (
        "gmail other server returned",
        None,
        None,
        "Technical details of permanent failure: The error that the other server returned was: "
        "554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org",
        R.BLOCKED,
    ),
    (
        "an address's local part is not read as words",
        550,
        "5.1.1",
        "<mailbox-full@example.com>: user unknown",
        R.USER_UNKNOWN,
    ),
    (
        "a link's path is not read as words",
        550,
        None,
        "No such user here, see https://help.example.com/spam-and-virus-policy",
        R.USER_UNKNOWN,
    ),
    (
        "a later fallout reply is not read",
        550,
        None,
        "550 Requested action not taken: mailbox unavailable 554 5.5.1 Error: no valid recipients",
        R.USER_UNKNOWN,
    ),
]
FILLER_CODES: list[Row] = [
    ("554 5.0.0 transaction failed", 554, "5.0.0", "554 Transaction failed", R.POLICY_VIOLATION),
    (
        "550 5.0.0 mailbox unavailable",
        550,
        "5.0.0",
        "Requested action not taken: mailbox unavailable",
        R.USER_UNKNOWN,
    ),
    (
        "filler given, the real code in the text",
        None,
        "5.0.0",
        "550 5.1.1 Bad destination",
        R.USER_UNKNOWN,
    ),
    ("421 4.0.0 alone", 421, "4.0.0", "", R.SYSTEM_ERROR),
]
WORDS_AND_CODES: list[Row] = [
    (
        "plain words beat 5.2.1",
        550,
        "5.2.1",
        "550 5.2.1 <ann@example.org>... User Unknown",
        R.USER_UNKNOWN,
    ),
    ("plain words beat 5.1.1: mailbox full", 550, "5.1.1", "Mailbox full", R.MAILBOX_FULL),
    (
        "plain words beat 5.1.1: rate",
        550,
        "5.1.1",
        "198.51.100.7 has sent to too many recipients this hour",
        R.TOO_MANY_CONN,
    ),
    (
        "plain words beat 5.1.10",
        550,
        "5.1.10",
        "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
        R.USER_UNKNOWN,
    ),
    ("5.2.2 beats vague words", 550, "5.2.2", "Delivery refused", R.MAILBOX_FULL),
    ("5.1.1 beats vague words", 550, "5.1.1", "Access denied", R.USER_UNKNOWN),
    ("5.1.1 beats 'inactive'", 550, "5.1.1", "inactive email address", R.USER_UNKNOWN),
    ("vague words beat 550", 550, None, "Access denied", R.SECURITY_ERROR),
]
DNSBL: list[Row] = [
    ("sorbs", 521, "5.7.1", "Client host [192.0.2.1] blocked using dnsbl.sorbs.net", R.BLOCKED),
    (
        "barracuda",
        554,
        None,
        "Service unavailable; Client host [203.0.113.9] blocked using b.barracudacentral.org",
        R.BLOCKED,
    ),
    (
        "spamcop link host",
        550,
        None,
        "Mail from 192.0.2.4 refused, see http://www.spamcop.net/bl.shtml?192.0.2.4",
        R.BLOCKED,
    ),
    ("rbl", 550, "5.7.1", "JunkMail rejected - [192.0.2.1] is in an RBL", R.BLOCKED),
    (
        "a listed url is spam, not the ip",
        550,
        None,
        "Rejected - Blacklisted URL in message (example.net)",
        R.SPAM_DETECTED,
    ),
]
REVERSE_DNS: list[Row] = [
    ("missing reverse dns", 554, "5.7.1", "Missing reverse DNS for 203.0.113.2", R.BLOCKED),
    (
        "client host rejected",
        550,
        None,
        "Client host rejected: cannot find your reverse hostname, [203.0.113.4]",
        R.BLOCKED,
    ),
    (
        "no ptr record",
        550,
        "5.7.1",
        "The IP address sending this message does not have a PTR record setup",
        R.BLOCKED,
    ),
    (
        "4.7.25 is retried",
        450,
        "4.7.25",
        "Client host rejected: cannot find your hostname",
        R.BLOCKED,
    ),
]
MAILBOX_FULL: list[Row] = [
    (
        "messages exceeded the local limit",
        None,
        None,
        "The number of messages in recipient's mailbox exceeded the local limit",
        R.MAILBOX_FULL,
    ),
    (
        "exceeded storage allocation",
        552,
        None,
        "Requested mail action aborted: exceeded storage allocation",
        R.MAILBOX_FULL,
    ),
    (
        "over quota, temporary",
        452,
        "4.2.2",
        "The email account that you tried to reach is over quota",
        R.MAILBOX_FULL,
    ),
    ("disk quota", None, None, "Disk quota exceeded", R.MAILBOX_FULL),
]
STAGES: list[Row] = [
    (
        "unknown at mail from is the sender",
        None,
        None,
        "SMTP error from remote mail server after MAIL FROM:<x@shop.example> SIZE=2048: "
        "550 Unknown user",
        R.REJECTED,
    ),
    (
        "vague refusal at the greeting is the host",
        None,
        None,
        "host mx.example.com[192.0.2.1] refused to talk to me: 554 Access denied",
        R.BLOCKED,
    ),
    (
        "user unknown after data is a filter",
        None,
        None,
        "host mx.example.jp[192.0.2.1] said: 550 Unknown user (in reply to end of DATA command)",
        R.FILTERED,
    ),
    ("user unknown under a policy code is a filter", 550, "5.7.1", "User unknown", R.FILTERED),
    ("user unknown under 5.2.0 is a filter", 550, "5.2.0", "Unknown user", R.FILTERED),
]
OTHERS: list[Row] = [
    ("sender rejected", 501, "5.1.8", "Sender address rejected: Domain not found", R.REJECTED),
    ("sender verify", 550, None, "Sender verify failed", R.REJECTED),
    ("relay", 554, "5.7.1", "<x@example.org>: Relay access denied", R.NO_RELAYING),
    ("expired", None, "4.4.7", "Message expired after 5 days", R.EXPIRED),
    ("timed out, no reply: gave up", None, None,
     "connect to mx.example.org[192.0.2.8]:25: Connection timed out", R.EXPIRED),
    ("no route", None, None, "connect to mx.example.org: No route to host", R.NETWORK_ERROR),
    ("domain does not exist", None, None, "Domain example.invalid does not exist",
     R.HOST_UNKNOWN),
    ("null mx", 556, "5.1.10", "Domain does not accept mail (null MX)", R.NOT_ACCEPT),
    ("disabled", 550, "5.2.1", "The email account that you tried to reach is disabled",
     R.SUSPEND),
    ("spam", 550, "5.7.1", "Message rejected: spam score too high", R.SPAM_DETECTED),
    ("virus", 554, "5.7.0", "Virus found: Eicar-Test-Signature", R.VIRUS_DETECTED),
    ("size", 552, None, "Message size exceeds fixed maximum message size", R.MESG_TOO_BIG),
    ("authentication", 550, "5.7.26",
     "This message does not pass authentication checks (SPF and DKIM both do not pass)",
     R.SECURITY_ERROR),
    ("yahoo deferral", 421, "4.7.0",
     "[TS01] Messages from 192.0.2.1 temporarily deferred due to user complaints", R.BLOCKED),
]  # fmt: skip
TABLES = {
    "negation": NEGATION,
    "wrapper": WRAPPERS,
    "filler": FILLER_CODES,
    "words-and-codes": WORDS_AND_CODES,
    "dnsbl": DNSBL,
    "reverse-dns": REVERSE_DNS,
    "mailbox-full": MAILBOX_FULL,
    "stage": STAGES,
    "other": OTHERS,
}
ROWS = [(f"{table}: {row[0]}", *row[1:]) for table, rows in TABLES.items() for row in rows]


@pytest.mark.parametrize(
    ("code", "enhanced", "text", "reason"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_reads_the_reason(
    code: int | None, enhanced: str | None, text: str, reason: BounceReason
) -> None:
    diagnosis = decode(code, enhanced, text)
    assert diagnosis.reason == reason
    assert diagnosis.category == category_of(reason, diagnosis.temporary)
    assert diagnosis.permanent == (REASONS[reason].hard and not diagnosis.temporary)


def test_codes_are_read_from_inside_the_wrapper() -> None:
    diagnosis = decode(None, None, WRAPPERS[0][3])
    assert (diagnosis.code, diagnosis.enhanced) == (550, "5.1.1")


def test_a_transcript_code_of_another_class_gives_way_to_the_final_status() -> None:
    diagnosis = decode(None, "5.1.6", "450 busy - please try later 551 not our user")
    assert (diagnosis.code, diagnosis.reason, diagnosis.permanent) == (None, R.HAS_MOVED, True)


def test_a_filtered_recipient_is_not_called_dead() -> None:
    diagnosis = decode(550, "5.7.1", "User unknown")
    assert not diagnosis.permanent
    assert "allow" in diagnosis.action


@pytest.mark.parametrize(
    ("reason", "must", "must_not"),
    [
        (R.SPAM_DETECTED, "content", "address"),
        (R.MAILBOX_FULL, "free space", "typos"),
        (R.TOO_MANY_CONN, "rate", "typos"),
        (R.BLOCKED, "IP", "typos"),
        (R.SECURITY_ERROR, "SPF", "typos"),
        (R.USER_UNKNOWN, "typos", "resend"),
        (R.MESG_TOO_BIG, "smaller", "typos"),
    ],
)
def test_the_next_action_follows_from_the_reason(
    reason: BounceReason, must: str, must_not: str
) -> None:
    action = REASONS[reason].action
    assert must in action
    assert must_not not in action


def test_a_temporary_refusal_says_to_wait() -> None:
    diagnosis = decode(450, "4.7.1", "Greylisted, please try again later")
    assert diagnosis.category is S.DEFERRAL
    assert diagnosis.action.startswith("Nothing to do yet")
    assert diagnosis.cue == "greylisting (a first-attempt delay)"


def test_every_reason_has_a_category_words_and_an_action() -> None:
    for reason in BounceReason:
        facts = REASONS[reason]
        assert facts.words
        assert facts.action
        assert isinstance(category_of(reason, False), SmtpCategory)
        if facts.hard:
            assert category_of(reason, False) is S.HARD_BOUNCE


@pytest.mark.parametrize(
    ("pattern", "keys"),
    [
        (r"black ?list|spamhaus", ("black", "spamhaus")),
        (r"over ?quota|(?:disk|mailbox) quota", ("quota", " quota")),
        (r"timed? ?out|timeout", ("time", "timeout")),
        (r"spf\b(?<![a-z]spf)|mail\.local", ("spf", "mail.local")),
        (r"(?:ip|host) blocked|no", ()),  # a branch without three literal characters
        (r"[a-z]+ unknown", (" unknown",)),
    ],
)
def test_literal_keys_are_runs_every_match_must_contain(
    pattern: str, keys: tuple[str, ...]
) -> None:
    assert literal_keys(pattern) == keys
