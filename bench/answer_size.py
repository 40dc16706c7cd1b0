"""How long each Slack answer is, and how many Slack calls a trace and a button click cost.

Drives the real Bolt app (signed `/qbx trace` commands, button clicks) against the embedded
simulator and the loopback Slack stand-in, one simulator scenario at a time, and prints per
scenario the characters and lines a reader sees in the parent (the verdict) and in the checklist
reply, then the Slack Web API calls of one trace and of each result button.

    uv run python bench/answer_size.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.logs import configure_logging  # noqa: E402
from bot.runtime.serving import open_runtime  # noqa: E402
from bot.simulator import running_simulator  # noqa: E402
from tests.slack.conftest import Harness, settings_for  # noqa: E402
from tests.slack.payloads import size as message_size  # noqa: E402
from tests.slack.standin import Call, running_standin, serving  # noqa: E402

CHANNEL = "C0SUPPORT"
WEB_CALLS = ("chat.", "files.", "views.", "reactions.", "conversations.", "upload", "response_url")


def size(call: Call | None) -> tuple[int, int]:
    return (0, 0) if call is None else message_size(call)


def trace_text(scenario: dict[str, Any]) -> str:
    ids, text = scenario["ids"], str(scenario["trace"])
    if text.isdigit():
        return f"account {text}"
    if ids.get("to") and ids.get("date"):
        return f"{text} sent to {ids['to']} on {ids['date']}"
    return text


def slack_calls(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method.startswith(WEB_CALLS) and c.status == 200]


def parent_and_checklist(calls: list[Call]) -> tuple[Call | None, Call | None]:
    parents = [c for c in calls if c.method == "chat.postMessage" and not c.args.get("thread_ts")]
    if not parents:
        return None, None
    ts = str(parents[0].answer.get("ts"))
    final = [c for c in calls if c.method == "chat.update" and c.args.get("ts") == ts]
    thread = [c for c in calls if c.method == "chat.postMessage" and c.args.get("thread_ts") == ts]
    checklist = next((c for c in thread if "checklist" in c.text.lower()), None)
    return (final[-1] if final else parents[0]), checklist or (thread[0] if thread else None)


async def settle(qbx: Harness) -> None:
    for _ in range(3):
        await asyncio.sleep(0.05)
        await qbx.runtime.deps.background.drain(60)


async def one_trace(qbx: Harness, text: str) -> list[Call]:
    start = len(qbx.slack.calls)
    await qbx.command(f"trace {text}")
    await settle(qbx)
    return qbx.slack.calls[start:]


async def click(qbx: Harness, button: dict[str, Any]) -> int:
    start = len(qbx.slack.calls)
    await qbx.click(button)
    await settle(qbx)
    return len(slack_calls(qbx.slack.calls[start:]))


def buttons_of(call: Call | None) -> dict[str, dict[str, Any]]:
    if call is None:
        return {}
    found = [e for b in call.blocks if b.get("type") == "actions" for e in b["elements"]]
    return {str(e["action_id"]): e for e in found}


async def measure(qbx: Harness) -> None:
    print(f"{'scenario':30} {'verdict':20} {'parent':>12} {'checklist':>14} {'calls':>6}")
    parent_chars, list_chars, calls_per_trace = [], [], []
    for scenario in qbx.sim.describe()["scenarios"]:
        calls = await one_trace(qbx, trace_text(scenario))
        parent, checklist = parent_and_checklist(calls)
        (pc, pl), (cc, cl) = size(parent), size(checklist)
        parent_chars.append(pc)
        list_chars.append(cc)
        calls_per_trace.append(len(slack_calls(calls)))
        print(f"{scenario['name']:30} {scenario['verdict']:20} {pc:6} ch {pl:2} l "
              f"{cc:7} ch {cl:3} l {calls_per_trace[-1]:6}")  # fmt: skip
    print(f"median: parent {statistics.median(parent_chars):.0f} ch, checklist "
          f"{statistics.median(list_chars):.0f} ch; max parent {max(parent_chars)} ch; "
          f"Slack calls per trace: median {statistics.median(calls_per_trace):.0f}")  # fmt: skip
    await measure_clicks(qbx)


async def measure_clicks(qbx: Harness) -> None:
    bounced = next(s for s in qbx.sim.describe()["scenarios"] if s["name"] == "bounced")
    for action in ("qbx_rerun", "qbx_deeper", "qbx_bundle", "qbx_evidence"):
        parent, _ = parent_and_checklist(await one_trace(qbx, trace_text(bounced)))
        button = buttons_of(parent).get(action)
        if button is None:
            print(f"click {action}: no such button")
            continue
        print(f"click {action}: {await click(qbx, button)} Slack calls")


async def main() -> None:
    async with running_simulator(seed=7) as sim, running_standin() as slack:
        settings = settings_for(
            sim, slack, qbx_report_cache_seconds=0, qbx_user_traces_per_minute=1000
        )
        async with (
            open_runtime(settings) as runtime,
            serving(runtime.asgi) as url,
            httpx.AsyncClient(base_url=url, timeout=30) as http,
        ):
            await measure(Harness(http, slack, sim, runtime, []))


if __name__ == "__main__":
    configure_logging(level="WARNING")  # the figures, not the per-request debug lines
    asyncio.run(main())
