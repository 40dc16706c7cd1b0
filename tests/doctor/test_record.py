"""`qbx doctor --record`: one scrubbed response per endpoint; no address, domain, token, IP or
subject of the original responses survives, and the same value keeps one placeholder."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bot.doctor.probe import Probe, Sample
from bot.doctor.record import INDEX, write_recording
from bot.qboxmail.client import QboxmailClient
from bot.qboxmail.contract import ENDPOINTS
from bot.simulator import SimulatorHandle

EMAIL = re.compile(r"[\w.+-]+@([\w-]+\.)+[a-z]{2,}", re.IGNORECASE)
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
SECRET_FIELDS = ("password", "token_preview", "subject", "customer_fullname")


async def probed(sim: SimulatorHandle) -> dict[str, Sample]:
    client = QboxmailClient(
        api_url=sim.base_url, api_token=sim.management_token, send_url=sim.send_url
    )
    async with client:
        probe = Probe(client, sim.clock.now().date())
        await probe.run()
    return probe.samples


def stems(directory: Path) -> set[str]:
    return {p.stem for p in directory.glob("*.json")}


def strings(value: Any, key: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in strings(v, k)]
    if isinstance(value, list):
        return [pair for v in value for pair in strings(v, key)]
    return [(key, value)] if isinstance(value, str) and value else []


def originals(samples: dict[str, Sample], token: str) -> set[str]:
    """Every address, address domain, IP and secret-field value in the original answers."""
    found = {token}
    for key, text in (p for s in samples.values() for p in strings(s.body)):
        for match in EMAIL.finditer(text):
            address = match.group(0)
            found |= {address.lower(), address.rpartition("@")[2].lower()}
        found |= {ip for ip in IPV4.findall(text) if not ip.startswith("198.18.")}
        if key in SECRET_FIELDS:
            found.add(text)
    return found


async def test_a_recording_holds_none_of_the_originals(
    sim: SimulatorHandle, tmp_path: Path
) -> None:
    samples = await probed(sim)
    secrets = originals(samples, sim.management_token)
    assert len(secrets) > 20  # the answers really carried addresses, IPs and tokens
    files = write_recording(tmp_path, samples, secrets=(sim.management_token,), simulated=True)
    text = "\n".join(f.read_text() for f in files).lower()
    leaked = sorted(s for s in secrets if s.lower() in text)
    assert leaked == []


async def test_one_file_per_endpoint_read_and_an_index(
    sim: SimulatorHandle, tmp_path: Path
) -> None:
    samples = await probed(sim)
    write_recording(tmp_path, samples, secrets=(), simulated=True)
    reads = {e.name for e in ENDPOINTS if not e.writes}
    assert stems(tmp_path) == reads | {Path(INDEX).stem}
    index = json.loads((tmp_path / INDEX).read_text())
    assert set(index["endpoints"]) == reads
    pdf = json.loads((tmp_path / "log_pdf.json").read_text())
    assert pdf["body"]["pdf_bytes"] > 0


async def test_the_same_mailbox_keeps_one_placeholder_across_files(
    sim: SimulatorHandle, tmp_path: Path
) -> None:
    write_recording(tmp_path, await probed(sim), secrets=(), simulated=True)
    listed = json.loads((tmp_path / "mailboxes.json").read_text())["body"]["resources"]
    single = json.loads((tmp_path / "mailbox.json").read_text())["body"]["resources"][0]
    first = next(m for m in listed if m["code"] == single["code"])
    assert single["email"] == first["email"]
    assert single["email"].startswith("user-")
    domain = json.loads((tmp_path / "hosting_domain.json").read_text())["body"]["resources"][0]
    assert single["email"].endswith("@" + domain["name"])
