"""Private answers: through a response_url (commands, buttons, shortcuts) or chat.postEphemeral.

A response_url that answers 429/5xx or drops the connection is tried again with back-off; one
that still fails (or refuses: expired, unknown) hands the answer to `fallback` (an ephemeral
message to the same user in the same channel) so an acknowledged request is never left silent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.logs import get_logger
from bot.render.blocks import Message
from bot.slack.poster import Poster

Reply = Callable[[Message], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]
RESPONSE_URL_TRIES = 3
RESPONSE_URL_BACKOFF = 0.5  # seconds, doubled after each failed try
log = get_logger("qbx.slack")


class Delivery(StrEnum):
    DONE = "done"
    RETRY = "retry"  # 429, 5xx, connection trouble: may work later
    REFUSED = "refused"  # 4xx (expired or unknown response_url): will not


class ResponseUrlFailed(Exception):
    """The response_url did not take the answer and there was nowhere else to send it."""


def via_response_url(
    response_url: str, *, fallback: Reply | None = None, sleep: Sleep = asyncio.sleep
) -> Reply:
    async def reply(message: Message) -> None:
        outcome = Delivery.RETRY
        for attempt in range(RESPONSE_URL_TRIES):
            outcome = await _respond_once(response_url, message)
            if outcome is not Delivery.RETRY or attempt + 1 == RESPONSE_URL_TRIES:
                break
            await sleep(RESPONSE_URL_BACKOFF * 2**attempt)
        if outcome is Delivery.DONE:
            return
        log.warning("response_url_failed", outcome=outcome.value, fallback=fallback is not None)
        if fallback is None:
            raise ResponseUrlFailed(f"the response_url did not take the answer ({outcome})")
        await fallback(message)

    return reply


async def _respond_once(response_url: str, message: Message) -> Delivery:
    body: dict[str, Any] = {
        "text": message["text"],
        "response_type": "ephemeral",
        "replace_original": False,
    }
    if message["blocks"]:
        body["blocks"] = message["blocks"]
    try:
        answer = await AsyncWebhookClient(url=response_url).send_dict(body)
    except (aiohttp.ClientError, TimeoutError):
        return Delivery.RETRY
    if answer.status_code < 300:
        return Delivery.DONE
    return (
        Delivery.RETRY
        if answer.status_code == 429 or answer.status_code >= 500
        else (Delivery.REFUSED)
    )


def via_ephemeral(poster: Poster, channel: str, user: str, thread: str | None) -> Reply:
    async def reply(message: Message) -> None:
        await poster.ephemeral(channel, user, message, thread)

    return reply


def private_reply(
    response_url: str, poster: Poster, channel: str, user: str, sleep: Sleep
) -> Reply:
    """The response_url, falling back to an ephemeral message to `user` in `channel`."""
    fallback = via_ephemeral(poster, channel, user, None) if channel and user else None
    return via_response_url(response_url, fallback=fallback, sleep=sleep)
