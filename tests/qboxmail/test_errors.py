"""HTTP statuses and bodies become the bot.errors tree, with the call's context and no secrets."""

from __future__ import annotations

import httpx
import pytest

from bot.errors import (
    ApiAuthError,
    ApiDecodeError,
    ApiNotFound,
    ApiRateLimited,
    ApiResponseError,
    ApiServerError,
    ApiValidationError,
    FieldError,
    QboxmailError,
)
from bot.qboxmail.client import QboxmailClient

from .conftest import SEND_TOKEN, SEND_URL, TOKEN, ClientFactory, Script, envelope, reply

REQUEST_ID = "f43eb659-beb4-4f8a-a737-2d403998f4cf"
MESSAGE = {"messages": [{"from": "a@shop.example", "to": "b@example.org", "subject": "hi"}]}


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, ApiResponseError),
        (401, ApiAuthError),
        (403, ApiAuthError),
        (404, ApiNotFound),
        (409, ApiResponseError),
        (422, ApiValidationError),
        (429, ApiRateLimited),
        (500, ApiServerError),
        (502, ApiServerError),
        (503, ApiServerError),
    ],
)
async def test_management_status_maps_to_its_error_class(
    make_client: ClientFactory, status: int, error: type[QboxmailError]
) -> None:
    script = Script([reply(status, {"message": "Nope", "errors": []})])
    async with make_client(script, max_retries=0) as client:
        with pytest.raises(error) as caught:
            await client.hosting_domain("D123456789")
    assert type(caught.value) is error
    assert caught.value.method == "GET"
    assert caught.value.path == "/api/domains/D123456789"
    assert caught.value.status == status
    assert caught.value.message == "Nope"
    assert caught.value.request_id is None


async def test_documented_401_body_is_an_auth_error(make_client: ClientFactory) -> None:
    script = Script([reply(401, {"message": "Unauthorized", "errors": []})])
    async with make_client(script) as client:
        with pytest.raises(ApiAuthError) as caught:
            await client.delivery_accounts()
    assert str(caught.value) == "Unauthorized [GET /api/delivery/accounts -> 401]"


async def test_422_carries_the_field_errors(make_client: ClientFactory) -> None:
    body = {
        "message": "Validation failed",
        "errors": [
            {"field": "email", "description": "is not valid"},
            {"field": "name", "description": "already exists"},
        ],
    }
    async with make_client(Script([reply(422, body)])) as client:
        with pytest.raises(ApiValidationError) as caught:
            await client.suppression_details("not-an-address")
    assert caught.value.field_errors == (
        FieldError("email", "is not valid"),
        FieldError("name", "already exists"),
    )


async def test_422_with_errors_keyed_by_field_is_understood(make_client: ClientFactory) -> None:
    body = {"message": "Validation failed", "errors": {"email": ["is not valid", "is blank"]}}
    async with make_client(Script([reply(422, body)])) as client:
        with pytest.raises(ApiValidationError) as caught:
            await client.suppression_details("")
    assert caught.value.field_errors == (FieldError("email", "is not valid; is blank"),)


@pytest.mark.parametrize(
    ("status", "error_id", "error"),
    [
        (400, "missing_send_payload", ApiResponseError),
        (401, "invalid_token", ApiAuthError),
        (403, "ip_not_allowed", ApiAuthError),
        (403, "sender_domain_not_verified", ApiAuthError),
        (413, "payload_too_large", ApiResponseError),
        (429, "quota_exceeded", ApiRateLimited),
        (500, "internal_error", ApiServerError),
    ],
)
async def test_send_errors_carry_request_id_and_error_id(
    make_client: ClientFactory, status: int, error_id: str, error: type[QboxmailError]
) -> None:
    body = {
        "error_code": status,
        "error": error_id,
        "message": "Refused.",
        "request_id": REQUEST_ID,
    }
    async with make_client(Script([reply(status, body)])) as client:
        with pytest.raises(error) as caught:
            await client.send(MESSAGE, token=SEND_TOKEN)
    assert type(caught.value) is error
    assert (caught.value.request_id, caught.value.error_id) == (REQUEST_ID, error_id)
    assert (caught.value.method, caught.value.path, caught.value.status) == (
        "POST",
        "/send",
        status,
    )
    assert f"(request_id {REQUEST_ID})" in str(caught.value)


async def test_send_429_carries_retry_after(make_client: ClientFactory) -> None:
    body = {
        "error_code": 429,
        "error": "rate_limited",
        "message": "Slow down.",
        "request_id": REQUEST_ID,
    }
    script = Script([reply(429, body, headers={"Retry-After": "2"})])
    async with make_client(script) as client:
        with pytest.raises(ApiRateLimited) as caught:
            await client.send(MESSAGE, token=SEND_TOKEN)
    assert caught.value.retry_after == 2.0
    assert caught.value.error_id == "rate_limited"


async def test_an_error_without_a_json_body_still_maps(make_client: ClientFactory) -> None:
    script = Script([reply(502, content=b"<html>Bad Gateway</html>")])
    async with make_client(script, max_retries=0) as client:
        with pytest.raises(ApiServerError) as caught:
            await client.send(MESSAGE, token=SEND_TOKEN)
    assert caught.value.message == "HTTP 502 Bad Gateway"
    assert caught.value.request_id is None


async def test_redirects_are_errors_not_followed(make_client: ClientFactory) -> None:
    script = Script([reply(302, content=b"", headers={"Location": "https://elsewhere.test/"})])
    async with make_client(script) as client:
        with pytest.raises(ApiResponseError) as caught:
            await client.dashboard()
    assert caught.value.status == 302
    assert len(script.requests) == 1


async def test_error_text_never_shows_either_token(make_client: ClientFactory) -> None:
    echo = f"token {TOKEN} / Bearer {SEND_TOKEN} is wrong"
    mgmt = Script(
        [reply(401, {"message": echo, "errors": [{"field": TOKEN, "description": echo}]})]
    )
    async with make_client(mgmt) as client:
        with pytest.raises(ApiAuthError) as management_error:
            await client.dashboard()
    send = Script([reply(401, {"error_code": 401, "error": "invalid_token", "message": echo})])
    async with make_client(send) as client:
        with pytest.raises(ApiAuthError) as send_error:
            await client.send(MESSAGE, token=SEND_TOKEN)
    for caught in (management_error, send_error):
        text = f"{caught.value!s} {caught.value!r} {caught.value.message}"
        assert TOKEN not in text
        assert SEND_TOKEN not in text
        assert "[redacted]" in text


@pytest.mark.parametrize(
    "answer",
    [
        reply(200, content=b'{"resources": [{"code": "D1'),
        reply(200, content=b"<html>maintenance</html>"),
        reply(200, {"items": []}),
        reply(200, [1, 2, 3]),
        reply(200, {"resources": {"code": "D123456789"}}),
        reply(200, envelope({"code": "D123456789"})),  # no `name`
        reply(200, envelope({"data": "{not json"})),
    ],
    ids=[
        "truncated-json",
        "html",
        "no-resources",
        "not-an-object",
        "resources-not-a-list",
        "item-missing-field",
        "data-wrapped-bad-text",
    ],
)
async def test_a_body_off_the_contract_is_a_decode_error(
    make_client: ClientFactory, answer: object
) -> None:
    async with make_client(Script([answer])) as client:  # type: ignore[list-item]
        with pytest.raises(ApiDecodeError) as caught:
            await client.hosting_domains(query="shop.example")
    assert (caught.value.method, caught.value.path, caught.value.status) == (
        "GET",
        "/api/domains",
        200,
    )
    assert caught.value.__cause__ is None  # no raw pydantic/json error leaks out


async def test_send_202_without_request_id_is_a_decode_error(make_client: ClientFactory) -> None:
    async with make_client(Script([reply(202, {"queued_messages": 1})])) as client:
        with pytest.raises(ApiDecodeError) as caught:
            await client.send(MESSAGE, token=SEND_TOKEN)
    assert "request_id" in caught.value.message


async def test_transport_errors_say_which_call_failed(make_client: ClientFactory) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    async with make_client(Script([refuse]), max_retries=0) as client:
        with pytest.raises(QboxmailError) as caught:
            await client.mailbox("D123456789", "EA12345678")
    assert caught.value.path == "/api/domains/D123456789/email_accounts/EA12345678"
    assert "Connection refused" in caught.value.message
    assert caught.value.status is None


async def test_a_body_that_cannot_be_content_decoded_is_a_decode_error(
    make_client: ClientFactory,
) -> None:
    broken = reply(200, content=b"this is not gzip", headers={"Content-Encoding": "gzip"})
    async with make_client(Script([broken])) as client:
        with pytest.raises(ApiDecodeError) as caught:
            await client.dashboard()
    assert caught.value.path == "/api/delivery/dashboard"


@pytest.mark.parametrize(
    "url", ["ftp://api.qboxmail.test", "api.qboxmail.test", "https://", "http://[::1"]
)
def test_a_base_url_that_is_not_http_is_refused_at_construction(url: str) -> None:
    with pytest.raises(ValueError, match="base URL"):
        QboxmailClient(api_url=url, api_token=TOKEN, send_url="https://api.qboxmail.test/v1")


@pytest.mark.parametrize("bad", ["", "tok\nsecretvalue", "tok secretvalue", "tøk-secretvalue"])
def test_a_management_token_no_header_can_carry_is_refused_without_echo(bad: str) -> None:
    with pytest.raises(ValueError, match="Management API token") as caught:
        QboxmailClient(api_url="https://api.qboxmail.test", api_token=bad, send_url=SEND_URL)
    assert "secretvalue" not in str(caught.value)


async def test_a_send_token_no_header_can_carry_is_refused_before_the_network(
    make_client: ClientFactory,
) -> None:
    script = Script([reply(202, {"request_id": REQUEST_ID})])
    async with make_client(script) as client:
        with pytest.raises(ApiAuthError) as caught:
            await client.send(MESSAGE, token="abc\r\nX-Evil: secretvalue")
    assert script.requests == []
    assert "secretvalue" not in f"{caught.value!s} {caught.value!r}"
