"""The reply reader on replies worded the way the big providers and common servers word them
(Gmail, Microsoft 365, Yahoo, Comcast, Postfix, Exim, Sendmail, qmail, Mimecast...), none of
them from the labelled corpus: the rules must carry over to mail they were not written against."""

from __future__ import annotations

import pytest

from bot.diagnostics.smtp import decode

# (code, enhanced, the server's text, the reason it gives, in Sisimai's vocabulary)
REPLIES: list[tuple[int | None, str | None, str, str]] = [
    (
        550,
        "5.1.1",
        "550-5.1.1 The email account that you tried to reach does not exist. Please"
        " try double-checking the recipient's email address for typos or unnecessary"
        " spaces. For more information, go to"
        " https://support.google.com/mail/?p=NoSuchUser",
        "userunknown",
    ),
    (
        452,
        "4.2.2",
        "452-4.2.2 The recipient's inbox is out of storage space. Please direct the"
        " recipient to https://support.google.com/mail/?p=OverQuotaTemp",
        "mailboxfull",
    ),
    (
        550,
        "5.7.1",
        "550-5.7.1 [192.0.2.1] Our system has detected that this message is likely"
        " unsolicited mail. To reduce the amount of spam sent to Gmail, this message"
        " has been blocked.",
        "spamdetected",
    ),
    (
        550,
        "5.7.26",
        "550-5.7.26 This mail is unauthenticated, which poses a security risk to the"
        " sender and Gmail users, and has been blocked. The sender must authenticate"
        " with at least one of SPF or DKIM.",
        "securityerror",
    ),
    (
        550,
        "5.5.0",
        "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302).",
        "userunknown",
    ),
    (
        550,
        "5.7.1",
        "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please"
        " contact your Internet service provider since part of their network is on our"
        " block list (S3150).",
        "blocked",
    ),
    (
        451,
        "4.7.500",
        "451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (S77719)",
        "systemerror",
    ),
    (
        550,
        "5.7.708",
        "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.",
        "blocked",
    ),
    (
        554,
        "5.6.211",
        "554 5.6.211 Invalid MIME Content: Single text value size (32768) exceeded allowed maximum",
        "contenterror",
    ),
    (
        552,
        None,
        "552 1 Requested mail action aborted, mailbox not found",
        "userunknown",
    ),
    (
        553,
        "5.7.2",
        "553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred;"
        " Retrying will NOT succeed.",
        "blocked",
    ),
    (
        554,
        None,
        "554 resimta-ch2-18v.sys.comcast.net found on one or more DNSBLs, see"
        " http://postmaster.comcast.net/smtp-error-codes.php#BL000001",
        "blocked",
    ),
    (
        504,
        "5.5.2",
        "504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname",
        "blocked",
    ),
    (
        550,
        None,
        "550 Administrative prohibition",
        "rejected",
    ),
    (
        550,
        None,
        "550 Verification failed for <x@example.org> Unrouteable address Sender verify failed",
        "rejected",
    ),
    (
        451,
        None,
        "451 Temporary local problem - please try later",
        "systemerror",
    ),
    (
        550,
        "5.7.1",
        "550 5.7.1 <x@example.org>... Relaying denied. Proper authentication required.",
        "norelaying",
    ),
    (
        550,
        None,
        "550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550",
        "userunknown",
    ),
    (
        554,
        "5.7.1",
        "554 5.7.1 [CS01] Message rejected due to local policy.",
        "policyviolation",
    ),
    (
        550,
        None,
        "550 Message was not accepted -- invalid mailbox. Local mailbox x@mail.ru is"
        " unavailable: user not found",
        "userunknown",
    ),
    (
        550,
        "5.4.5",
        "550 5.4.5 Daily user sending quota exceeded.",
        "toomanyconn",
    ),
    (
        550,
        "5.7.1",
        "550 5.7.1 Sender IP reputation is bad",
        "blocked",
    ),
    (
        550,
        None,
        "550 This mailbox is disabled (554.30)",
        "suspend",
    ),
    (
        452,
        "4.3.1",
        "452 4.3.1 Insufficient system resources",
        "systemfull",
    ),
    (
        421,
        "4.4.2",
        "421 4.4.2 Connection dropped due to timeout",
        "networkerror",
    ),
    (
        550,
        "5.7.1",
        "550 5.7.1 Email rejected per SPAM policy",
        "spamdetected",
    ),
    (
        554,
        "5.7.5",
        "554 5.7.5 Permanent error evaluating DMARC policy",
        "policyviolation",
    ),
    (
        550,
        "5.1.1",
        "550 5.1.1 <x@free.fr>: Recipient address rejected: free.fr MAILBOX NOT FOUND",
        "userunknown",
    ),
    (
        554,
        "5.7.1",
        "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using"
        " zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1",
        "blocked",
    ),
    (
        450,
        "4.1.8",
        "450 4.1.8 <a@b.example>: Sender address rejected: Domain not found",
        "rejected",
    ),
    (
        550,
        None,
        "550 High probability of spam",
        "spamdetected",
    ),
    (
        550,
        "5.7.1",
        "550 5.7.1 Delivery not authorized, message refused",
        "securityerror",
    ),
    (
        None,
        None,
        "Sorry. Although I'm listed as a best-preference MX or A for that host, it"
        " isn't in my control/locals file, so I don't treat it as local. (#5.4.6)",
        "networkerror",
    ),
    (
        550,
        None,
        "550 Rejected by header based Anti-Spoofing policy",
        "policyviolation",
    ),
    (
        552,
        None,
        "552 Mailbox limit exeeded for this email address",
        "mailboxfull",
    ),
    (
        550,
        "5.2.1",
        "550 5.2.1 The email account that you tried to reach is inactive.",
        "suspend",
    ),
    (
        550,
        None,
        "550 5.7.1 Recipient not authorized, your IP has been found on a block list",
        "blocked",
    ),
    (
        550,
        "5.7.1",
        "550 5.7.1 Mail from IP 192.0.2.1 was rejected due to listing in Spamhaus SBL",
        "blocked",
    ),
    (
        451,
        "4.7.1",
        "451 4.7.1 Greylisting in action, please come back later",
        "blocked",
    ),
    (
        550,
        None,
        "550 5.1.0 Address rejected x@example.com",
        "userunknown",
    ),
    (
        554,
        "5.7.1",
        "554 5.7.1 The message from (<x@y>) with the subject of ( hi ) matches a"
        " profile the Internet community may consider spam.",
        "spamdetected",
    ),
    (
        550,
        None,
        "550 No such recipient",
        "userunknown",
    ),
    (
        550,
        "5.1.2",
        "550 5.1.2 Bad destination system address",
        "hostunknown",
    ),
    (
        None,
        None,
        "Host or domain name not found. Name service error for name=exampel.com"
        " type=A: Host not found",
        "hostunknown",
    ),
    (
        None,
        None,
        "connect to mx.example.com[192.0.2.1]:25: Connection refused",
        "networkerror",
    ),
    (
        550,
        None,
        "550 5.7.1 Message rejected: virus found in attachment",
        "virusdetected",
    ),
    (
        552,
        "5.3.4",
        "552 5.3.4 Error: message file too big",
        "mesgtoobig",
    ),
    (
        554,
        None,
        "554 5.7.1 You are not allowed to send to this recipient",
        "rejected",
    ),
    (
        550,
        None,
        "550 Sender is on user denylist",
        "rejected",
    ),
]


@pytest.mark.parametrize(
    ("code", "enhanced", "text", "reason"), REPLIES, ids=[r[2][:50] for r in REPLIES]
)
def test_reads_real_replies(code: int | None, enhanced: str | None, text: str, reason: str) -> None:
    assert decode(code, enhanced, text).reason == reason
