"""`qbx doctor --record DIR`: one scrubbed response per endpoint, safe to send to the project.

DIR/<endpoint>.json holds {"endpoint", "method", "path", "status", "content_type", "body"}
(a PDF is kept as its size only); DIR/recording.json says what was recorded and how.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot import __version__
from bot.doctor.probe import Sample
from bot.doctor.scrub import Placeholders, scrub
from bot.qboxmail.contract import ENDPOINTS_BY_NAME

INDEX = "recording.json"
NOTE = (
    "Recorded by qbx doctor --record. Every address, domain, name, token, IP and subject was "
    "replaced by a placeholder (the same value, the same placeholder). Ids and codes are kept."
)


def recorded(sample: Sample, places: Placeholders) -> dict[str, Any]:
    spec = ENDPOINTS_BY_NAME[sample.endpoint]
    body = {"pdf_bytes": sample.size} if sample.body is None else scrub(sample.body, places)
    return {
        "endpoint": sample.endpoint,
        "method": spec.method,
        "path": spec.path,
        "status": sample.status,
        "content_type": sample.content_type.split(";")[0],
        "body": body,
    }


def write_recording(
    directory: Path, samples: Mapping[str, Sample], *, secrets: tuple[str, ...], simulated: bool
) -> list[Path]:
    """Write one file per sampled endpoint (and the index); return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    places = Placeholders(secrets=secrets)
    for sample in samples.values():
        places.learn(sample.body)
    written = []
    for name in sorted(samples):
        path = directory / f"{name}.json"
        path.write_text(json.dumps(recorded(samples[name], places), indent=1) + "\n")
        written.append(path)
    index = {"qbx": __version__, "simulated": simulated, "note": NOTE, "endpoints": sorted(samples)}
    (directory / INDEX).write_text(json.dumps(index, indent=1) + "\n")
    return [*written, directory / INDEX]
