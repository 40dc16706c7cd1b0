"""Recordings are scrubbed: every address, domain, name, token, IP and subject becomes a
placeholder, the same value always the same one, and each keeps its type and format."""

from __future__ import annotations

from bot.doctor.scrub import Placeholders, scrub
from bot.qboxmail.contract import MESSAGE_ID_RE

UUID = "8a16f3df-7f5f-4e53-a7e7-3e665ef57c51"


def test_the_same_address_gets_the_same_placeholder_everywhere() -> None:
    places = Placeholders()
    first = scrub({"to": "anna@shop.example"}, places)
    second = scrub({"smtp_response": "550 <Anna@Shop.example>: no such user"}, places)
    assert first["to"] == "user-1@domain-1.example"
    assert second["smtp_response"] == "550 <user-1@domain-1.example>: no such user"


def test_different_values_get_different_placeholders() -> None:
    out = scrub({"a": "x@one.example", "b": "y@two.example"}, Placeholders())
    assert out["a"] != out["b"]


def test_a_message_id_keeps_its_uuid_and_stays_a_message_id() -> None:
    out = scrub({"message_id": f"{UUID}@shop.example", "domain": "shop.example"}, Placeholders())
    assert out["message_id"] == f"{UUID}@{out['domain']}"
    assert MESSAGE_ID_RE.match(out["message_id"])


def test_ips_keep_their_prefix_and_their_version() -> None:
    out = scrub(
        {"allow_nets": ["203.0.113.0/24", "2001:db8::7"], "ip": "203.0.113.0"}, Placeholders()
    )
    assert out["allow_nets"][0].endswith("/24")
    assert out["allow_nets"][0].split("/")[0] == out["ip"]
    assert ":" in out["allow_nets"][1]
    assert "203.0.113" not in str(out)


def test_secrets_names_and_subjects_by_field_name() -> None:
    item = {"password": "hunter2", "token_preview": "ab12cd34", "name": "Anna Rossi",
            "subject": "Your order 1042", "customer_fullname": "ACME S.r.l."}  # fmt: skip
    out = scrub(item, Placeholders())
    assert out == {"password": "token-1", "token_preview": "token-2", "name": "name-1",
                   "subject": "subject-1", "customer_fullname": "name-2"}  # fmt: skip


def test_a_known_secret_is_replaced_wherever_it_hides() -> None:
    out = scrub(
        {"note": "sent with sk-live-123456 today"}, Placeholders(secrets=("sk-live-123456",))
    )
    assert out["note"] == "sent with token-1 today"


def test_numbers_dates_ids_and_qboxmail_hosts_are_kept() -> None:
    item = {"id": 4127, "created_at": "2026-11-20T08:41:13.225Z", "code": "D100000001",
            "smtp_enhanced_code": "5.1.1", "config_hostname": "smtp.qboxmail.com",
            "active": True, "accounts": [4127]}  # fmt: skip
    assert scrub(item, Placeholders()) == item


def test_a_name_field_holding_a_domain_gets_the_domain_placeholder() -> None:
    places = Placeholders()
    out = scrub([{"name": "hosted.example"}, {"email": "mario@hosted.example"}], places)
    assert out[1]["email"].endswith("@" + out[0]["name"])


def test_a_name_learnt_anywhere_is_replaced_in_free_text_everywhere() -> None:
    places = Placeholders()
    alert = {"text": "Account Billing notices (4133) has no quota left"}
    account = {"id": 4133, "description": "Billing notices"}
    places.learn([alert, account])
    assert scrub(alert, places)["text"] == "Account name-1 (4133) has no quota left"
    assert scrub(account, places)["description"] == "name-1"
