"""Download a file shared in Slack: its metadata through the Web API (files.info), its bytes
with the bot token, refused over MAX_FILE_BYTES, and never more than the bounce reader reads."""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.bounces.mime import MAX_BYTES

MAX_FILE_BYTES: Final = 10 * 1024 * 1024
TIMEOUT_SECONDS: Final = 20.0
_SLACK_FILE_HOSTS: Final = (".slack.com", ".slack-edge.com")


class FileRefused(Exception):
    """A file qbx will not read, with the reason in words a user can act on."""


async def download(client: AsyncWebClient, file_id: str) -> bytes:
    """The first MAX_BYTES of a shared file; FileRefused when too large or unreachable."""
    info = await _info(client, file_id)
    size = int(info.get("size") or 0)
    if size > MAX_FILE_BYTES:
        raise FileRefused(
            f"it is {size / 1_048_576:.1f} MB; I read message files up to "
            f"{MAX_FILE_BYTES // 1_048_576} MB. Paste the bounce's text instead."
        )
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if not _trusted(url, client.base_url):
        raise FileRefused("Slack gave no download address for it.")
    return await _fetch(url, str(client.token or ""))


async def _info(client: AsyncWebClient, file_id: str) -> dict[str, Any]:
    if not file_id:
        raise FileRefused("the event named no file.")
    try:
        response = await client.files_info(file=file_id)
    except SlackApiError as error:
        raise FileRefused(f"Slack refused to describe it ({error.response.get('error')}); "
                          "the app needs the files:read scope.") from error  # fmt: skip
    file = response.get("file")
    if not isinstance(file, dict):
        raise FileRefused("Slack did not describe it.")
    return file


def _trusted(url: str, api_base: str) -> bool:
    """Only Slack's own file hosts, or the Web API's host (a stand-in in tests)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return False
    if parts.hostname == urlsplit(api_base).hostname:
        return True
    return parts.scheme == "https" and parts.hostname.endswith(_SLACK_FILE_HOSTS)


async def _fetch(url: str, token: str) -> bytes:
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url, headers=headers, allow_redirects=False) as response,
        ):
            if response.status != 200:
                raise FileRefused(f"Slack answered HTTP {response.status} to its download.")
            return await _bounded(response)
    except (aiohttp.ClientError, TimeoutError) as error:
        raise FileRefused(f"its download failed ({type(error).__name__}).") from error


async def _bounded(response: aiohttp.ClientResponse) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(65_536):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            break
    return b"".join(chunks)[: MAX_BYTES + 1]
