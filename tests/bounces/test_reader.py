"""The bounce reader's rules on small made-up messages, one behaviour per row."""

from __future__ import annotations

import pytest

from bot.bounces import BounceKind, read_bounce

HEAD = b"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nSubject: Returned mail\n"


def dsn(*groups: bytes, text: bytes = b"See the report.\n") -> bytes:
    fields = b"\n".join(groups)
    return (
        HEAD + b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        b"--B\nContent-Type: text/plain\n\n" + text + b"\n--B\n"
        b"Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
        + fields
        + b"\n--B--\n"
    )


def test_a_status_without_a_diagnostic_still_decides() -> None:
    report = read_bounce(dsn(b"Final-Recipient: rfc822; anna@example.com\nAction: failed\n"
                             b"Status: 5.1.1\n"))  # fmt: skip
    (recipient,) = report.recipients
    assert recipient.reply.enhanced == "5.1.1"
    assert recipient.permanent


def test_the_replys_own_code_beats_a_filler_status() -> None:
    group = (
        b"Final-Recipient: rfc822; anna@example.com\nAction: failed\nStatus: 5.0.0\n"
        b"Diagnostic-Code: smtp; 550 5.2.2 Mailbox full\n"
    )
    report = read_bounce(dsn(group))
    assert report.recipients[0].reply.enhanced == "5.2.2"


def test_two_recipient_groups_without_a_blank_line_are_two_recipients() -> None:
    report = read_bounce(dsn(b"Final-Recipient: rfc822; anna@example.com\nAction: failed\n"
                             b"Status: 5.1.1\nFinal-Recipient: rfc822; bob@example.com\n"
                             b"Action: failed\nStatus: 5.1.1\n"))  # fmt: skip
    assert [r.address for r in report.recipients] == ["anna@example.com", "bob@example.com"]


@pytest.mark.parametrize(
    ("action", "kind"),
    [(b"delivered", BounceKind.NOT_BOUNCE), (b"delayed", BounceKind.DELAY),
     (b"relayed", BounceKind.NOT_BOUNCE)],
    ids=["delivered", "delayed", "relayed"],
)  # fmt: skip
def test_a_dsn_is_a_bounce_only_when_an_action_failed(action: bytes, kind: BounceKind) -> None:
    group = b"Final-Recipient: rfc822; anna@example.com\nAction: " + action + b"\nStatus: 4.4.1\n"
    assert read_bounce(dsn(group)).kind is kind


def test_a_forwarded_bounce_quoted_with_angle_brackets_is_read() -> None:
    quoted = (
        b"From: colleague@shop.example\nSubject: Fwd: failure\n\n"
        b"> This is the mail system at host mx.example.net.\n"
        b"> I'm sorry to have to inform you that your message could not\n"
        b"> be delivered to one or more recipients.\n>\n"
        b"> <anna@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 no such user\n"
    )
    report = read_bounce(quoted)
    assert [r.address for r in report.recipients] == ["anna@example.com"]
    assert report.recipients[0].remote_host == "mx.example.com"


def test_the_sender_named_in_the_report_is_not_a_failed_recipient() -> None:
    text = (
        HEAD + b"\nA message sent by\n\n  <orders@shop.example>\n\n"
        b"could not be delivered to one or more of its recipients. The following address(es) "
        b"failed:\n\n  anna@example.com\n    SMTP error from remote mail server after RCPT TO:\n"
        b"    host mx.example.com [192.0.2.1]: 550 5.1.1 unknown user\n"
    )
    report = read_bounce(text)
    assert [r.address for r in report.recipients] == ["anna@example.com"]
    assert report.recipients[0].reply.text == "550 5.1.1 unknown user"


def test_an_ses_bounce_notification_names_its_bounced_recipients() -> None:
    body = (
        b'{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bouncedRecipients":'
        b'[{"emailAddress":"anna@example.com","action":"failed","status":"5.1.1",'
        b'"diagnosticCode":"smtp; 550 5.1.1 user unknown"}]}}'
    )
    report = read_bounce(b"From: no-reply@sns.amazonaws.com\nSubject: AWS Notification\n\n"
                         + body)  # fmt: skip
    assert [r.address for r in report.recipients] == ["anna@example.com"]
