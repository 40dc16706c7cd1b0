"""The one place the optional endpoints are mounted: each package's route factory says whether it
is configured (POST /ledger: QBX_LEDGER_SECRET; POST /alerts: QBX_ALERTS_SECRET and
QBX_INCIDENT_CHANNEL); every one is a signed webhook (bot.web.endpoint)."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient
from starlette.routing import Route

from bot.clocks import EpochClock
from bot.incidents.alerts import alert_routes
from bot.ledger.book import Ledger
from bot.ledger.http import ledger_routes
from bot.settings import Settings
from bot.slack.deps import SlackDeps


def optional_routes(
    settings: Settings, *, ledger: Ledger, deps: SlackDeps, client: AsyncWebClient,
    clock: EpochClock,
) -> list[Route]:  # fmt: skip
    """Every optional endpoint the settings turn on."""
    return [
        *ledger_routes(settings, ledger, deps.store, clock),
        *alert_routes(settings, deps, client, clock=clock),
    ]
