"""qbx's reading of the labelled corpus against Sisimai's: recipients, original ids, kinds."""

from __future__ import annotations

import pytest

from bot.bounces import BounceKind
from tests.bounces.corpus import Score, files_under, labels, read, score

LABELS = labels()


@pytest.fixture(scope="module")
def scored() -> Score:
    return score(LABELS)


def test_failed_recipient_sets_equal_sisimais_on_95_percent_of_bounce_files(
    scored: Score,
) -> None:
    assert scored.files >= 300
    assert scored.equal_sets / scored.files >= 0.95, "\n".join(scored.disagreements)


def test_original_message_id_found_where_sisimai_found_one_on_90_percent(scored: Score) -> None:
    assert scored.ids_wanted >= 250
    assert scored.ids_found / scored.ids_wanted >= 0.90, "\n".join(scored.disagreements)


@pytest.mark.parametrize("name", files_under("not"))
def test_ordinary_mail_is_not_a_bounce(name: str) -> None:
    report = read(name)
    assert report.kind is BounceKind.NOT_BOUNCE
    assert not report.is_bounce
    assert report.recipients == ()


@pytest.mark.parametrize("name", sorted(n for n, e in LABELS.items() if n.startswith("eml/bsd/arf")
                                        and e.feedback))  # fmt: skip
def test_abuse_feedback_reports_are_feedback_never_failures(name: str) -> None:
    report = read(name)
    assert report.kind is BounceKind.FEEDBACK
    assert report.recipients == ()


@pytest.mark.parametrize("name", sorted(n for n, e in LABELS.items() if e.vacation))
def test_vacation_replies_are_auto_replies(name: str) -> None:
    report = read(name)
    assert report.kind is BounceKind.AUTO_REPLY
    assert report.recipients == ()


@pytest.mark.parametrize("name", ["eml/bsd/rfc3464-07.eml", "eml/bsd/rhost-outlook-06.eml"])
def test_delay_notices_are_delays_not_bounces(name: str) -> None:
    report = read(name)
    assert report.kind is BounceKind.DELAY
    assert not report.is_bounce
    assert all(not r.permanent for r in report.recipients)


def test_a_postfix_report_gives_reply_host_and_original_id() -> None:
    report = read("eml/bsd/rfc3464-01.eml")
    assert report.kind is BounceKind.BOUNCE
    (recipient,) = report.recipients
    assert recipient.address == "userunknown@bouncehammer.jp"
    assert (recipient.reply.code, recipient.reply.enhanced) == (550, "5.1.1")
    assert recipient.remote_host == "mx.bouncehammer.jp"
    assert recipient.permanent
    assert report.original_message_id == "E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org"


def test_a_plain_text_exim_report_is_read_without_a_delivery_status_part() -> None:
    report = read("eml/bsd/lhost-exim-03.eml")
    (recipient,) = report.recipients
    assert recipient.address == "kijitora@example.or.jp"
    assert recipient.reply.text == "554 5.7.0 Header error"
    assert recipient.remote_host == "mx.example.jp"
    assert report.original_message_id == "hogeuoiuadogalhg.dg9i09@example.jp"


def test_reply_codes_agree_with_sisimais_where_it_read_them(scored: Score) -> None:
    assert scored.codes_compared >= 250
    assert scored.codes_agree / scored.codes_compared >= 0.92, "\n".join(scored.disagreements)


def test_a_sendmail_transcript_gives_the_remote_reply_not_sendmails_own_status() -> None:
    report = read("eml/bsd/lhost-v5sendmail-04.eml")
    replies = {r.address: r.reply for r in report.recipients}
    assert replies["mikeneko@example.ac.jp"].code == 550
    assert replies["mikeneko@example.ac.jp"].text == (
        "550 Host unknown (Authoritative answer from name server)"
    )
