"""What the client sends (URLs, auth headers, parameters) and how leniently it reads answers."""

from __future__ import annotations

import json
from datetime import date

import httpx
import pytest

from bot.errors import ApiAuthError, ApiDecodeError, ApiNotFound
from bot.qboxmail.query import MailoutQuery

from .conftest import SEND_TOKEN, TOKEN, ClientFactory, Script, envelope, reply

ENTRY = {
    "id": 981,
    "created_at": "2026-11-20T08:41:13Z",
    "account_id": "4127",
    "domain": "shop.example",
    "from": "news@shop.example",
    "to": "ann@example.org",
    "status": "bounce",
    "smtp_code": "550",
    "smtp_enhanced_code": "5.1.1",
    "attempts": "2",
    "a_field_added_later": {"nested": True},
}
ACCEPTED = {
    "error_code": 0,
    "message": "OK",
    "request_id": "f43eb659-beb4-4f8a-a737-2d403998f4cf",
    "queued_messages": 1,
    "messages": [
        {
            "request_id": "f43eb659-beb4-4f8a-a737-2d403998f4cf",
            "message_id": "8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example",
            "submitted_at": "2026-04-16T08:41:13.225Z",
            "to": "ann@example.org",
        }
    ],
    "suppression_summary": {"status": "checked"},
}


# --- lenient parsing ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "wire",
    [ENTRY, {"data": ENTRY}, {"data": json.dumps(ENTRY)}],
    ids=["plain", "data-wrapped-object", "data-wrapped-json-text"],
)
async def test_mailout_entries_parse_in_every_wire_variant(
    make_client: ClientFactory, wire: object
) -> None:
    async with make_client(Script([reply(200, envelope(wire))])) as client:
        page = await client.mailouts(MailoutQuery(to="ann@example.org"))
    (entry,) = page.resources
    assert entry.id == "981"
    assert entry.account_id == 4127
    assert entry.smtp_code == 550
    assert entry.attempts == 2
    assert entry.from_ == "news@shop.example"


async def test_counters_accept_numbers_as_strings(make_client: ClientFactory) -> None:
    counters = {"all": "200", "delivered": "190", "bounce": "4", "authErrors": "1", "x": "?"}
    async with make_client(Script([reply(200, envelope(counters))])) as client:
        result = await client.counters(domain="shop.example")
    assert (result.all, result.delivered, result.bounce, result.auth_errors) == (200, 190, 4, 1)
    assert result.bounce_rate == 2.0


async def test_pagination_numbers_as_strings_and_empty_pagination(
    make_client: ClientFactory,
) -> None:
    paged = {"resources": [], "pagination": {"page": "2", "total_pages": "7", "per": "25"}}
    script = Script([reply(200, paged), reply(200, {"resources": [{"id": 1}], "pagination": {}})])
    async with make_client(script) as client:
        page = await client.delivery_accounts(page=2)
        single = await client.delivery_account(1)
    assert (page.pagination.page, page.pagination.total_pages) == (2, 7)
    assert single.id == 1


async def test_single_resource_with_no_item_is_not_found(make_client: ClientFactory) -> None:
    async with make_client(Script([reply(200, envelope())])) as client:
        with pytest.raises(ApiNotFound) as caught:
            await client.hosting_domain("D123456789")
    assert caught.value.path == "/api/domains/D123456789"


# --- requests on the wire -----------------------------------------------------------------------
async def test_management_calls_send_the_api_token_and_accept_json(
    make_client: ClientFactory,
) -> None:
    script = Script([reply(200, envelope({"code": "D123456789", "name": "shop.example"}))])
    async with make_client(script, api_url="https://api.qboxmail.test/") as client:
        await client.hosting_domains(query="shop.example", per=5)
    (request,) = script.requests
    assert (
        str(request.url) == "https://api.qboxmail.test/api/domains?query=shop.example&page=1&per=5"
    )
    assert request.headers["X-Api-Token"] == TOKEN
    assert request.headers["Accept"] == "application/json"
    assert "Authorization" not in request.headers


async def test_send_uses_the_bearer_token_and_json_only(make_client: ClientFactory) -> None:
    script = Script([reply(202, ACCEPTED)])
    payload = {"messages": [{"from": "news@shop.example", "to": "ann@example.org", "subject": "s"}]}
    async with make_client(script) as client:
        accepted = await client.send(payload, token=SEND_TOKEN, client_ip="203.0.113.9")
    (request,) = script.requests
    assert (request.method, str(request.url)) == ("POST", "https://api.qboxmail.test/v1/send")
    assert request.headers["Authorization"] == f"Bearer {SEND_TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Forwarded-For"] == "203.0.113.9"
    assert "X-Api-Token" not in request.headers  # a Management token must not reach /v1/send
    assert json.loads(request.content) == payload
    assert accepted.request_id == "f43eb659-beb4-4f8a-a737-2d403998f4cf"
    assert accepted.messages[0].message_id == "8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example"


async def test_send_bulk_posts_to_the_bulk_path(make_client: ClientFactory) -> None:
    script = Script([reply(202, ACCEPTED)])
    async with make_client(script) as client:
        await client.send_bulk({"message": {}, "recipients": []}, token=SEND_TOKEN)
    assert script.requests[0].url.path == "/v1/send/bulk"
    assert "X-Forwarded-For" not in script.requests[0].headers


async def test_suppression_lookup_keeps_the_address_out_of_the_url(
    make_client: ClientFactory,
) -> None:
    script = Script([reply(200, envelope())])
    async with make_client(script) as client:
        assert await client.suppression_details("ann@example.org") == []
    (request,) = script.requests
    assert request.url.query == b""
    assert json.loads(request.content) == {"email": "ann@example.org"}


ELA = "/api/domains/D123456789/email_log_analysis"
LOG_QUERY = "email=ann%40shop.example&date=2026-11-20&page=1&per=25"
TM = "/api/delivery/tracemail"


@pytest.mark.parametrize(
    ("call", "path", "query"),
    [
        ("delivery_accounts", "/api/delivery/accounts", "query=shop&status=enabled&page=2&per=10"),
        ("delivery_domains", "/api/delivery/domains", "status=not_verified&page=1&per=25"),
        (
            "suppression_lists",
            "/api/delivery/suppression_lists",
            "account_id=4127&reason=bounce&page=1&per=25",
        ),
        ("tracemail_accounts", f"{TM}/accounts", "start_date=2026-11-01&page=1&per=25"),
        ("tracemail_domains", f"{TM}/domains", "account=4127&page=1&per=25"),
        ("daily_statistics", f"{TM}/daily_statistics", "domain=shop.example&end_date=2026-11-23"),
        ("api_tokens", "/api/delivery/accounts/4127/api_tokens", ""),
        ("mailboxes", "/api/domains/D123456789/email_accounts", "query=ann&page=1&per=25"),
        ("access_logs", f"{ELA}/access", LOG_QUERY),
        ("incoming_logs", f"{ELA}/incoming", LOG_QUERY),
        ("outgoing_logs", f"{ELA}/outgoing", LOG_QUERY),
    ],
)
async def test_list_calls_hit_their_path_with_their_parameters(
    make_client: ClientFactory, call: str, path: str, query: str
) -> None:
    arguments: dict[str, dict[str, object]] = {
        "delivery_accounts": {"query": "shop", "status": "enabled", "page": 2, "per": 10},
        "delivery_domains": {"status": "not_verified"},
        "suppression_lists": {"account_id": 4127, "reason": "bounce"},
        "tracemail_accounts": {"start_date": date(2026, 11, 1)},
        "tracemail_domains": {"account": 4127},
        "daily_statistics": {"domain": "shop.example", "end_date": date(2026, 11, 23)},
    }
    positional: dict[str, tuple[object, ...]] = {"api_tokens": (4127,)}
    logs = {"email": "ann@shop.example", "day": date(2026, 11, 20)}
    for name in ("access_logs", "incoming_logs", "outgoing_logs", "mailboxes"):
        positional[name] = ("D123456789",)
        arguments[name] = logs if name != "mailboxes" else {"query": "ann"}
    script = Script([reply(200, envelope())])
    async with make_client(script) as client:
        result = await getattr(client, call)(*positional.get(call, ()), **arguments.get(call, {}))
    assert len(getattr(result, "resources", result)) == 0
    (request,) = script.requests
    assert (request.method, request.url.path, request.url.query.decode()) == ("GET", path, query)


async def test_message_folder_reads_its_one_item(make_client: ClientFactory) -> None:
    item = {"message_id": "<abc@shop.example>", "found": "true", "folder": "Spam"}
    script = Script([reply(200, envelope(item))])
    async with make_client(script) as client:
        folder = await client.message_folder(
            "D123456789", email="ann@shop.example", message_id="abc"
        )
    assert (folder.found, folder.folder) == (True, "Spam")
    assert dict(script.requests[0].url.params) == {"email": "ann@shop.example", "message_id": "abc"}


# --- mailouts pages -----------------------------------------------------------------------------
def _mailouts_pages(total: int) -> Script:
    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        item = ENTRY | {"id": f"p{page}"}
        return httpx.Response(200, json=envelope(item, page=page, total_pages=total))

    return Script([answer])


async def test_iter_mailouts_stops_at_the_last_page(make_client: ClientFactory) -> None:
    script = _mailouts_pages(total=3)
    async with make_client(script) as client:
        pages = [
            p async for p in client.iter_mailouts(MailoutQuery(to="ann@example.org"), max_pages=10)
        ]
    assert [p.resources[0].id for p in pages] == ["p1", "p2", "p3"]
    assert [r.url.params["to"] for r in script.requests] == ["ann@example.org"] * 3


async def test_iter_mailouts_stops_at_max_pages(make_client: ClientFactory) -> None:
    script = _mailouts_pages(total=50)
    async with make_client(script) as client:
        pages = [p async for p in client.iter_mailouts(MailoutQuery(page=4), max_pages=2)]
    assert [p.resources[0].id for p in pages] == ["p4", "p5"]
    assert len(script.requests) == 2


async def test_iter_mailouts_stops_on_an_empty_page(make_client: ClientFactory) -> None:
    script = Script([reply(200, envelope(total_pages=9))])
    async with make_client(script) as client:
        pages = [p async for p in client.iter_mailouts(MailoutQuery(), max_pages=5)]
    assert len(pages) == 1
    assert len(script.requests) == 1


async def test_iter_mailouts_needs_at_least_one_page(make_client: ClientFactory) -> None:
    async with make_client(Script([reply(200, envelope())])) as client:
        with pytest.raises(ValueError, match="max_pages"):
            async for _ in client.iter_mailouts(MailoutQuery(), max_pages=0):
                pass


# --- log PDF ------------------------------------------------------------------------------------
async def test_log_pdf_returns_the_pdf_bytes(make_client: ClientFactory) -> None:
    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
    script = Script([reply(200, content=pdf, headers={"Content-Type": "application/pdf"})])
    async with make_client(script) as client:
        assert await client.log_pdf("D123456789", "incoming", "L000000012345") == pdf
    request = script.requests[0]
    assert (
        request.url.path == "/api/domains/D123456789/email_log_analysis/incoming/L000000012345/pdf"
    )
    assert request.headers["Accept"].startswith("application/pdf")


async def test_log_pdf_that_is_not_a_pdf_is_a_decode_error(make_client: ClientFactory) -> None:
    script = Script([reply(200, {"resources": []})])
    async with make_client(script) as client:
        with pytest.raises(ApiDecodeError):
            await client.log_pdf("D123456789", "access", "L000000012345")


async def test_log_pdf_unknown_entry_is_not_found(make_client: ClientFactory) -> None:
    script = Script([reply(404, {"message": "Not found", "errors": []})])
    async with make_client(script) as client:
        with pytest.raises(ApiNotFound):
            await client.log_pdf("D123456789", "outgoing", "L000000099999")


async def test_closing_the_client_closes_its_connection_pool(make_client: ClientFactory) -> None:
    client = make_client(Script([reply(200, envelope())]))
    async with client:
        await client.hosting_domains()
    with pytest.raises(RuntimeError):
        await client.hosting_domains()


async def test_an_empty_send_token_sends_no_authorization_header(
    make_client: ClientFactory,
) -> None:
    body = {"error_code": 401, "error": "missing_token", "request_id": "r", "message": "no token"}
    script = Script([reply(401, body)])
    async with make_client(script) as client:
        with pytest.raises(ApiAuthError) as caught:
            await client.send({"messages": []}, token="")
    assert "Authorization" not in script.requests[0].headers
    assert caught.value.error_id == "missing_token"
