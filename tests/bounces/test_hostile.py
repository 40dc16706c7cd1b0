"""Malformed and hostile messages: answered clearly, without a crash, within bounded reading."""

from __future__ import annotations

import base64
import os
import tracemalloc

from bot.bounces import BounceKind, read_bounce
from bot.bounces.mime import MAX_BYTES

BOUNCE = b"""From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: sender@shop.example
Subject: Undelivered Mail Returned to Sender
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

<anna@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 <!channel> no such
    user (in reply to RCPT TO command)

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; anna@example.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 550 5.1.1 <!channel> no such user

--B
Content-Type: message/rfc822

Message-ID: <8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example>
From: sender@shop.example
To: anna@example.com
Subject: Your order
Content-Type: multipart/mixed; boundary="I"

--I
Content-Type: text/plain

Hello
--I
Content-Type: application/pdf
Content-Transfer-Encoding: base64

"""


def test_a_25_mb_attachment_is_never_decoded_and_the_bounce_is_still_read() -> None:
    chunk = base64.encodebytes(os.urandom(57 * 1000))
    data = BOUNCE + chunk * (25_000_000 // len(chunk) + 1) + b"\n--I--\n--B--\n"
    assert len(data) > 25_000_000
    tracemalloc.start()
    report = read_bounce(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report.kind is BounceKind.BOUNCE
    assert [r.address for r in report.recipients] == ["anna@example.com"]
    assert report.original_message_id == "8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example"
    assert peak < 20 * MAX_BYTES  # bounded by what is read, not by the 25 MB
    assert any("first" in note for note in report.notes)


def test_a_reply_with_a_channel_ping_is_kept_as_data() -> None:
    report = read_bounce(BOUNCE + b"--I--\n--B--\n")
    (recipient,) = report.recipients
    assert recipient.reply.text is not None
    assert "<!channel>" in recipient.reply.text
    assert recipient.address == "anna@example.com"  # the ping is not taken for an address
    assert recipient.permanent


def test_message_rfc822_nested_thousands_of_levels_deep_is_cut_with_a_note() -> None:
    level = b"Content-Type: message/rfc822\n\n"
    data = b"From: someone@example.com\nSubject: nested\n" + level * 5_000 + b"Hi\n"
    report = read_bounce(data)
    assert report.kind is BounceKind.NOT_BOUNCE
    assert any("nested" in note for note in report.notes)


def test_broken_mime_without_its_closing_boundary_is_read() -> None:
    report = read_bounce(BOUNCE.split(b"--B\nContent-Type: message/rfc822")[0])
    assert report.kind is BounceKind.BOUNCE
    assert [r.address for r in report.recipients] == ["anna@example.com"]


def test_a_multipart_without_a_readable_boundary_is_read_as_text() -> None:
    data = (
        b"From: MAILER-DAEMON@mx.example.net\nSubject: failure notice\n"
        b'Content-Type: multipart/mixed;\nboundary="X"\n\n--X\nContent-Type: text/plain\n\n'
        b"<bob@example.org>:\nRemote host said: 550 5.1.1 User unknown\n--X--\n"
    )
    report = read_bounce(data)
    assert [r.address for r in report.recipients] == ["bob@example.org"]
    assert report.recipients[0].reply.code == 550


def test_an_encoded_word_flood_in_the_headers_is_bounded() -> None:
    flood = b"=?utf-8?B?" + base64.b64encode(b"x" * 30) + b"?= "
    data = b"Subject: " + flood * 50_000 + b"\nFrom: a@example.com\n\nHello\n"
    report = read_bounce(data)
    assert report.kind is BounceKind.NOT_BOUNCE
    assert report.recipients == ()


def test_binary_garbage_and_empty_input_are_not_bounces() -> None:
    assert read_bounce(b"").kind is BounceKind.NOT_BOUNCE
    assert read_bounce(os.urandom(4_000)).recipients == ()
    assert read_bounce("plain words, no headers at all").kind is BounceKind.NOT_BOUNCE


def test_an_unknown_charset_does_not_stop_the_reading() -> None:
    data = BOUNCE.replace(b"Content-Type: text/plain\n\n<anna", b"Content-Type: text/plain; "
                          b"charset=x-no-such-charset\n\n<anna") + b"--I--\n--B--\n"  # fmt: skip
    assert [r.address for r in read_bounce(data).recipients] == ["anna@example.com"]


def test_an_out_of_office_reply_is_an_auto_reply() -> None:
    data = (
        b"From: anna@example.com\nTo: sender@shop.example\nSubject: Out of Office: Your order\n"
        b"Auto-Submitted: auto-replied\n\nI am away until Monday; write to bob@example.com.\n"
    )
    report = read_bounce(data)
    assert report.kind is BounceKind.AUTO_REPLY
    assert report.recipients == ()


def test_a_report_naming_thousands_of_addresses_lists_a_bounded_number() -> None:
    lines = b"".join(b"<user%d@example.com>:\n" % n for n in range(5_000))
    data = b"From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail\n\n" + lines
    report = read_bounce(data)
    assert report.kind is BounceKind.BOUNCE
    assert 0 < len(report.recipients) <= 200


def test_a_megabyte_of_at_signs_is_no_recipient() -> None:
    data = b"From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail\n\n" + b"a@" * 500_000
    assert read_bounce(data).recipients == ()


def test_hostile_lines_around_replies_are_read_in_bounded_time() -> None:
    """A postmaster address trailed by a long run of marks (the 'alone on its line' rule), a
    reply cut after its first line with thousands of continuations, and a sendmail summary
    after thousands of transcript lines: each read, none taken as more than it is."""
    marks = b"postmaster@example.com" + b":" * 20_000 + b"<\n"
    cut = b"552-5.7.0 blocked " + b"x" * 50 + b"\n"
    continued = b"<<< " + cut * 500
    said = b"mail.local: error\n" * 2_000 + b"554 <anna@example.com>... Service unavailable\n"
    data = (b"From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail\n\n"
            b"The following addresses had delivery problems:\n" + marks
            + b"<anna@example.com>\n    (reason: " + cut + b")\n" + continued + said)  # fmt: skip
    report = read_bounce(data)
    assert [r.address for r in report.recipients] == ["anna@example.com"]
    (recipient,) = report.recipients
    assert recipient.reply.text is not None
    assert len(recipient.reply.text) <= 1_000
