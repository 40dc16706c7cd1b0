"""Each user's recent traces (for their Home tab), kept in the store as run_trace answers."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Final

from bot.diagnostics.report import Report
from bot.render.home import RecentTrace
from bot.slack.deps import SlackDeps

RECENT: Final = 10  # traces kept per user for the Home tab
RECENT_TTL: Final = 30 * 24 * 3600.0


def recent_key(user: str) -> str:
    return f"home:recent:{user}"


async def remember_trace(
    deps: SlackDeps, user: str, channel: str, parent_ts: str, report: Report
) -> None:
    """Keep this trace at the top of `user`'s recent traces (their Home tab)."""
    if not user.startswith(("U", "W")):  # Slack users only, not qbx's own actors
        return
    at = datetime.fromtimestamp(deps.wall_clock(), UTC).strftime("%Y-%m-%d %H:%M UTC")
    item = RecentTrace(report.target.value, report.verdict.code.value, channel, parent_ts, at)
    kept = await deps.store.get_json(recent_key(user)) or []
    await deps.store.put_json(recent_key(user), [asdict(item), *kept][:RECENT], RECENT_TTL)
