"""A bounce rendered for Slack: inside Block Kit's limits, every outside value escaped,
addresses masked unless asked not to."""

from __future__ import annotations

import json

from bot.bounces import read_bounce
from bot.render.bounces import bounce_message, file_refused_message
from bot.render.slack_limits import validate_blocks

HOSTILE = b"From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail\n\n" + b"".join(
    b"<user%d@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 <!channel> "
    b"<https://evil.example|click> & more\n" % n
    for n in range(300)
)


def test_hundreds_of_recipients_fit_slacks_limits() -> None:
    message = bounce_message(read_bounce(HOSTILE), mask=True, traced=False)
    assert validate_blocks(message) == []
    last = message["blocks"][-1]
    assert last["type"] == "context"
    assert "recipients" in last["elements"][0]["text"]  # "... and N more recipients"


def test_server_text_is_escaped_and_addresses_masked() -> None:
    body = json.dumps(bounce_message(read_bounce(HOSTILE), mask=True, traced=False))
    assert "<!channel>" not in body
    assert "&lt;!channel&gt;" in body
    assert "<https://evil.example" not in body
    assert "user0@example.com" not in body
    assert "u***@example.com" in body


def test_addresses_are_shown_when_masking_is_off() -> None:
    body = json.dumps(bounce_message(read_bounce(HOSTILE), mask=False, traced=False))
    assert "user0@example.com" in body


def test_a_refused_file_names_it_escaped() -> None:
    message = file_refused_message("<!here>.eml", "it is 30.0 MB")
    assert "<!here>" not in json.dumps(message)
    assert "30.0 MB" in message["text"]
