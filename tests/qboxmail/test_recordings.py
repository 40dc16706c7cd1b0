"""Recorded Qboxmail answers (`qbx doctor --record`, under tests/data/recordings/<source>/) are
read by the client's own decoding and wire models, and match the models field by field.

A team that finds drift sends its recording; dropped in here, it fails these tests until
bot/qboxmail/models.py (or contract.py) reads it correctly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.doctor.record import INDEX
from bot.doctor.shape import compare
from bot.qboxmail.contract import ENDPOINTS_BY_NAME, UUID4, Api
from bot.qboxmail.models import BINARY_ENDPOINTS, RESPONSE_MODELS
from bot.qboxmail.responses import CallInfo, decode_page

RECORDINGS = Path(__file__).resolve().parents[1] / "data" / "recordings"
FILES = sorted(p for p in RECORDINGS.glob("*/*.json") if p.name != INDEX)
IDS = [f"{p.parent.name}/{p.stem}" for p in FILES]


def load(path: Path) -> dict[str, Any]:
    recorded: dict[str, Any] = json.loads(path.read_text())
    return recorded


def test_the_simulator_recording_is_shipped() -> None:
    assert (RECORDINGS / "simulator" / INDEX).exists()
    assert len([p for p in FILES if p.parent.name == "simulator"]) >= 20


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_the_client_decodes_each_recorded_answer(path: Path) -> None:
    recorded = load(path)
    name = recorded["endpoint"]
    assert recorded["path"] == ENDPOINTS_BY_NAME[name].path
    if name in BINARY_ENDPOINTS:
        assert recorded["content_type"] == "application/pdf"
        return
    response = httpx.Response(recorded["status"], content=json.dumps(recorded["body"]).encode())
    call = CallInfo(Api.MANAGEMENT, recorded["method"], recorded["path"])
    page = decode_page(RESPONSE_MODELS[name], response, call)
    assert len(page.resources) == len(recorded["body"]["resources"])


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_each_recorded_answer_has_every_field_the_models_read(path: Path) -> None:
    recorded = load(path)
    if recorded["endpoint"] in BINARY_ENDPOINTS:
        return
    shape = compare(RESPONSE_MODELS[recorded["endpoint"]], recorded["body"]["resources"])
    assert shape.missing == ()
    assert [u.text() for u in shape.unexpected_type] == []


def test_a_drifted_answer_would_fail_these_tests(tmp_path: Path) -> None:
    recorded = load(RECORDINGS / "simulator" / "delivery_accounts.json")
    for item in recorded["body"]["resources"]:
        item["status"] = "enabled"
        del item["remaining_messages"]
    shape = compare(RESPONSE_MODELS["delivery_accounts"], recorded["body"]["resources"])
    assert shape.missing == ("remaining_messages",)
    assert [u.field for u in shape.unexpected_type] == ["status"]


def test_every_address_in_a_shipped_recording_is_a_placeholder() -> None:
    address = re.compile(r"[\w.+-]+@[\w.-]+")
    placeholder = re.compile(rf"^(user-\d+|{UUID4})@domain-\d+\.example$")
    found = [a for p in FILES for a in address.findall(p.read_text())]
    assert found  # the recordings do carry addresses
    assert [a for a in found if not placeholder.match(a)] == []
