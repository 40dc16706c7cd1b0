"""The allow-list: a request that is not in contract.ENDPOINTS never reaches the network."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from bot.errors import PathNotAllowed
from bot.qboxmail.contract import ENDPOINTS, Api, Endpoint
from bot.qboxmail.requester import Call, Requester, Timeouts
from bot.qboxmail.retry import RetryBackoff, Timing

from .conftest import API_URL, SEND_URL, TOKEN, ClientFactory, FakeTime, Script, envelope, reply


def requester(script: Script, fake_time: FakeTime) -> Requester:
    return Requester(
        bases={Api.MANAGEMENT: API_URL, Api.SEND: SEND_URL},
        management_token=TOKEN,
        timeouts=Timeouts(connect=1.0, read=1.0),
        backoff=RetryBackoff(),
        timing=Timing(fake_time.sleep, fake_time.clock, lambda: 0.5),
        wall_clock=lambda: datetime(2026, 11, 23, tzinfo=UTC),
        max_connections=2,
        transport=httpx.MockTransport(script),
    )


@pytest.mark.parametrize(
    ("api", "method", "path"),
    [
        (Api.MANAGEMENT, "GET", "/api/queue/jobs"),
        (Api.MANAGEMENT, "GET", "/api/admin/queues/delivery"),
        (Api.MANAGEMENT, "POST", "/api/delivery/accounts"),  # a listed path, a write method
        (Api.MANAGEMENT, "PUT", "/api/delivery/accounts/4127/status"),
        (Api.MANAGEMENT, "DELETE", "/api/domains/D123456789"),
        (Api.MANAGEMENT, "GET", "/api/domains/D123456789/../../queue"),
        (Api.MANAGEMENT, "GET", "/api/domains?customer_code=C1"),
        (Api.MANAGEMENT, "GET", "/api/domains/D12"),
        (Api.MANAGEMENT, "GET", "//evil.example/api/domains"),
        (Api.MANAGEMENT, "POST", "/send"),  # a Send path on the Management host
        (Api.SEND, "GET", "/api/domains"),  # a Management path on the Send host
        (Api.SEND, "POST", "/send/queue"),
    ],
)
async def test_unlisted_requests_are_refused_before_any_network_io(
    fake_time: FakeTime, api: Api, method: str, path: str
) -> None:
    script = Script([reply(200, envelope())])
    http = requester(script, fake_time)
    with pytest.raises(PathNotAllowed) as caught:
        await http.send(Call(api, method, path))
    await http.aclose()
    assert script.requests == []
    assert path in str(caught.value)
    assert (caught.value.method, caught.value.path, caught.value.status) == (method, path, None)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
async def test_every_listed_endpoint_is_let_through(
    fake_time: FakeTime, endpoint: Endpoint
) -> None:
    samples = {"id": 4127, "domain_code": "D123456789", "email_account_code": "EA12345678"}
    samples |= {"log_type": "incoming", "log_id": "L000000012345"}
    path = endpoint.render(**{name: samples[name] for name, _ in endpoint.params})
    script = Script([reply(200, envelope())])
    http = requester(script, fake_time)
    await http.send(Call(endpoint.api, endpoint.method, path))
    await http.aclose()
    assert [r.url.path for r in script.requests] == [
        ("/v1" if endpoint.api is Api.SEND else "") + path
    ]


@pytest.mark.parametrize(
    ("call", "args"),
    [
        ("hosting_domain", ("D12",)),
        ("hosting_domain", ("D123456789/../../queue",)),
        ("mailboxes", ("d123456789",)),
        ("mailbox", ("D123456789", "EA1")),
        ("log_pdf", ("D123456789", "spam", "L000000012345")),
        ("log_pdf", ("D123456789", "access", "12345")),
    ],
)
async def test_bad_path_values_are_refused_before_any_network_io(
    make_client: ClientFactory, call: str, args: tuple[str, ...]
) -> None:
    script = Script([reply(200, envelope())])
    async with make_client(script) as client:
        with pytest.raises(PathNotAllowed):
            await getattr(client, call)(*args)
    assert script.requests == []


async def test_a_bad_account_id_is_refused_before_any_network_io(
    make_client: ClientFactory,
) -> None:
    script = Script([reply(200, envelope())])
    async with make_client(script) as client:
        with pytest.raises(PathNotAllowed):
            await client.api_tokens(-1)
    assert script.requests == []


def test_the_only_write_is_the_suppression_edit() -> None:
    """Reads are GETs plus the documented POST lookup; Send is the mail itself; one write."""
    lookups = {"suppression_details", "send", "send_bulk"}
    writes = {e.name for e in ENDPOINTS if e.method != "GET" and e.name not in lookups}
    assert writes == {"suppression_edit"}
