"""The Home tab's open incidents, rendered: escaped, masked, capped, each with its post."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.incidents.lifecycle import IncidentRecord
from bot.render.home import MAX_HOME_INCIDENTS, HomeState, home_view
from bot.render.mrkdwn import Masker
from tests.incidents.test_lifecycle import open_record

MASK = Masker(enabled=True)


def state(*incidents: IncidentRecord, count: int | None = None) -> HomeState:
    total = len(incidents) if count is None else count
    return HomeState("U1", [], [], {}, "C_INCIDENTS", incidents, total)


def text_of(home: HomeState) -> str:
    return json.dumps(home_view(home, MASK))


def test_an_incident_shows_severity_title_summary_since_and_its_post() -> None:
    record = replace(open_record(), parent_ts="1795000000.000100")
    shown = text_of(state(record))
    assert ":rotating_light: *Critical:* Bounce rate on Domain shop.example" in shown
    assert record.summary in shown
    assert f"since <!date^{int(record.started_at.timestamp())}^" in shown
    assert "<https://slack.com/archives/C_INCIDENTS/p1795000000000100|open>" in shown


def test_an_incident_not_yet_posted_points_at_the_channel() -> None:
    assert "being posted in <#C_INCIDENTS>" in text_of(state(open_record()))


def test_outside_text_is_escaped_and_addresses_are_masked() -> None:
    hostile = replace(open_record(), summary="<!channel> bounces for jane.doe@example.com & co")
    shown = text_of(state(hostile))
    assert "&lt;!channel&gt;" in shown
    assert "<!channel>" not in shown
    assert "jane.doe@example.com" not in shown
    assert "j***@example.com" in shown
    assert "&amp; co" in shown


def test_the_list_is_capped_and_the_rest_counted() -> None:
    many = [replace(open_record(), key=f"k{n}", parent_ts=f"1.{n}") for n in range(15)]
    view = home_view(state(*many, count=15), MASK)
    lines = [b for b in view["blocks"] if ":rotating_light:" in json.dumps(b)]
    assert len(lines) == MAX_HOME_INCIDENTS
    assert "5 more open." in json.dumps(view)


def test_no_open_incidents_says_so_and_where_they_would_be_posted() -> None:
    shown = text_of(state())
    assert "No open incidents. Incidents are posted and updated in <#C_INCIDENTS>." in shown


def test_without_an_incident_channel_the_watcher_is_said_to_be_off() -> None:
    off = replace(state(), incident_channel=None)
    assert "The incident watcher is off" in text_of(off)
