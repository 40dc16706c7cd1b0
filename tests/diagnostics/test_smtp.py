"""decode(): SMTP replies to a reason, a category, permanence, plain words and an action."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.diagnostics.smtp import MAX_TEXT, BounceReason, SmtpCategory, decode

S = SmtpCategory
R = BounceReason

# (id, code, enhanced, text, reason, category, permanent). `permanent` is a hard bounce: the
# address itself cannot receive mail, so retrying it will not help; a full mailbox, a policy
# refusal or a blocked IP are not (the same address works once the cause is fixed).
DECODES = [
    # basic codes alone: each a catch-all with its usual meaning
    ("250 accepted", 250, None, None, R.DELIVERED, S.SUCCESS, False),
    ("251 forwarded", 251, None, None, R.DELIVERED, S.SUCCESS, False),
    ("421 service unavailable", 421, None, None, R.SYSTEM_ERROR, S.DEFERRAL, False),
    ("450 mailbox busy", 450, None, None, R.SUSPEND, S.DEFERRAL, False),
    ("451 local error", 451, None, None, R.SYSTEM_ERROR, S.DEFERRAL, False),
    ("452 insufficient storage", 452, None, None, R.SYSTEM_FULL, S.DEFERRAL, False),
    ("454 tls unavailable, retried", 454, None, None, R.SYSTEM_ERROR, S.DEFERRAL, False),
    ("550 mailbox unavailable", 550, None, None, R.USER_UNKNOWN, S.HARD_BOUNCE, True),
    ("551 user not local", 551, None, None, R.HAS_MOVED, S.HARD_BOUNCE, True),
    ("552 storage exceeded", 552, None, None, R.MAILBOX_FULL, S.MAILBOX_FULL, False),
    ("553 name not allowed", 553, None, None, R.USER_UNKNOWN, S.HARD_BOUNCE, True),
    ("554 transaction failed", 554, None, None, R.POLICY_VIOLATION, S.POLICY, False),
    ("5xx generic", 599, None, None, R.UNDEFINED, S.UNKNOWN, False),
    ("4xx generic", 499, None, None, R.UNDEFINED, S.DEFERRAL, False),
    # enhanced codes
    ("5.1.1 no such mailbox", 550, "5.1.1", None, R.USER_UNKNOWN, S.HARD_BOUNCE, True),
    ("5.1.2 no such domain", 550, "5.1.2", None, R.HOST_UNKNOWN, S.HARD_BOUNCE, True),
    ("5.1.10 null MX", 550, "5.1.10", None, R.NOT_ACCEPT, S.HARD_BOUNCE, True),
    ("5.2.1 mailbox disabled", 550, "5.2.1", None, R.SUSPEND, S.SOFT_BOUNCE, False),
    ("5.2.2 mailbox full", 552, "5.2.2", None, R.MAILBOX_FULL, S.MAILBOX_FULL, False),
    ("4.2.2 mailbox full temporary", 452, "4.2.2", None, R.MAILBOX_FULL, S.MAILBOX_FULL, False),
    ("5.2.3 message too long", 552, "5.2.3", None, R.EXCEED_LIMIT, S.CONTENT, False),
    ("5.3.4 message too big", 552, "5.3.4", None, R.MESG_TOO_BIG, S.CONTENT, False),
    ("4.4.1 no answer", 451, "4.4.1", None, R.NETWORK_ERROR, S.DEFERRAL, False),
    ("4.4.2 connection dropped", 421, "4.4.2", None, R.NETWORK_ERROR, S.DEFERRAL, False),
    ("4.4.7 expired", 451, "4.4.7", None, R.EXPIRED, S.DEFERRAL, False),
    ("5.4.7 expired", 550, "5.4.7", None, R.EXPIRED, S.INFRASTRUCTURE, False),
    ("5.4.4 unroutable", 550, "5.4.4", None, R.HOST_UNKNOWN, S.HARD_BOUNCE, True),
    ("5.4.1 microsoft access denied", 550, "5.4.1",
     "Recipient address rejected: Access denied", R.USER_UNKNOWN, S.HARD_BOUNCE, True),
    ("5.7.606 microsoft banned ip", 550, "5.7.606", "Access denied, banned sending IP",
     R.BLOCKED, S.POLICY, False),
    ("4.7.0 greylisting", 450, "4.7.0", None, R.BLOCKED, S.DEFERRAL, False),
    ("5.7.1 policy", 550, "5.7.1", None, R.SECURITY_ERROR, S.POLICY, False),
    ("5.7.23 SPF", 550, "5.7.23", None, R.SECURITY_ERROR, S.POLICY, False),
    ("5.7.25 reverse DNS", 550, "5.7.25", None, R.BLOCKED, S.POLICY, False),
    ("5.7.26 DMARC", 550, "5.7.26", None, R.SECURITY_ERROR, S.POLICY, False),
    ("5.7.27 sender null MX", 550, "5.7.27", None, R.REJECTED, S.POLICY, False),
    ("5.7.28 mail flood", 550, "5.7.28", None, R.TOO_MANY_CONN, S.POLICY, False),
    ("5.5.1 protocol", 500, "5.5.1", None, R.SYNTAX_ERROR, S.INFRASTRUCTURE, False),
    ("5.6.0 content subject", 554, "5.6.0", None, R.CONTENT_ERROR, S.CONTENT, False),
    ("2.0.0 success", 250, "2.0.0", None, R.DELIVERED, S.SUCCESS, False),
    ("unknown detail falls back to subject", 550, "5.3.99", None, R.SYSTEM_ERROR,
     S.INFRASTRUCTURE, False),
    ("enhanced only, no basic", None, "5.1.1", None, R.USER_UNKNOWN, S.HARD_BOUNCE, True),
    ("4xx user unknown is retried", 450, "4.1.1", None, R.USER_UNKNOWN, S.DEFERRAL, False),
    # words refine catch-all codes
    ("550 with user unknown text", 550, None, "User unknown", R.USER_UNKNOWN, S.HARD_BOUNCE,
     True),
    ("550 5.7.1 spam text", 550, "5.7.1", "Message rejected as spam", R.SPAM_DETECTED,
     S.CONTENT, False),
    ("554 blocklisted", 554, None, "Client host blocked using Spamhaus", R.BLOCKED, S.POLICY,
     False),
    ("550 blacklist", 550, None, "Your IP is blacklisted", R.BLOCKED, S.POLICY, False),
    ("550 mailbox full text", 550, None, "Mailbox full", R.MAILBOX_FULL, S.MAILBOX_FULL, False),
    ("452 quota text", 452, None, "Quota exceeded for user", R.MAILBOX_FULL, S.MAILBOX_FULL,
     False),
    ("450 greylist text", 450, "4.7.1", "Greylisted, please try again later", R.BLOCKED,
     S.DEFERRAL, False),
    ("421 rate limit text", 421, None, "Too many connections, slow down", R.TOO_MANY_CONN,
     S.POLICY, False),
    ("550 dkim text", 550, None, "DKIM signature invalid", R.SECURITY_ERROR, S.POLICY, False),
    ("550 dmarc text", 550, None, "rejected due to DMARC policy", R.POLICY_VIOLATION, S.POLICY,
     False),
    ("550 spf text", 550, None, "SPF check failed", R.SECURITY_ERROR, S.POLICY, False),
    ("451 timeout text", 451, None, "Connection timed out", R.NETWORK_ERROR, S.DEFERRAL, False),
    ("550 does not exist text", 550, None, "The email account does not exist", R.USER_UNKNOWN,
     S.HARD_BOUNCE, True),
    # codes read from the text when not given
    ("codes from text only", None, None, "550 5.1.1 <bob@x>: Recipient address rejected",
     R.USER_UNKNOWN, S.HARD_BOUNCE, True),
    ("temporary words without codes", None, None, "try again later", R.SYSTEM_ERROR,
     S.DEFERRAL, False),
    ("virus without codes", None, None, "message contains a virus", R.VIRUS_DETECTED,
     S.CONTENT, False),
    # malformed and missing
    ("nothing at all", None, None, None, R.UNDEFINED, S.UNKNOWN, False),
    ("empty text", None, None, "", R.UNDEFINED, S.UNKNOWN, False),
    ("out of range code ignored", 999, None, None, R.UNDEFINED, S.UNKNOWN, False),
    ("negative code ignored", -1, None, None, R.UNDEFINED, S.UNKNOWN, False),
    ("bool is not a code", True, None, None, R.UNDEFINED, S.UNKNOWN, False),
    ("malformed enhanced ignored", 550, "5.1", None, R.USER_UNKNOWN, S.HARD_BOUNCE, True),
    ("enhanced with bad class ignored", None, "7.1.1", None, R.UNDEFINED, S.UNKNOWN, False),
    ("enhanced with spaces", 550, " 5.1.1 ", None, R.USER_UNKNOWN, S.HARD_BOUNCE, True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "enhanced", "text", "reason", "category", "permanent"),
    [r[1:] for r in DECODES],
    ids=[r[0] for r in DECODES],
)
def test_decodes(
    code: int | None,
    enhanced: str | None,
    text: str | None,
    reason: R,
    category: S,
    permanent: bool,
) -> None:
    diagnosis = decode(code, enhanced, text)
    assert (diagnosis.reason, diagnosis.category, diagnosis.permanent) == (
        reason,
        category,
        permanent,
    )
    assert diagnosis.summary.endswith(diagnosis.action)


def test_explains_class_subject_and_detail() -> None:
    diagnosis = decode(550, "5.1.1", "550 5.1.1 user unknown")
    assert diagnosis.class_meaning is not None
    assert diagnosis.class_meaning.startswith("permanent failure")
    assert diagnosis.subject_meaning == "addressing status (the address itself)"
    assert diagnosis.detail_meaning == "the recipient's mailbox does not exist"
    assert diagnosis.code_meaning is not None
    assert diagnosis.code_meaning.startswith("mailbox unavailable")
    assert "(550 5.1.1)" in diagnosis.summary


def test_codes_read_from_text_are_reported() -> None:
    diagnosis = decode(None, None, "452 4.2.2 Mailbox full")
    assert (diagnosis.code, diagnosis.enhanced) == (452, "4.2.2")


def test_cue_is_named_when_it_decided() -> None:
    assert decode(550, "5.7.1", "listed at spamhaus").cue == (
        "the sending IP or host is blocked (blocklist, reverse DNS or reputation)"
    )
    assert decode(550, "5.1.1", "Access denied").cue is None  # vague words: the code decided


def test_server_text_is_kept_raw_but_bounded_and_never_in_our_words() -> None:
    hostile = "<script>alert(1)</script> *bold* <!channel> " + "x" * 10_000
    diagnosis = decode(550, None, hostile)
    assert diagnosis.server_text is not None
    assert diagnosis.server_text.startswith("<script>")
    assert len(diagnosis.server_text) == MAX_TEXT
    assert "<" not in diagnosis.summary
    assert "script" not in diagnosis.summary


@settings(max_examples=300, deadline=None)
@given(
    code=st.one_of(st.none(), st.integers()),
    enhanced=st.one_of(st.none(), st.text(max_size=20), st.from_regex(r"[245]\.\d{1,3}\.\d{1,3}")),
    text=st.one_of(st.none(), st.text(max_size=3_000)),
)
def test_never_raises(code: int | None, enhanced: str | None, text: str | None) -> None:
    diagnosis = decode(code, enhanced, text)
    assert diagnosis.summary
    assert isinstance(diagnosis.category, SmtpCategory)
    assert isinstance(diagnosis.reason, BounceReason)
