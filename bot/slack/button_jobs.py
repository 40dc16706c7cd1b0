"""Button work on the job queue: Deeper trace and Log PDF run as jobs, on a `qbx worker` (Redis)
or in this process, and post into the result's thread; a job that gives up says so there.

The payload carries the button's whole context (JSON), so a worker needs no web-process state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from bot.diagnostics.report import LogRef
from bot.jobs.registry import GaveUp, GiveUpHandler, JobContext, JobRegistry, Payload
from bot.render.blocks import notice_message
from bot.render.mrkdwn import escape
from bot.slack.deps import SlackDeps
from bot.slack.inplace import deepen_in_place
from bot.slack.poster import Poster
from bot.slack.tracing import ButtonContext, context_from_json, context_to_json

DEEPER_JOB: Final = "slack_deeper_trace"
LOG_PDF_JOB: Final = "slack_log_pdf"
SLACK_JOBS: Final = (DEEPER_JOB, LOG_PDF_JOB)
WHAT: Final = {DEEPER_JOB: "Deeper trace", LOG_PDF_JOB: "Log PDF"}


@dataclass(frozen=True)
class SlackWork:
    """What a Slack job needs: the listeners' dependencies and the Web API calls."""

    deps: SlackDeps
    poster: Poster


WorkSource = Callable[[], Awaitable[SlackWork]]
"""Opens (once) or returns the jobs' dependencies, inside the event loop that runs the jobs."""


def payload_for(context: ButtonContext, user: str, index: int = 0) -> Payload:
    return {"context": context_to_json(context), "user": user, "index": index}


async def run_slack_job(work: SlackWork, name: str, payload: Payload) -> None:
    """Do one button's work and post its result into the result's thread."""
    context = context_from_json(payload["context"])
    if name == DEEPER_JOB:
        await deepen_in_place(work.deps, work.poster, context, str(payload["user"]))
    elif name == LOG_PDF_JOB:
        await fetch_log_pdf(work.deps, work.poster, context, int(payload["index"]))
    else:
        raise ValueError(f"not a Slack job: {name}")


async def start_slack_job(deps: SlackDeps, poster: Poster, name: str, payload: Payload) -> None:
    """Queue the work when a queue is configured; else do it here and now."""
    if deps.jobs is None:
        await run_slack_job(SlackWork(deps, poster), name, payload)
    else:
        await deps.jobs.enqueue(name, payload)


def register_slack_jobs(registry: JobRegistry[Any], source: WorkSource) -> None:
    """Add the Slack jobs to `registry` (whatever its deps) and their give-up note."""

    def job(name: str) -> Callable[[JobContext[Any], Payload], Awaitable[None]]:
        async def run(ctx: JobContext[Any], payload: Payload) -> None:
            await run_slack_job(await source(), name, payload)

        return run

    for name in SLACK_JOBS:
        registry.register(name, job(name))
    registry.add_give_up_handler(gave_up_note(source))


def gave_up_note(source: WorkSource) -> GiveUpHandler:
    """Tell the result's thread that a Slack job gave up, and why (escaped)."""

    async def note(gave_up: GaveUp) -> None:
        if gave_up.name not in SLACK_JOBS:
            return
        work = await source()
        context = context_from_json(gave_up.payload["context"])
        text = (
            f":warning: {WHAT[gave_up.name]} gave up after {gave_up.attempts} tries: "
            f"{escape(gave_up.error)}"
        )
        await work.poster.post(context.thread, notice_message(text))

    return note


async def fetch_log_pdf(
    deps: SlackDeps, poster: Poster, context: ButtonContext, index: int
) -> None:
    """Download an Email log analysis entry's PDF and upload it into the result's thread."""
    logs = context.report.logs
    if not 0 <= index < len(logs):
        await poster.post(context.thread, notice_message("That log entry is no longer listed."))
        return
    log = logs[index]
    content = await deps.pdfs.log_pdf(log.domain_code, log.log_type, log.log_id)
    await poster.upload_pdf(context.thread, pdf_filename(log), content, escape(log.title))


def pdf_filename(log: LogRef) -> str:
    safe_id = "".join(ch for ch in log.log_id if ch.isalnum())
    safe_type = "".join(ch for ch in log.log_type if ch.isalnum())
    return f"qboxmail-{safe_type}-log-{safe_id}.pdf"
