"""The incident watcher inside `qbx serve`: a single process without Redis posts incidents too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.incidents.slack_support import metadata_of, running_history_standin
from tests.replicas.support import counted_simulator, qbx_env, start_server, stop
from tests.slack.standin import Call

CHANNEL = "C0INCIDENTS"
WITHIN = 60.0  # seconds (a bound, not a delay)


def incident_ids(calls: list[Call]) -> list[str]:
    return [
        str(metadata_of(c)["event_payload"]["incident_id"])
        for c in calls
        if c.method == "chat.postMessage" and c.args.get("channel") == CHANNEL
        and "metadata" in c.args
    ]  # fmt: skip


@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_without_redis_qbx_serve_runs_the_watcher_itself(tmp_path: Path) -> None:
    async with counted_simulator() as sim, running_history_standin() as slack:
        env = qbx_env(sim.handle, slack.base_url, QBX_INCIDENT_CHANNEL=CHANNEL,
                      QBX_WATCH_INTERVAL_SECONDS="3600", LOG_LEVEL="INFO")  # fmt: skip
        server = await start_server("solo", env, tmp_path)
        try:
            wanted = "account_inactive:account:4130@"
            await slack.wait_for(
                lambda calls: any(i.startswith(wanted) for i in incident_ids(calls)), within=WITHIN
            )
        finally:
            stop([server])
        log = server.log.read_text(errors="replace")
    assert "REDIS_URL" not in env
    ids = incident_ids(slack.calls)
    assert len(ids) == len(set(ids))  # each incident posted once
    assert '"event": "incident_parent_posted"' in log  # by the server process itself
