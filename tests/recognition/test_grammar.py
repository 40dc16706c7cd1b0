"""parse_command() and check_target(): the `qbx` / `/qbx` grammar, its shorthands and its errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import InputError
from bot.recognition.grammar import USAGE, CheckKind, Command, Verb, check_target, parse_command
from bot.recognition.targets import TargetKind

MID = "8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example"
RID = "f43eb659-beb4-4f8a-a737-2d403998f4cf"
V, C = Verb, CheckKind

PARSES = [
    ("empty is help", "", Command(V.HELP)),
    ("blank is help", "   \n ", Command(V.HELP)),
    ("help", "help", Command(V.HELP)),
    ("help with topic", "help check", Command(V.HELP, "check")),
    ("only flags is help", "--json", Command(V.HELP, json=True)),
    ("trace", f"trace {MID}", Command(V.TRACE, MID)),
    ("trace upper-case verb", f"TRACE {MID}", Command(V.TRACE, MID)),
    ("trace keeps pasted text", f"trace {MID}\nto bob@example.com",
     Command(V.TRACE, f"{MID}\nto bob@example.com")),
    ("trace deep json anywhere", f"--deep trace {MID} --json",
     Command(V.TRACE, MID, deep=True, json=True)),
    ("slack em-dash flag", f"trace {MID} \u2014deep", Command(V.TRACE, MID, deep=True)),
    ("trace of your own reference", "trace order-1042", Command(V.TRACE, "order-1042")),
    ("bare id means trace", MID, Command(V.TRACE, MID)),
    ("bare slack-escaped id means trace", f"&lt;{MID}&gt;", Command(V.TRACE, f"&lt;{MID}&gt;")),
    ("bare number means trace of an account", "4127", Command(V.TRACE, "4127")),
    ("bare request id means trace", f"{RID} --json", Command(V.TRACE, RID, json=True)),
    ("check request", f"check request {RID}", Command(V.CHECK, RID, C.REQUEST)),
    ("check message in brackets", f"check message <{MID}>", Command(V.CHECK, MID, C.MESSAGE)),
    ("check hosting message id", "check message <CAF=x1@mail.gmail.com>",
     Command(V.CHECK, "CAF=x1@mail.gmail.com", C.MESSAGE)),
    ("check domain", "check domain Shop.Example", Command(V.CHECK, "shop.example", C.DOMAIN)),
    ("check domain rare tld", "check domain acme.photography",
     Command(V.CHECK, "acme.photography", C.DOMAIN)),
    ("check domain by hosting code", "check domain D123456789",
     Command(V.CHECK, "D123456789", C.DOMAIN)),
    ("check domain by delivery code", "check domain DD66042061",
     Command(V.CHECK, "DD66042061", C.DOMAIN)),
    ("check mailbox address", "check mailbox info@shop.example",
     Command(V.CHECK, "info@shop.example", C.MAILBOX)),
    ("check mailbox code", "check mailbox EA12345678", Command(V.CHECK, "EA12345678", C.MAILBOX)),
    ("check recipient slack mailto", "check recipient <mailto:Bob@X.com|Bob@X.com> --deep",
     Command(V.CHECK, "bob@x.com", C.RECIPIENT, deep=True)),
    ("check account", "check account 4127", Command(V.CHECK, "4127", C.ACCOUNT)),
    ("check account hash", "check account #4127", Command(V.CHECK, "4127", C.ACCOUNT)),
    ("check tabs and case", "Check\tACCOUNT   4127", Command(V.CHECK, "4127", C.ACCOUNT)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in PARSES], ids=[r[0] for r in PARSES])
def test_parses(text: str, expected: Command) -> None:
    assert parse_command(text) == expected


ERRORS = [
    ("unknown verb", "frobnicate x", "unknown command"),
    ("trace without value", "trace", "needs something"),
    ("trace of nothing traceable", "trace hello there", "nothing qbx can trace"),
    ("a bare reference is not a command", "order-1042", "unknown command"),
    ("check without kind", "check", "needs a kind"),
    ("check unknown kind", "check planet mars.example", "unknown check kind"),
    ("check without value", "check domain --deep", "needs a value"),
    ("check two values", "check recipient a@b.com c@d.com", "takes one value"),
    ("check unknown option", "check domain shop.example --fast", "unknown option"),
    ("check request not a uuid", "check request 1234", "is not a request_id"),
    ("check message not an id", "check message hello", "is not a message_id"),
    ("check recipient not an address", "check recipient bob", "is not an email address"),
    ("check account not a number", "check account forty", "is not a Delivery account id"),
    ("check domain file name", "check domain report.pdf", "is not a domain name"),
    ("slack mention only", "<@U123>", "unknown command"),
]


@pytest.mark.parametrize(("text", "says"), [r[1:] for r in ERRORS], ids=[r[0] for r in ERRORS])
def test_bad_input_raises_input_error_with_usage_and_example(text: str, says: str) -> None:
    with pytest.raises(InputError, match=says) as caught:
        parse_command(text)
    assert caught.value.usage.startswith("qbx ")
    assert "\n" not in caught.value.usage
    assert caught.value.example.startswith("qbx ")
    example = parse_command(caught.value.example.removeprefix("qbx "))
    assert example.verb in (Verb.TRACE, Verb.CHECK)


def test_usage_lists_every_form_with_an_example() -> None:
    for kind in CheckKind:
        assert f"qbx check {kind.value} " in USAGE
    assert "qbx trace " in USAGE
    assert "--deep" in USAGE
    assert "--json" in USAGE


def outcome(text: str) -> Command | InputError:
    """The command, or the InputError raised; any other exception fails the test."""
    try:
        return parse_command(text)
    except InputError as error:
        return error


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=400))
def test_only_input_error_escapes(text: str) -> None:
    result = outcome(text)
    if isinstance(result, InputError):
        assert result.usage
        assert result.example
    else:
        assert isinstance(result.verb, Verb)


WORDS = st.sampled_from(
    ["trace", "check", "help", "request", "message", "domain", "mailbox", "recipient", "account",
     "--deep", "--json", "--x", MID, RID, "bob@x.com", "4127", "#", "<", ">", "D123456789", " "]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(words=st.lists(WORDS, max_size=8))
def test_only_input_error_escapes_on_command_shaped_text(words: list[str]) -> None:
    result = outcome(" ".join(words))
    assert isinstance(result, (Command, InputError))
    if isinstance(result, Command) and result.verb is Verb.CHECK:
        assert result.check_kind is not None
        assert result.argument


def test_a_megabyte_trace_keeps_its_text_for_recognition_to_bound() -> None:
    paste = f"trace {MID}\n" + "noise 1.2.3\n" * 100_000 + " --json"
    command = parse_command(paste)
    assert (command.verb, command.json) == (Verb.TRACE, True)
    assert command.argument.startswith(MID)
    assert len(command.argument) > 1_000_000


# fmt: off
CHECK_TARGETS = [
    (C.DOMAIN, "DD66042061", TargetKind.DELIVERY_DOMAIN_CODE, "DD66042061", None),
    (C.DOMAIN, "d123456789", TargetKind.HOSTING_DOMAIN_CODE, "D123456789", None),
    (C.DOMAIN, "Shop.Example", TargetKind.DOMAIN, "shop.example", None),
    (C.MESSAGE, "<Abc@Host.example>", TargetKind.MESSAGE_ID, "abc@host.example", None),
    (C.ACCOUNT, "#4127", TargetKind.ACCOUNT_ID, "4127", None),
    (C.MAILBOX, "info@shop.example x@h.example", TargetKind.ADDRESS, "info@shop.example",
     "x@h.example"),
    (C.MAILBOX, "EA12345678 D123456789", TargetKind.MAILBOX_CODE, "EA12345678", None),
]
# fmt: on


@pytest.mark.parametrize(
    ("kind", "value", "target_kind", "target_value", "message_id"), CHECK_TARGETS
)
def test_check_target_is_the_one_parser_of_check_values(
    kind: CheckKind, value: str, target_kind: TargetKind, target_value: str, message_id: str | None
) -> None:
    named = check_target(kind, value)
    assert (named.kind, named.target.kind, named.target.value) == (kind, target_kind, target_value)
    assert named.message_id == message_id


@pytest.mark.parametrize(
    ("kind", "value", "says"),
    [(C.MAILBOX, "EA12345678", "domain code"), (C.ACCOUNT, "abc", "not a Delivery account"),
     (C.MAILBOX, "", "needs a value"), (C.REQUEST, "nope", "not a request_id")],
)  # fmt: skip
def test_check_target_refuses_what_names_nothing_with_usage(
    kind: CheckKind, value: str, says: str
) -> None:
    with pytest.raises(InputError) as caught:
        check_target(kind, value)
    assert says in str(caught.value)
    assert caught.value.usage.startswith("qbx check")
    assert caught.value.example.startswith("qbx check")
