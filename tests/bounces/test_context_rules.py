"""The reason read END TO END: what the report around a reply adds to it (the SMTP stage, the
DSN's Status and diagnostic type, the report's giving up), and where a recipient's reply is
found (its line's own words, multi-line replies, sendmail's transcript). One class of rule per
table; every message here is made up in the servers' formats, none is from the corpus."""

from __future__ import annotations

import pytest

from bot.bounces import read_bounce
from bot.bounces.model import FailedRecipient
from bot.diagnostics.smtp import BounceReason, SmtpCategory, Stage, decode, read_as
from tests.bounces.test_reader import HEAD, dsn

R = BounceReason


def only(message: bytes) -> FailedRecipient:
    (recipient,) = read_bounce(message).recipients
    return recipient


def postfix(said: bytes, diagnostic: bytes) -> bytes:
    """A Postfix bounce: its text names the stage; its DSN field quotes the reply alone."""
    text = b"This is the mail system at host mx.example.net.\n\n<anna@example.com>: " + said
    group = (b"Final-Recipient: rfc822; anna@example.com\nAction: failed\nStatus: 5.0.0\n"
             b"Diagnostic-Code: smtp; " + diagnostic + b"\n")  # fmt: skip
    return dsn(group, text=text + b"\n")


def exim(failure: bytes) -> bytes:
    return (
        HEAD
        + b"To: shop@shop.example\n\nA message that you sent could not be delivered to one or\n"
        b"more of its recipients. This is a permanent error. The following address(es) failed:\n\n"
        b"  anna@example.com\n    host mx.example.com [192.0.2.1]\n    " + failure + b"\n"
    )


# -- the SMTP stage: a typed argument of `decode`, read by the bounce reader around the reply


@pytest.mark.parametrize(
    ("text", "stage", "reason"),
    [
        ("550 Unknown user", None, R.USER_UNKNOWN),
        ("550 Unknown user", Stage.DATA, R.FILTERED),  # the address had been accepted
        ("550 5.1.7 No such domain", Stage.MAIL, R.REJECTED),  # the sender's domain
        ("550 Rejected", Stage.CONNECT, R.BLOCKED),  # the sending host was refused
        ("550 Rejected", None, R.REJECTED),
        # the text's own wrapper names the stage: it comes first
        ("host mx said: 550 Unknown user (in reply to RCPT TO command)", Stage.DATA,
         R.USER_UNKNOWN),
    ],
)  # fmt: skip
def test_decode_reads_the_stage_it_is_given(text: str, stage: Stage | None, reason: R) -> None:
    assert decode(None, None, text, stage=stage).reason is reason


@pytest.mark.parametrize(
    ("enhanced", "status", "expected"),
    [(None, "5.2.2", "5.2.2"), ("5.1.1", "5.2.2", "5.1.1"), (None, "bogus", None)],
)  # fmt: skip
def test_a_status_decides_only_where_no_enhanced_code_is_given_or_quoted(
    enhanced: str | None, status: str, expected: str | None
) -> None:
    assert decode(550, enhanced, "550 refused", status=status).enhanced == expected
    assert decode(550, None, "550 5.7.1 refused", status=status).enhanced == "5.7.1"


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (postfix(b"host mx.example.com[192.0.2.1] said: 550 Unknown user (in reply to end of "
                 b"DATA command)", b"550 Unknown user"), R.FILTERED),
        (postfix(b"host mx.example.com[192.0.2.1] said: 550 Unknown user (in reply to RCPT TO "
                 b"command)", b"550 Unknown user"), R.USER_UNKNOWN),
        (postfix(b"host mx.example.com[192.0.2.1] refused to talk to me: 421 Service not "
                 b"available", b"421 Service not available"), R.BLOCKED),
        (exim(b"SMTP error from remote mail server after MAIL FROM:<shop@shop.example>:\n"
              b"    550 5.1.7 No such domain"), R.REJECTED),
        (exim(b"SMTP error from remote mail server after EHLO mx.shop.example:\n    550 "
              b"Rejected"), R.BLOCKED),
        (exim(b"SMTP error from remote mail server after RCPT TO:<anna@example.com>:\n    550 "
              b"Rejected"), R.REJECTED),
    ],
    ids=["postfix-data", "postfix-rcpt", "postfix-greeting", "exim-mail", "exim-ehlo",
         "exim-rcpt"],
)  # fmt: skip
def test_the_stage_the_report_names_around_the_reply_is_read(message: bytes, reason: R) -> None:
    assert only(message).reason is reason


# -- giving up: `expired` only where the reply itself names no reason

GIVE_UP = b"I'm not going to try again; this message has been in the queue too long.\n"


@pytest.mark.parametrize(
    ("message", "reason", "permanent"),
    [
        (HEAD + b"\nHi. This is the qmail-send program.\n\n<anna@example.com>:\n"
         b"Sorry, I couldn't find any host by that name.\n" + GIVE_UP, R.HOST_UNKNOWN, True),
        (HEAD + b"\nHi. This is the qmail-send program.\n\n<anna@example.com>:\n"
         b"192.0.2.1 does not like recipient.\nRemote host said: 452 4.2.2 Mailbox full\n"
         + GIVE_UP, R.MAILBOX_FULL, False),
        (HEAD + b"\nHi. This is the qmail-send program.\n\n<anna@example.com>:\n" + GIVE_UP,
         R.EXPIRED, False),
        (HEAD + b"\nYour message was not delivered within 2 days and 1 hours.\n\n"
         b"The following recipients did not receive this message:\n\n<anna@example.com>\n",
         R.EXPIRED, False),
        (dsn(b"Final-Recipient: rfc822; anna@example.com\nAction: failed\nStatus: 4.0.0\n"),
         R.EXPIRED, False),  # failed for good on a temporary status: retrying stopped
        (dsn(b"Final-Recipient: rfc822; anna@example.com\nAction: failed\nStatus: 4.4.1\n"
             b"Diagnostic-Code: smtp; 421 4.4.1 Connection timed out\n"),
         R.NETWORK_ERROR, False),
    ],
    ids=["qmail-host", "qmail-mailbox-full", "qmail-nothing-else", "not-within",
         "dsn-4xx-failed", "dsn-4xx-with-reason"],
)  # fmt: skip
def test_giving_up_is_expired_only_where_the_reply_names_no_reason(
    message: bytes, reason: R, permanent: bool
) -> None:
    recipient = only(message)
    assert (recipient.reason, recipient.permanent) == (reason, permanent)


# -- a local delivery program's failure (X-Unix) is the mailer's unless its words say more


@pytest.mark.parametrize(
    ("diagnostic", "reason"),
    [(b"x-unix; 75", R.MAILER_ERROR), (b"X-Unix; can't create output", R.MAILER_ERROR),
     (b"x-unix; procmail: mailbox is full", R.MAILBOX_FULL),
     (b"smtp; 550 5.1.1 user unknown", R.USER_UNKNOWN)],
)  # fmt: skip
def test_a_local_programs_exit_is_a_mailer_error(diagnostic: bytes, reason: R) -> None:
    group = (b"Final-Recipient: rfc822; anna@example.com\nAction: failed\nStatus: 5.0.0\n"
             b"Diagnostic-Code: " + diagnostic + b"\n")  # fmt: skip
    assert only(dsn(group)).reason is reason


# -- where the reply is: a recipient line's own words, when no reply is quoted


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (b"anna@example.com: Envelope expired\n", R.EXPIRED),
        (b"anna@example.com: Domain does not exist\n", R.HOST_UNKNOWN),
        (b"Invalid final delivery userid: anna@example.com\n", R.USER_UNKNOWN),
        (b"Could not be delivered to: <anna@example.com>\n  As their mailbox is full.\n",
         R.MAILBOX_FULL),
        (b"anna@example.com on Thu, 29 Apr 2010 10:00:00 -0000\n  The recipient name is not "
         b"recognized\n", R.USER_UNKNOWN),
        (b"Your message wasn't delivered to anna@example.com because the address couldn't be "
         b"found.\n", R.USER_UNKNOWN),
    ],
    ids=["after-colon", "host", "lead-in", "next-line", "dated-line", "sentence"],
)  # fmt: skip
def test_a_recipients_own_line_says_why(lines: bytes, reason: R) -> None:
    message = HEAD + b"\nAn error occurred while delivering to these recipients:\n\n" + lines
    assert only(message).reason is reason


def test_a_report_listing_postmaster_alone_names_it_but_an_invitation_does_not() -> None:
    message = (
        HEAD + b"\n   ----- The following addresses had delivery problems -----\n"
        b"postmaster@example.com\n\n   ----- Non-delivered information -----\n"
        b"The number of messages in recipient's mailbox exceeded the local limit.\n\n"
        b"For help, send mail to postmaster@mx.example.net.\n"
    )
    recipient = only(message)
    assert recipient.address == "postmaster@example.com"
    assert recipient.reason is R.MAILBOX_FULL


def test_a_dsn_recipient_at_a_dotless_local_host_is_read() -> None:
    group = (b"Final-Recipient: rfc822; anna@mailhub\nAction: failed\nStatus: 5.2.0\n"
             b"Diagnostic-Code: x-unix; procmail: Lock failure\n")  # fmt: skip
    recipient = only(dsn(group))
    assert (recipient.address, recipient.reason) == ("anna@mailhub", R.MAILER_ERROR)


# -- multi-line replies read whole


def test_a_wrapped_multi_line_reply_is_unfolded() -> None:
    message = postfix(
        b"host mx.example.com[192.0.2.1] said: 550-5.7.1\n    Messages with multiple 550\n"
        b"    5.7.1 addresses in From: header are not accepted. (in reply to end of DATA "
        b"command)",
        b"550-5.7.1 Messages with multiple 550\n    5.7.1 addresses in From: header are not\n"
        b"    accepted.",
    )
    recipient = only(message)
    assert recipient.reply.text == (
        "550 5.7.1 Messages with multiple addresses in From: header are not accepted."
    )
    assert recipient.reason is R.POLICY_VIOLATION


def test_a_reply_cut_after_its_first_line_is_completed_from_the_transcript() -> None:
    first = b"552-5.7.0 This message was blocked because its content presents a potential"
    text = (
        b"   ----- The following addresses had permanent fatal errors -----\n"
        b"<anna@example.com>\n    (reason: " + first + b")\n\n"
        b"   ----- Transcript of session follows -----\n>>> DATA\n<<< " + first + b"\n"
        b"<<< 552-5.7.0 security issue. Please review our content guidelines.\n"
        b"<<< 552 5.7.0 abc123 - gsmtp\n554 5.0.0 Service unavailable\n"
    )
    group = (b"Final-Recipient: RFC822; anna@example.com\nAction: failed\nStatus: 5.7.0\n"
             b"Diagnostic-Code: SMTP; " + first + b"\n")  # fmt: skip
    recipient = only(dsn(group, text=text))
    assert recipient.reply.text is not None
    assert recipient.reply.text.endswith("security issue. Please review our content "
                                         "guidelines. abc123 - gsmtp")  # fmt: skip
    assert recipient.reason is R.POLICY_VIOLATION
    assert recipient.category is SmtpCategory.POLICY


# -- sendmail's own summary line read with the transcript before it


@pytest.mark.parametrize(
    ("transcript", "reason"),
    [
        (b"mail.local: unknown user: anna\n554 <anna@example.com>... Service unavailable\n",
         R.USER_UNKNOWN),
        (b"... while talking to mx.example.com.:\n>>> RCPT To:<anna@example.com>\n"
         b"<<< 550 5.7.1 Blocked: client 192.0.2.9 is listed in a DNSBL\n"
         b"554 <anna@example.com>... Remote protocol error\n", R.BLOCKED),
        # the summary stands alone: what it says is the answer
        (b">>> RCPT To:<anna@example.com>\n554 <anna@example.com>... Service unavailable\n",
         R.SYSTEM_ERROR),
    ],
    ids=["local-mailer", "remote-reply", "summary-alone"],
)  # fmt: skip
def test_sendmails_summary_is_read_with_the_lines_before_it(transcript: bytes, reason: R) -> None:
    text = b"   ----- Transcript of session follows -----\n" + transcript
    group = b"Final-Recipient: RFC822; anna@example.com\nAction: failed\nStatus: 5.0.0\n"
    assert only(dsn(group, text=text)).reason is reason


def test_a_dsn_field_written_in_iso_2022_jp_is_read_as_text() -> None:
    words = "ユーザー anna は見つかりません。 User unknown".encode("iso-2022-jp")
    group = (b"Final-Recipient: rfc822; anna@example.com\nAction: failed\nStatus: 5.0.0\n"
             b"Diagnostic-Code: X-Notes; " + words + b"\n")  # fmt: skip
    recipient = only(dsn(group))
    assert recipient.reply.text is not None
    assert "\x1b" not in recipient.reply.text
    assert "ユーザー" in recipient.reply.text
    assert recipient.reason is R.USER_UNKNOWN


@pytest.mark.parametrize(
    ("message", "reason", "words"),
    [
        (HEAD + b"\nHi. This is the qmail-send program.\n\n<anna@example.com>:\n" + GIVE_UP,
         R.EXPIRED, "Server or network problem"),
        (dsn(b"Final-Recipient: rfc822; anna@example.com\nAction: failed\nStatus: 5.0.0\n"
             b"Diagnostic-Code: x-unix; 75\n"), R.MAILER_ERROR, "Server or network problem"),
    ],
    ids=["expired", "mailer"],
)  # fmt: skip
def test_the_words_shown_follow_the_reason_the_report_adds(
    message: bytes, reason: R, words: str
) -> None:
    recipient = only(message)
    assert recipient.reason is reason
    assert recipient.summary.startswith(words)
    assert "Unexplained" not in recipient.summary


def test_a_reply_read_as_another_reason_keeps_its_codes_and_class() -> None:
    decoded = decode(450, "4.0.0", "450 try later")
    again = read_as(decoded, R.EXPIRED)
    assert (again.reason, again.code, again.enhanced, again.temporary) == (
        R.EXPIRED, 450, "4.0.0", True)  # fmt: skip
    assert "(450 4.0.0)" in again.summary
    assert read_as(decoded, decoded.reason) is decoded
