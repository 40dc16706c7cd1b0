"""decode(): SMTP replies to a category, permanence and plain words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.diagnostics.smtp import MAX_TEXT, SmtpCategory, decode

S = SmtpCategory

# (id, code, enhanced, text, category, permanent)
DECODES = [
    # basic codes alone
    ("250 accepted", 250, None, None, S.SUCCESS, False),
    ("251 forwarded", 251, None, None, S.SUCCESS, False),
    ("421 service unavailable", 421, None, None, S.DEFERRAL, False),
    ("450 mailbox busy", 450, None, None, S.DEFERRAL, False),
    ("451 local error", 451, None, None, S.DEFERRAL, False),
    ("452 insufficient storage", 452, None, None, S.DEFERRAL, False),
    ("454 tls unavailable", 454, None, None, S.INFRASTRUCTURE, False),
    ("550 mailbox unavailable", 550, None, None, S.HARD_BOUNCE, True),
    ("551 user not local", 551, None, None, S.HARD_BOUNCE, True),
    ("552 storage exceeded", 552, None, None, S.MAILBOX_FULL, True),
    ("553 name not allowed", 553, None, None, S.HARD_BOUNCE, True),
    ("554 transaction failed", 554, None, None, S.POLICY, True),
    ("5xx generic", 599, None, None, S.UNKNOWN, True),
    ("4xx generic", 499, None, None, S.DEFERRAL, False),
    # enhanced codes
    ("5.1.1 no such mailbox", 550, "5.1.1", None, S.HARD_BOUNCE, True),
    ("5.1.2 no such domain", 550, "5.1.2", None, S.HARD_BOUNCE, True),
    ("5.1.10 null MX", 550, "5.1.10", None, S.HARD_BOUNCE, True),
    ("5.2.1 mailbox disabled", 550, "5.2.1", None, S.SOFT_BOUNCE, True),
    ("5.2.2 mailbox full", 552, "5.2.2", None, S.MAILBOX_FULL, True),
    ("4.2.2 mailbox full temporary", 452, "4.2.2", None, S.MAILBOX_FULL, False),
    ("5.2.3 message too long", 552, "5.2.3", None, S.CONTENT, True),
    ("5.3.4 message too big", 552, "5.3.4", None, S.CONTENT, True),
    ("4.4.1 no answer", 451, "4.4.1", None, S.DEFERRAL, False),
    ("4.4.2 connection dropped", 421, "4.4.2", None, S.DEFERRAL, False),
    ("4.4.7 expired", 451, "4.4.7", None, S.DEFERRAL, False),
    ("5.4.4 unroutable", 550, "5.4.4", None, S.HARD_BOUNCE, True),
    (
        "5.4.1 microsoft access denied",
        550,
        "5.4.1",
        "Recipient address rejected: Access denied",
        S.HARD_BOUNCE,
        True,
    ),
    (
        "5.7.606 microsoft banned ip falls back to policy",
        550,
        "5.7.606",
        "Access denied, banned sending IP",
        S.POLICY,
        True,
    ),
    ("4.7.0 greylisting", 450, "4.7.0", None, S.DEFERRAL, False),
    ("5.7.1 policy", 550, "5.7.1", None, S.POLICY, True),
    ("5.7.23 SPF", 550, "5.7.23", None, S.POLICY, True),
    ("5.7.25 reverse DNS", 550, "5.7.25", None, S.POLICY, True),
    ("5.7.26 DMARC", 550, "5.7.26", None, S.POLICY, True),
    ("5.7.27 sender null MX", 550, "5.7.27", None, S.POLICY, True),
    ("5.7.28 mail flood", 550, "5.7.28", None, S.POLICY, True),
    ("5.5.1 protocol", 500, "5.5.1", None, S.INFRASTRUCTURE, True),
    ("5.6.0 content subject", 554, "5.6.0", None, S.CONTENT, True),
    ("2.0.0 success", 250, "2.0.0", None, S.SUCCESS, False),
    ("unknown detail falls back to subject", 550, "5.3.99", None, S.INFRASTRUCTURE, True),
    ("enhanced only, no basic", None, "5.1.1", None, S.HARD_BOUNCE, True),
    ("4xx user unknown is a deferral", 450, "4.1.1", None, S.DEFERRAL, False),
    # text cues refine catch-alls
    ("550 with user unknown text", 550, None, "User unknown", S.HARD_BOUNCE, True),
    ("550 5.7.1 spam text", 550, "5.7.1", "Message rejected as spam", S.CONTENT, True),
    ("554 blocklisted", 554, None, "Client host blocked using Spamhaus", S.POLICY, True),
    ("550 blacklist", 550, None, "Your IP is blacklisted", S.POLICY, True),
    ("550 mailbox full text", 550, None, "Mailbox full", S.MAILBOX_FULL, True),
    ("452 quota text", 452, None, "Quota exceeded for user", S.MAILBOX_FULL, False),
    ("450 greylist text", 450, "4.7.1", "Greylisted, please try again later", S.DEFERRAL, False),
    ("421 rate limit text", 421, None, "Too many connections, slow down", S.POLICY, False),
    ("550 dkim text", 550, None, "DKIM signature invalid", S.POLICY, True),
    ("550 dmarc text", 550, None, "rejected due to DMARC policy", S.POLICY, True),
    ("550 spf text", 550, None, "SPF check failed", S.POLICY, True),
    ("451 timeout text", 451, None, "Connection timed out", S.INFRASTRUCTURE, False),
    ("550 does not exist text", 550, None, "The email account does not exist", S.HARD_BOUNCE, True),
    ("specific code beats text", 550, "5.1.1", "mailbox full", S.HARD_BOUNCE, True),
    # codes read from the text when not given
    (
        "codes from text only",
        None,
        None,
        "550 5.1.1 <bob@x>: Recipient address rejected",
        S.HARD_BOUNCE,
        True,
    ),
    ("text cue without codes", None, None, "try again later", S.DEFERRAL, False),
    ("virus without codes", None, None, "message contains a virus", S.CONTENT, True),
    # malformed and missing
    ("nothing at all", None, None, None, S.UNKNOWN, False),
    ("empty text", None, None, "", S.UNKNOWN, False),
    ("out of range code ignored", 999, None, None, S.UNKNOWN, False),
    ("negative code ignored", -1, None, None, S.UNKNOWN, False),
    ("bool is not a code", True, None, None, S.UNKNOWN, False),
    ("malformed enhanced ignored", 550, "5.1", None, S.HARD_BOUNCE, True),
    ("enhanced with bad class ignored", None, "7.1.1", None, S.UNKNOWN, False),
    ("enhanced with spaces", 550, " 5.1.1 ", None, S.HARD_BOUNCE, True),
]


@pytest.mark.parametrize(
    ("code", "enhanced", "text", "category", "permanent"),
    [r[1:] for r in DECODES],
    ids=[r[0] for r in DECODES],
)
def test_decodes(
    code: int | None, enhanced: str | None, text: str | None, category: S, permanent: bool
) -> None:
    diagnosis = decode(code, enhanced, text)
    assert (diagnosis.category, diagnosis.permanent) == (category, permanent)
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
        "the sender's IP or domain is on a blocklist"
    )
    assert decode(550, "5.1.1", "listed at spamhaus").cue is None


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
