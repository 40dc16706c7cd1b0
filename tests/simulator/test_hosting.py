"""Hosting and Email log analysis: statuses, logs per mailbox and day, folder lookup, log PDFs."""

from __future__ import annotations

import io
from datetime import timedelta

import httpx
import pytest
from pypdf import PdfReader

from bot.simulator.pdf import render_pdf
from tests.simulator.conftest import NOW

OFFICE = "/api/domains/D100000001"
ELA = f"{OFFICE}/email_log_analysis"
YESTERDAY = (NOW - timedelta(days=1)).date().isoformat()


def logs(api: httpx.Client, kind: str, email: str, day: str = YESTERDAY) -> list[dict]:
    response = api.get(f"{ELA}/{kind}", params={"email": email, "date": day, "per": 100})
    assert response.status_code == 200, response.text
    return response.json()["resources"]


def test_hosted_domains_come_in_every_status(api: httpx.Client) -> None:
    domains = api.get("/api/domains").json()["resources"]
    assert {d["status"] for d in domains} == {"enabled", "disabled", "ownership_check", "error",
                                              "updating"}  # fmt: skip
    pending = next(d for d in domains if d["status"] == "ownership_check")
    assert pending["status_detail"] == "ownership_pending"


def test_hosting_lookups_404_and_403(api: httpx.Client) -> None:
    assert api.get("/api/domains/D123123123").status_code == 404
    assert api.get("/api/domains/D999999999").json() == {"message": "Forbidden", "errors": []}
    assert api.get(f"{OFFICE}/email_accounts/EA99999999").status_code == 404


def test_an_attacked_mailbox_shows_failed_logins(api: httpx.Client) -> None:
    access = logs(api, "access", "mario.rossi@acme-office.example")
    failed = [e for e in access if e["result"] == "failed"]
    assert len(failed) >= 15
    assert all(e["client_ip"].startswith("185.220.101.") for e in failed)


def test_a_full_mailbox_refuses_incoming_mail(api: httpx.Client) -> None:
    incoming = logs(api, "incoming", "giulia.bianchi@acme-office.example")
    assert incoming
    assert {(e["result"], e["smtp_code"]) for e in incoming} == {("quota_exceeded", 552)}


def test_incoming_mail_lands_in_folders(api: httpx.Client) -> None:
    incoming = logs(api, "incoming", "info@acme-office.example")
    assert {e["folder"] for e in incoming if e["result"] == "delivered"} == {"INBOX"}
    assert {e["folder"] for e in incoming if e["result"] == "spam"} <= {"Spam"}


def test_message_folder_finds_a_received_message(api: httpx.Client) -> None:
    entry = next(e for e in logs(api, "incoming", "info@acme-office.example") if e["folder"])
    params = {"email": "info@acme-office.example", "message_id": f"<{entry['message_id']}>"}
    (found,) = api.get(f"{ELA}/message_folder", params=params).json()["resources"]
    assert found == {"message_id": entry["message_id"], "found": True, "folder": entry["folder"]}
    params["message_id"] = "nothing@nowhere.example"
    (missing,) = api.get(f"{ELA}/message_folder", params=params).json()["resources"]
    assert missing["found"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [({"date": YESTERDAY}, "email"), ({"email": "info@acme-office.example"}, "date"),
     ({"email": "info@acme-office.example", "date": "yesterday"}, "date")],
)  # fmt: skip
def test_log_queries_need_email_and_date(api: httpx.Client, params: dict, field: str) -> None:
    response = api.get(f"{ELA}/access", params=params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_logs_older_than_30_days_are_gone(api: httpx.Client) -> None:
    old = (NOW - timedelta(days=31)).date().isoformat()
    assert logs(api, "incoming", "info@acme-office.example", old) == []


@pytest.mark.parametrize("kind", ["access", "incoming", "outgoing"])
def test_a_log_pdf_parses_and_shows_the_entry(api: httpx.Client, kind: str) -> None:
    entry = logs(api, kind, "mario.rossi@acme-office.example")[0]
    response = api.get(f"{ELA}/{kind}/{entry['id']}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content),
                                                             strict=True).pages)  # fmt: skip
    assert entry["id"] in text
    for field in ("to", "subject", "smtp_response", "client_ip", "protocol"):
        if entry.get(field):
            assert f"{field}: {entry[field]}" in text


@pytest.mark.parametrize(
    "path",
    [f"{ELA}/incoming/L999999999999/pdf", f"{ELA}/access/L037399422000/pdf",
     "/api/domains/D100000002/email_log_analysis/incoming/L037399422000/pdf"],
    ids=["unknown", "wrong-type", "wrong-domain"],
)  # fmt: skip
def test_an_unknown_log_pdf_is_404(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    assert (response.status_code, response.json()["message"]) == (404, "Not found")


def test_the_pdf_writer_escapes_and_paginates() -> None:
    lines = [f"line {n}: (paren) back\\slash" for n in range(120)]
    reader = PdfReader(io.BytesIO(render_pdf("Title", lines)), strict=True)
    assert len(reader.pages) == 3
    assert "line 119: (paren) back\\slash" in reader.pages[2].extract_text()


def test_describe_samples_resolve_in_the_folder_lookup(api: httpx.Client, world: dict) -> None:
    office = next(d for d in world["hosting_domains"] if d["code"] == "D100000001")
    info = next(m for m in office["mailboxes"] if m["email"] == "info@acme-office.example")
    params = {"email": info["email"], "message_id": info["samples"]["spam_message_id"]}
    (found,) = api.get(f"{ELA}/message_folder", params=params).json()["resources"]
    assert (found["found"], found["folder"]) == (True, "Spam")
