"""`qbx bounce FILE... [--json]`: one JSON object per file per line, exit 0 whatever the
verdict, 2 for unreadable input with a message (the other files still read)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.bounce import read_files
from tests.bounces.corpus import CORPUS

POSTFIX = str(CORPUS / "eml/bsd/rfc3464-01.eml")
NOT_BOUNCE = str(CORPUS / "eml/not/is-not-bounce-02.eml")
KEYS = {"file", "is_bounce", "kind", "recipients", "original_message_id"}


def test_json_is_one_object_per_file_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bounce", POSTFIX, NOT_BOUNCE, "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    first, second = (json.loads(line) for line in lines)
    assert set(first) == KEYS
    assert set(second) == KEYS
    assert (first["file"], first["kind"], first["is_bounce"]) == (POSTFIX, "bounce", True)
    recipient = first["recipients"][0]
    assert set(recipient) == {"address", "reason", "category", "permanent", "reply", "remote_host"}
    text = "550 5.1.1 <userunknown@bouncehammer.jp>... User Unknown"
    assert recipient["reply"] == {"code": 550, "enhanced": "5.1.1", "text": text}
    assert (second["kind"], second["is_bounce"], second["recipients"]) == ("not_bounce", False, [])


def test_standard_input_is_read_with_a_dash() -> None:
    out, err = io.StringIO(), io.StringIO()
    stdin = io.BytesIO(Path(POSTFIX).read_bytes())
    assert read_files(["-"], as_json=True, out=out, err=err, stdin=stdin) == 0
    assert json.loads(out.getvalue())["recipients"][0]["address"] == "userunknown@bouncehammer.jp"


def test_an_unreadable_file_exits_2_with_a_message_and_the_others_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "missing.eml")
    assert main(["bounce", missing, POSTFIX, str(tmp_path), "--json"]) == 2
    captured = capsys.readouterr()
    assert f"cannot read {missing}" in captured.err
    assert f"cannot read {tmp_path}" in captured.err
    assert [json.loads(line)["file"] for line in captured.out.splitlines()] == [POSTFIX]


def test_text_output_strips_control_characters_from_the_servers_reply(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.eml"
    hostile.write_bytes(
        b"From: MAILER-DAEMON@mx.example.net\nSubject: failure notice\n\n"
        b"<bob@example.org>:\nRemote host said: 550 5.1.1 \x1b[31mUser unknown\x1b[0m\n"
    )
    out = io.StringIO()
    assert read_files([str(hostile)], as_json=False, out=out, err=io.StringIO(),
                      stdin=io.BytesIO()) == 0  # fmt: skip
    assert "\x1b" not in out.getvalue()
    assert "bob@example.org: userunknown" in out.getvalue()


def test_the_installed_command_reads_a_pipe() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "bounce", "-", "--json"],
        input=Path(POSTFIX).read_bytes(), capture_output=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["kind"] == "bounce"
