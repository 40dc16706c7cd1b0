"""recognise(): what is found in commands and pastes, its hints, its limits, hostile input."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.recognition.ids import MAX_CHARS, MAX_OVERFLOW, recognise
from bot.recognition.targets import FieldProblem, Recognition, TargetKind

MID = "8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example"
MID2 = "0b6c1f4e-2d3a-4c5b-9e8f-7a6b5c4d3e2f@news.example"
RID = "f43eb659-beb4-4f8a-a737-2d403998f4cf"
TODAY = date(2026, 11, 23)

K = TargetKind


def found(result: Recognition) -> list[tuple[str, str]]:
    return [(t.kind.value, t.value) for t in result.targets]


FINDS = [
    ("bare message id", MID, [(K.MESSAGE_ID, MID)]),
    ("message id in angle brackets", f"<{MID}>", [(K.MESSAGE_ID, MID)]),
    ("message id slack-escaped brackets", f"&lt;{MID}&gt;", [(K.MESSAGE_ID, MID)]),
    ("message id upper case normalised", MID.upper(), [(K.MESSAGE_ID, MID)]),
    ("message id slack mailto-wrapped", f"<mailto:{MID}|{MID}>", [(K.MESSAGE_ID, MID)]),
    ("message id at sentence end", f"see {MID}.", [(K.MESSAGE_ID, MID)]),
    ("message id in slack bold", f"*{MID}*", [(K.MESSAGE_ID, MID)]),
    ("header message id of any form", "Message-ID: <CAF=x1@mail.gmail.com>",
     [(K.MESSAGE_ID, "CAF=x1@mail.gmail.com")]),
    ("request id", f"request {RID} failed", [(K.REQUEST_ID, RID)]),
    ("request id in json key", f'"request_id": "{RID}"', [(K.REQUEST_ID, RID)]),
    ("uuid v1 is not a request id", "f43eb659-beb4-1f8a-a737-2d403998f4cf", []),
    ("uuid glued to letters is not an id", f"x{RID}x", []),
    ("address", "mail to Bob@Example.com bounced", [(K.ADDRESS, "bob@example.com")]),
    ("address slack mailto", "<mailto:bob@example.com|bob@example.com>",
     [(K.ADDRESS, "bob@example.com")]),
    ("address with plus tag", "ann+news@shop.example", [(K.ADDRESS, "ann+news@shop.example")]),
    ("domain", "is shop.example healthy?", [(K.DOMAIN, "shop.example")]),
    ("domain slack autolink", "<http://shop.example|shop.example>", [(K.DOMAIN, "shop.example")]),
    ("domain with ccTLD", "acme.it", [(K.DOMAIN, "acme.it")]),
    ("file name is not a domain", "attached report.pdf and notes.txt", []),
    ("script name is not a domain", "ran deploy.sh", []),
    ("version is not a domain", "upgraded to 1.2.3 and v2.0.1", []),
    ("code path is not a domain", "bot.recognition.ids.recognise failed", []),
    ("prose without space is not a domain", "lorem ipsum dolor.sit amet", []),
    ("url host is not a domain", "see https://api.qboxmail.com/v1/send", []),
    ("method call is not a domain", "client.send(payload)", []),
    ("mail server in a log is not a domain", "remote_mx=mx1.mail.example.net relay=a.example.org",
     []),
    ("host key with quotes", '"host": "smtp.example.com"', []),
    ("message id domain not a domain target", f"{MID} from shop.example",
     [(K.MESSAGE_ID, MID)]),
    ("address domain not a domain target", "bob@example.com at example.com",
     [(K.ADDRESS, "bob@example.com")]),
    ("hosting domain code", "domain D123456789", [(K.HOSTING_DOMAIN_CODE, "D123456789")]),
    ("mailbox code EA", "mailbox EA12345678", [(K.MAILBOX_CODE, "EA12345678")]),
    ("postmaster code P", "P123456789", [(K.MAILBOX_CODE, "P123456789")]),
    ("delivery domain code", "DD66042061", [(K.DELIVERY_DOMAIN_CODE, "DD66042061")]),
    ("log id", "log L000000012345", [(K.LOG_ID, "L000000012345")]),
    ("codes with wrong digit counts", "D12345678 EA1234567 DD123456789 L00000001234", []),
    ("account words", "account 4127", [(K.ACCOUNT_ID, "4127")]),
    ("account hash", "account #4127", [(K.ACCOUNT_ID, "4127")]),
    ("account_id colon", "account_id: 4127", [(K.ACCOUNT_ID, "4127")]),
    ("account_id json", '{"account_id": 4127}', [(K.ACCOUNT_ID, "4127")]),
    ("account equals", "account=4127", [(K.ACCOUNT_ID, "4127")]),
    ("a text that is only a number", " 4127 ", [(K.ACCOUNT_ID, "4127")]),
    ("a text that is only a hash number", "#4127", [(K.ACCOUNT_ID, "4127")]),
    ("a number in a sentence is not an id", "sent 4127 mails", []),
    ("accounts plural is not an id", "accounts 4127", []),
    ("account followed by a date is not an id", "account 2026-11-20", []),
    ("nothing", "hello, is anyone there?", []),
    ("empty", "", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in FINDS], ids=[r[0] for r in FINDS])
def test_recognises(text: str, expected: list[tuple[TargetKind, str]]) -> None:
    assert found(recognise(text)) == [(k.value, v) for k, v in expected]


HOSTILE = [
    ("slack channel mention", f"<!channel> {MID}"),
    ("slack user mention", f"<@U123ABC> {MID}"),
    ("slack channel link", f"<#C123|general> {MID}"),
    ("zero width inside id", MID[:8] + "\u200b" + MID[8:]),
    ("byte order mark before id", "\ufeff" + MID),
    ("nul bytes around id", f"\x00{MID}\x00"),
    ("lone surrogates around id", f"\ud800{MID}\udfff"),
    ("carriage returns", f"\r\n{MID}\r\n"),
    ("enormous line before id", "x" * 50_000 + " " + MID),
    ("unclosed brackets", "<" * 5_000 + " " + MID),
    ("deeply nested json", "[" * 50_000 + " " + MID),
    ("nested objects", '{"a":' * 20_000 + " " + MID),
    ("broken json", '{"error_code": 403, "error": ' + MID),
    ("huge number in json", '{"error_code": ' + "9" * 10_000 + "} " + MID),
    ("unclosed python literals", "{'a': " * 10_000 + MID),
    ("escaped json never closing", '{\\"a\\": ' * 10_000 + MID),
]


@pytest.mark.parametrize("text", [r[1] for r in HOSTILE], ids=[r[0] for r in HOSTILE])
def test_hostile_input_still_finds_the_id(text: str) -> None:
    assert found(recognise(text)) == [("message_id", MID)]


HINTS = [
    ("recipient on the same line", f"{MID} to bob@example.com", ("bob@example.com",), (), ()),
    ("sender by from key", f"{MID} from=noreply@shop.example to=bob@example.com",
     ("bob@example.com",), ("noreply@shop.example",), ()),
    ("iso date", f"{MID} 2026-11-20", (), (), (date(2026, 11, 20),)),
    ("iso timestamp", f"2026-11-20T10:00:01Z {MID}", (), (), (date(2026, 11, 20),)),
    ("day month year", f"{MID} sent 20/11/2026", (), (), (date(2026, 11, 20),)),
    ("yesterday", f"{MID} yesterday", (), (), (date(2026, 11, 22),)),
    ("today", f"today {MID}", (), (), (date(2026, 11, 23),)),
    ("invalid date ignored", f"{MID} 2026-13-45", (), (), ()),
    ("far on another line is not a hint", f"{MID}\n" + "x " * 200 + "\nbob@example.com",
     (), (), ()),
    ("nearest line when own line has none", f"{MID}\nto bob@example.com",
     ("bob@example.com",), (), ()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "recipients", "senders", "dates"), [r[1:] for r in HINTS], ids=[r[0] for r in HINTS]
)
def test_hints_near_an_id(
    text: str, recipients: tuple[str, ...], senders: tuple[str, ...], dates: tuple[date, ...]
) -> None:
    target = recognise(text, today=TODAY).targets[0]
    assert (target.kind, target.value) == (K.MESSAGE_ID, MID)
    assert (target.hints.recipients, target.hints.senders, target.hints.dates) == (
        recipients,
        senders,
        dates,
    )


def test_each_log_line_keeps_its_own_recipient() -> None:
    text = f"{MID} to=ann@example.com\n{MID2} to=bob@example.com\n"
    hints = {t.value: t.hints.recipients for t in recognise(text).targets}
    assert hints == {MID: ("ann@example.com",), MID2: ("bob@example.com",)}


def test_recipient_used_as_hint_is_not_traced_again() -> None:
    result = recognise(f"{MID} to bob@example.com\nalso carol@example.com")
    assert found(result) == [("message_id", MID), ("address", "carol@example.com")]


def test_account_beside_a_message_id_is_a_hint() -> None:
    result = recognise(f"account 4127 sent {MID}")
    assert found(result) == [("message_id", MID)]
    assert result.targets[0].hints.account_id == 4127


def test_hosting_code_beside_a_mailbox_code_is_its_domain_code() -> None:
    result = recognise("D123456789 / EA12345678 info@shop.example")
    assert found(result) == [("mailbox_code", "EA12345678")]
    assert result.targets[0].hints.domain_code == "D123456789"
    assert result.targets[0].hints.recipients == ("info@shop.example",)


def test_dates_need_a_reference_day_for_words() -> None:
    assert recognise(f"{MID} yesterday").targets[0].hints.dates == ()


def test_repeated_id_is_one_target_with_both_hints() -> None:
    result = recognise(f"{MID} to ann@example.com\n\n{'.' * 300}\n{MID} on 2026-11-20")
    assert len(result.targets) == 1
    assert result.targets[0].hints.recipients == ("ann@example.com",)
    assert result.targets[0].hints.dates == (date(2026, 11, 20),)


FAR = "\n" + "-" * 250 + "\n"  # beyond the hint window, so nothing becomes another's hint
PRIORITY_TEXT = FAR.join(
    [
        "example.org",
        "bob@example.com",
        "account 4127",
        "DD66042061",
        "EA12345678",
        RID,
        MID,
        json.dumps({"error_code": 401, "error": "invalid_token", "message": "no"}),
    ]
)


def test_targets_ordered_by_priority_then_appearance() -> None:
    result = recognise(PRIORITY_TEXT, limit=20)
    assert [t.kind for t in result.targets] == [
        K.SEND_RESPONSE,
        K.MESSAGE_ID,
        K.REQUEST_ID,
        K.MAILBOX_CODE,
        K.DELIVERY_DOMAIN_CODE,
        K.ACCOUNT_ID,
        K.ADDRESS,
        K.DOMAIN,
    ]


def test_limit_splits_targets_and_overflow_in_order() -> None:
    ids = [f"8a16f3df-7f5f-4e53-a7e7-3e665ef57c{i:02d}@shop.example" for i in range(8)]
    result = recognise("\n".join(ids), limit=5)
    assert [t.value for t in result.targets] == ids[:5]
    assert [t.value for t in result.overflow] == ids[5:]


def test_overflow_is_bounded() -> None:
    ids = [f"8a16f3df-7f5f-4e53-a7e7-3e665ef{i:05d}@shop.example" for i in range(100)]
    result = recognise(" ".join(ids))
    assert len(result.targets) == 5
    assert len(result.overflow) == MAX_OVERFLOW


def test_zero_limit_lists_everything_as_overflow() -> None:
    result = recognise(MID, limit=0)
    assert result.targets == ()
    assert [t.value for t in result.overflow] == [MID]


def test_megabyte_paste_finds_ids_at_the_start_and_flags_truncation() -> None:
    text = f"{MID} to bob@example.com\n{RID}\n" + ("noise line 1.2.3 report.pdf\n" * 40_000)
    text += "\nDD66042061 beyond the readable prefix"
    assert len(text) > 1_000_000
    result = recognise(text)
    assert result.truncated
    assert found(result) == [("message_id", MID), ("request_id", RID)]


def test_text_at_the_limit_is_not_truncated() -> None:
    text = MID + " " * (MAX_CHARS - len(MID))
    assert not recognise(text).truncated


def test_truncation_does_not_leave_half_an_id() -> None:
    text = "x " * (MAX_CHARS // 2 - 10) + MID
    assert found(recognise(text)) == []


ACCEPTED_202 = {
    "error_code": 0,
    "message": "OK",
    "request_id": RID,
    "queued_messages": 2,
    "messages": [
        {"error_code": 0, "message_id": MID, "to": "ann@example.com",
         "submitted_at": "2026-11-20T08:41:13.225Z", "request_id": RID},
        {"error_code": 0, "message_id": MID2, "to": "bob@example.com", "request_id": RID},
    ],
    "suppression_summary": {"status": "checked"},
}  # fmt: skip
ERROR_403 = {
    "error_code": 403,
    "error": "ip_not_allowed",
    "message": "IP not allowed",
    "request_id": RID,
}


def test_pasted_202_yields_its_message_ids_with_recipients() -> None:
    result = recognise(json.dumps(ACCEPTED_202, indent=2))
    assert found(result) == [("message_id", MID), ("message_id", MID2)]
    first, second = result.targets
    assert first.hints.recipients == ("ann@example.com",)
    assert first.hints.dates == (date(2026, 11, 20),)
    assert second.hints.recipients == ("bob@example.com",)
    assert first.pasted is not None
    assert first.pasted.http_status == 202
    assert first.pasted.request_id == RID
    assert first.pasted.message_ids == (MID, MID2)


SEND_ERRORS = [
    ("bare json", json.dumps(ERROR_403), 403),
    ("code block", f"```\n{json.dumps(ERROR_403, indent=2)}\n```", 403),
    ("log line", f"2026-11-20T10:00:01Z ERROR send failed status=403 body={json.dumps(ERROR_403)}",
     403),
    ("slack escaped quotes untouched", json.dumps(ERROR_403).replace("&", "&amp;"), 403),
    ("escaped json in a log line",
     f"ERROR send failed body={json.dumps(json.dumps(ERROR_403))} to=bob@example.com", 403),
    ("python dict repr in a log line", f"send failed: {ERROR_403!r} ok=False", 403),
    ("smart quotes from slack", json.dumps(ERROR_403).replace('"', "\u201c"), 403),
    ("nested in another object", json.dumps({"response": ERROR_403, "took_ms": 120}), 403),
    ("status from HTTP line when error_code absent",
     'HTTP/1.1 429 Too Many Requests\n{"error": "rate_limited", "request_id": "' + RID + '"}', 429),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "status"), [r[1:] for r in SEND_ERRORS], ids=[r[0] for r in SEND_ERRORS]
)
def test_pasted_send_error_is_one_send_response_target(text: str, status: int) -> None:
    result = recognise(text)
    assert [t.kind for t in result.targets] == [K.SEND_RESPONSE]
    pasted = result.targets[0].pasted
    assert pasted is not None
    assert (pasted.http_status, pasted.request_id) == (status, RID)
    assert pasted.error in {"ip_not_allowed", "rate_limited"}


def test_pasted_send_error_takes_the_log_lines_recipient_and_date() -> None:
    text = f"2026-11-20T10:00:01Z send to=bob@example.com failed body={json.dumps(ERROR_403)}"
    target = recognise(text).targets[0]
    assert target.hints.recipients == ("bob@example.com",)
    assert target.hints.dates == (date(2026, 11, 20),)


def test_request_id_inside_a_pasted_body_is_not_repeated() -> None:
    result = recognise(f"{json.dumps(ERROR_403)}\nrequest_id {RID}")
    assert [t.kind for t in result.targets] == [K.SEND_RESPONSE]


def test_python_literal_with_a_call_is_never_evaluated() -> None:
    text = "{'error_code': 403, 'error': __import__('os').getcwd(), 'request_id': '" + RID + "'}"
    assert found(recognise(text)) == [("request_id", RID)]


def test_unrelated_json_is_not_a_pasted_body() -> None:
    assert found(recognise('{"name": "x", "count": 3}')) == []


def test_malformed_ids_in_a_body_are_dropped() -> None:
    body = {"error_code": 401, "error": "Bad Id!", "request_id": "not-a-uuid", "message": 7}
    pasted = recognise(json.dumps(body)).targets[0].pasted
    assert pasted is not None
    assert (pasted.error, pasted.request_id, pasted.message) == (None, None, None)


MANAGEMENT = [
    ("list of field errors",
     {"message": "Validation failed", "errors": [{"field": "name", "description": "is not valid"}]},
     [FieldProblem("name", "is not valid", "a domain name like example.com (lower case, no scheme "
                   "or path)")]),
    ("errors keyed by field",
     {"message": "Validation failed", "errors": {"allow_nets": ["is invalid", "too many"]}},
     [FieldProblem("allow_nets", "is invalid; too many",
                   "a list of IP addresses or CIDR ranges, like 203.0.113.7 or 203.0.113.0/24")]),
    ("dates and paging",
     {"message": "Validation failed", "errors": [{"field": "start_date", "description": "bad"},
                                                 {"field": "per", "description": "bad"}]},
     [FieldProblem("start_date", "bad",
                   "a date as YYYY-MM-DD within the last 30 days, not after end_date"),
      FieldProblem("per", "bad", "a whole number from 1 to 100")]),
    ("unknown field explained from description",
     {"message": "Validation failed",
      "errors": [{"field": "nickname", "description": "is too long (maximum is 40 characters)"}]},
     [FieldProblem("nickname", "is too long (maximum is 40 characters)", "at most 40 characters")]),
    ("unknown field and description",
     {"message": "Validation failed", "errors": [{"field": "x_y", "description": "odd"}]},
     [FieldProblem("x_y", "odd", "a valid value for x_y")]),
    ("hostile field name sanitised",
     {"message": "Validation failed", "errors": [{"field": "<b>pwd</b>", "description": "blank"}]},
     [FieldProblem("bpwdb", "blank", "a value (it is required)")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "problems"), [r[1:] for r in MANAGEMENT], ids=[r[0] for r in MANAGEMENT]
)
def test_management_validation_error_is_explained_field_by_field(
    body: dict[str, object], problems: list[FieldProblem]
) -> None:
    result = recognise(json.dumps(body))
    assert [t.kind for t in result.targets] == [K.MANAGEMENT_ERROR]
    pasted = result.targets[0].pasted
    assert pasted is not None
    assert pasted.http_status == 422
    assert list(pasted.field_problems) == problems


def test_management_error_without_fields_needs_a_status_nearby() -> None:
    assert found(recognise('{"message": "Unauthorized"}')) == []
    result = recognise('HTTP 401 {"message": "Unauthorized"}')
    assert found(result) == [("management_error", "401 Unauthorized")]


@settings(max_examples=200, deadline=None)
@given(text=st.text(), limit=st.integers(min_value=-3, max_value=12))
def test_never_raises_and_stays_bounded_on_any_text(text: str, limit: int) -> None:
    result = recognise(text, limit=limit, today=TODAY)
    assert len(result.targets) <= max(0, limit)
    assert len(result.overflow) <= MAX_OVERFLOW


ID_ALPHABET = st.sampled_from(
    [MID, RID, "bob@example.com", "shop.example", "D123456789", "EA12345678", "account 7",
     "{", "}", '"error_code":', "403", "<", ">", "&lt;", "|", "mailto:", "\n", " ", "\x00",
     "\u200b", "2026-11-20", "[", '"errors":', "```"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(ID_ALPHABET, max_size=80), limit=st.integers(min_value=0, max_value=6))
def test_never_raises_on_id_shaped_soup(parts: list[str], limit: int) -> None:
    result = recognise("".join(parts), limit=limit, today=TODAY)
    keys = [t.key for t in (*result.targets, *result.overflow)]
    assert len(keys) == len(set(keys))
    assert len(result.targets) <= limit


@settings(max_examples=10, deadline=None)
@given(chunk=st.text(min_size=1, max_size=50))
def test_huge_repetitive_text_is_truncated_not_refused(chunk: str) -> None:
    result = recognise(chunk * (MAX_CHARS // len(chunk) + 2))
    assert result.truncated


REFERENCES = [
    ("order reference", "order-1042", [(K.REFERENCE, "order-1042")]),
    ("campaign reference", "  CMP-2026-11  ", [(K.REFERENCE, "CMP-2026-11")]),
    ("user reference with colon", "user:8812", [(K.REFERENCE, "user:8812")]),
    ("path-like reference", "shop/orders#77", [(K.REFERENCE, "shop/orders#77")]),
    ("a recognised id stays itself", MID, [(K.MESSAGE_ID, MID)]),
    ("a domain stays a domain", "shop.example", [(K.DOMAIN, "shop.example")]),
    ("a lone number stays an account", "4127", [(K.ACCOUNT_ID, "4127")]),
    ("two words are not a reference", "order 1042", []),
    ("too short", "ab", []),
    ("too long", "x" * 65, []),
    ("other characters", "order<1042>", []),
    ("empty", "", []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in REFERENCES], ids=[r[0] for r in REFERENCES]
)
def test_a_lone_token_is_a_reference_only_when_asked(
    text: str, expected: list[tuple[TargetKind, str]]
) -> None:
    assert found(recognise(text, lone_reference=True)) == [(k.value, v) for k, v in expected]


@pytest.mark.parametrize("text", ["order-1042", "thanks", "user:8812"])
def test_pasted_words_never_become_references(text: str) -> None:
    assert recognise(text).empty


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_a_reference_is_the_whole_text_or_nothing(text: str) -> None:
    result = recognise(text, lone_reference=True)
    refs = [t for t in result.targets if t.kind is K.REFERENCE]
    assert refs == [] or (len(result.targets) == 1 and refs[0].value == text.strip())
