"""A loopback TCP proxy in front of the simulator that misbehaves on purpose, per path.

Each connection carries one request (answers say `Connection: close`). The fault for a request
is the first of `faults` whose key is in its path (else `default`):
  PASS       forward to the upstream and relay its answer
  HANG       read the request, never answer
  RESET      read the request, then reset the connection (RST)
  DRIP       the upstream's answer, one byte every `drip_seconds`
  MALFORMED  200 with a body that is not JSON
  HUGE       200 with a JSON body of `huge_bytes`
`requests` lists the paths seen (to count calls).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import StrEnum


class Mode(StrEnum):
    PASS = "pass"
    HANG = "hang"
    RESET = "reset"
    DRIP = "drip"
    MALFORMED = "malformed"
    HUGE = "huge"


@dataclass
class FaultProxy:
    upstream_host: str
    upstream_port: int
    default: Mode = Mode.PASS
    faults: dict[str, Mode] = field(default_factory=dict)
    drip_seconds: float = 0.2
    huge_bytes: int = 30 * 1024 * 1024
    requests: list[str] = field(default_factory=list)
    port: int = 0
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def mode_for(self, path: str) -> Mode:
        return next((m for key, m in self.faults.items() if key in path), self.default)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            request = await _read_request(reader)
            if request is None:
                return
            path = request.split(b" ", 2)[1].decode("latin-1")
            self.requests.append(path)
            await self._answer(self.mode_for(path), request, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    async def _answer(self, mode: Mode, request: bytes, writer: asyncio.StreamWriter) -> None:
        if mode is Mode.HANG:
            await asyncio.sleep(3600)
        elif mode is Mode.RESET:
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode is Mode.MALFORMED:
            await _send(writer, b'{"data": [{"id": 1, "subject": "cut off', b"application/json")
        elif mode is Mode.HUGE:
            body = b'{"data": "' + b"x" * self.huge_bytes + b'"}'
            await _send(writer, body, b"application/json")
        else:
            answer = await self._forward(request)
            if mode is Mode.DRIP:
                for index in range(len(answer)):
                    writer.write(answer[index : index + 1])
                    await writer.drain()
                    await asyncio.sleep(self.drip_seconds)
            else:
                writer.write(answer)
                await writer.drain()

    async def _forward(self, request: bytes) -> bytes:
        reader, writer = await asyncio.open_connection(self.upstream_host, self.upstream_port)
        try:
            writer.write(request)
            await writer.drain()
            return await reader.read()  # the upstream closes: Connection: close was asked
        finally:
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> bytes | None:
    """The request with `Connection: close` in place of any keep-alive header."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if line]
    if not lines:
        return None
    length = 0
    kept = [lines[0]]
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"connection":
            continue
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        kept.append(line)
    body = await reader.readexactly(length) if length else b""
    return b"\r\n".join([*kept, b"Connection: close", b"", b""]) + body


async def _send(writer: asyncio.StreamWriter, body: bytes, kind: bytes) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: " + kind + b"\r\nContent-Length: "
    writer.write(head + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    await writer.drain()


@contextlib.asynccontextmanager
async def running_proxy(upstream_url: str) -> AsyncIterator[FaultProxy]:
    """A FaultProxy on 127.0.0.1:0 in front of `upstream_url` (http://host:port/...)."""
    host_port = upstream_url.split("://", 1)[1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    proxy = FaultProxy(host, int(port))
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
    proxy.port = server.sockets[0].getsockname()[1]
    try:
        yield proxy
    finally:
        server.close()
        for writer in list(proxy._writers):
            writer.close()
        await server.wait_closed()
