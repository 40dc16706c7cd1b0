"""`qbx doctor`'s composition: settings -> Qboxmail, Slack and store checks, concurrently,
each bounded by the total time limit; the optional recording of what Qboxmail answered."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import aiohttp

from bot.doctor.probe import Probe
from bot.doctor.record import write_recording
from bot.doctor.report import Area, Check, DoctorReport, EndpointResult, Status
from bot.doctor.slack import SlackSetup, manifest_scopes, slack_checks
from bot.doctor.store import store_checks
from bot.doctor.verdicts import endpoint_check, send_error_check, token_check
from bot.errors import ConfigError
from bot.runtime.services import open_services
from bot.settings import Settings
from bot.slack.client import Sleep, build_web_client

CALL_TIMEOUT = 5.0  # seconds for any one Qboxmail call (the settings' may be longer)
RETRY_BUDGET = 2.0
SLACK_TIMEOUT = 10  # seconds for any one Slack Web API call


@dataclass(frozen=True)
class DoctorOptions:
    today: date
    time_limit: float = 30.0
    record_dir: Path | None = None
    manifest: Path | None = None
    sleep: Sleep = asyncio.sleep  # between Slack retries (tests pass one that returns at once)


@dataclass(frozen=True)
class DoctorRun:
    report: DoctorReport
    recorded: tuple[Path, ...] = ()


def settings_checks(settings: Settings) -> list[Check]:
    checks = [Check(Area.SETTINGS, "settings", Status.OK, "every setting is valid")]
    if settings.simulated:
        checks.append(
            Check(
                Area.SETTINGS, "Qboxmail account", Status.WARN,
                "QBOXMAIL_API_TOKEN is not set: checking the embedded simulator (SIMULATED)",
                "set QBOXMAIL_API_TOKEN to check your own account",
            )
        )  # fmt: skip
    if settings.simulated and settings.qbx_simulator_drift:
        checks.append(
            Check(
                Area.SETTINGS, "simulator drift", Status.WARN,
                "QBX_SIMULATOR_DRIFT is on: the simulator answers with changed fields",
                "unset QBX_SIMULATOR_DRIFT for faithful answers",
            )
        )  # fmt: skip
    return checks


def invalid_settings(error: ConfigError) -> DoctorReport:
    fix = "fix them in the environment or .env (see .env.example), then run qbx doctor again"
    problems = [line.strip(" -") for line in str(error).splitlines()[1:]] or [str(error)]
    check = Check(Area.SETTINGS, "settings", Status.FAIL, "invalid: " + "; ".join(problems), fix)
    return DoctorReport((check,))


def bounded(settings: Settings) -> Settings:
    """The settings with a short per-call timeout and one quick retry at most."""
    return settings.model_copy(
        update={
            "qboxmail_read_timeout": min(settings.qboxmail_read_timeout, CALL_TIMEOUT),
            "qboxmail_connect_timeout": min(settings.qboxmail_connect_timeout, CALL_TIMEOUT),
            "qboxmail_retry_budget": min(settings.qboxmail_retry_budget, RETRY_BUDGET),
            "qboxmail_max_retries": min(settings.qboxmail_max_retries, 1),
        }
    )


async def qboxmail_part(
    settings: Settings, options: DoctorOptions
) -> tuple[list[Check], tuple[EndpointResult, ...], tuple[Path, ...]]:
    async with open_services(bounded(settings), ledger=False, slack=False) as services:
        client, simulated = services.api, services.simulated
        probe = Probe(client, options.today)
        why_not = "not reached: an earlier call failed"
        try:
            async with asyncio.timeout(options.time_limit):
                await probe.run()
        except TimeoutError:
            why_not = f"not reached within the {options.time_limit:g} s time limit"
        token = settings.qboxmail_api_token
        secrets = (token.get_secret_value(),) if token else ()
        paths = await asyncio.to_thread(_record, options, probe, secrets, simulated)
    results = probe.finished(why_not)
    checks = [token_check(results, probe.auth_error is not None)]
    if checks[0].status is Status.OK:  # else every endpoint would repeat the same failure
        checks += [endpoint_check(r) for r in results] + [send_error_check(probe.entries)]
    return checks, results, paths


def _record(
    options: DoctorOptions, probe: Probe, secrets: tuple[str, ...], simulated: bool
) -> tuple[Path, ...]:
    if options.record_dir is None or not probe.samples:
        return ()
    written = write_recording(
        options.record_dir, probe.samples, secrets=secrets, simulated=simulated
    )
    return tuple(written)


def slack_setup(settings: Settings) -> SlackSetup:
    return SlackSetup(
        watch_channels=settings.qbx_watch_channels,
        incident_channel=settings.qbx_incident_channel,
        signing_secret_set=settings.slack_signing_secret is not None,
        app_token_set=settings.slack_app_token is not None,
    )


async def slack_part(settings: Settings, options: DoctorOptions) -> list[Check]:
    try:
        return await _slack(settings, options)
    except aiohttp.ClientError as error:
        where = str(settings.slack_api_url)
        return [
            Check(
                Area.SLACK, "bot token", Status.FAIL,
                f"cannot reach Slack at {where} ({type(error).__name__})",
                "check this host's network access to Slack, or SLACK_API_URL",
            )
        ]  # fmt: skip


async def _slack(settings: Settings, options: DoctorOptions) -> list[Check]:
    manifest = options.manifest
    wanted = manifest_scopes(manifest.read_text()) if manifest and manifest.exists() else ()
    token = settings.slack_bot_token
    if token is None:
        return await slack_checks(None, slack_setup(settings), wanted)
    async with aiohttp.ClientSession() as session:
        client = build_web_client(
            token=token.get_secret_value(),
            base_url=str(settings.slack_api_url),
            session=session,
            timeout=SLACK_TIMEOUT,
            sleep=options.sleep,
        )
        return await slack_checks(client, slack_setup(settings), wanted)


async def _within(limit: float, area: Area, part: Awaitable[list[Check]]) -> list[Check]:
    try:
        async with asyncio.timeout(limit):
            return await part
    except TimeoutError:
        return [Check(area, "answer", Status.FAIL, f"no answer within {limit:g} s", "try again")]


async def run_doctor(settings: Settings, options: DoctorOptions) -> DoctorRun:
    """Every check, the three areas concurrently, within `options.time_limit` seconds."""
    limit = options.time_limit
    (qbox, endpoints, paths), slack, store = await asyncio.gather(
        qboxmail_part(settings, options),
        _within(limit, Area.SLACK, slack_part(settings, options)),
        _within(limit, Area.STORE, store_checks(settings.redis_url, settings.qbx_redis_prefix)),
    )
    checks = (*settings_checks(settings), *qbox, *slack, *store)
    return DoctorRun(DoctorReport(checks, endpoints), paths)
