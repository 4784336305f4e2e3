"""The history files: every input row is scheduled where it says, every row has a source.

``sim/data/history/events.csv`` lists each dated event with its role; an input that enters
the model as a scenario event or a lever of a historical strategy must be scheduled in
that scenario or strategy in its month, so the files and the configurations cannot drift.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from sim.common.calendar import month_offset, parse_month
from sim.experiment.configuration import load_scenario, load_strategy

HISTORY = Path(str(resources.files("sim").joinpath("data", "history")))
PERIODS = {  # first year -> (scenario, historical strategy)
    2017: ("hindcast_2017", "historical_2017"),
    2021: ("hindcast_2021", "status_quo"),
    2025: ("forecast_2025", "historical_2025"),
}


def period_of(date: str) -> tuple[str, str]:
    year = int(date[:4])
    first = max(start for start in PERIODS if start <= year)
    return PERIODS[first]


def inputs() -> pd.DataFrame:
    events = pd.read_csv(HISTORY / "events.csv")
    return events[events["role"] == "input"]


@pytest.mark.parametrize("row", inputs().to_dict("records"), ids=lambda row: row["id"])
def test_every_input_is_scheduled_in_its_scenario_or_strategy(row):
    scenario_name, strategy_name = period_of(row["date"])
    scenario = load_scenario(scenario_name)
    start = parse_month("start", scenario.start)
    how = row["model_input"]
    effective = re.search(r"\((?:from )?(\d{4}-\d{2})", how)  # a month given when it differs
    month = parse_month("date", effective.group(1) if effective else row["date"])
    if how.startswith("event:"):
        kind, *actors = how.removeprefix("event:").split(" and ")[0].split(" (")[0].split()
        scheduled = [e for e in scenario.events if str(e.kind) == kind and parse_month("e", e.date) == month]
        assert scheduled, f"{row['id']}: no '{kind}' event in {scenario_name} in {row['date'][:7]}"
        assert any(list(e.actors) == actors for e in scheduled), f"{row['id']}: actors {actors}"
    if "lever:" in how and not {"ends", "continues"} & set(how.split()):
        kind, target = how.split("lever:")[1].split()[:2]
        levers = load_strategy(strategy_name).levers
        starts = [lever.start for lever in levers if str(lever.kind) == kind and lever.target == target]
        assert month_offset(start, month) in starts, (
            f"{row['id']}: no {kind} lever on {target} from {row['date']}"
        )


def test_every_event_and_pattern_has_a_date_a_role_and_a_source():
    events = pd.read_csv(HISTORY / "events.csv")
    assert events["id"].is_unique
    assert set(events["role"]) == {"input", "output"}
    assert events["source"].fillna("").str.len().gt(0).all()
    inputs_with_size = events[(events["role"] == "input") & events["magnitude"].notna()]
    assert set(inputs_with_size["magnitude_basis"]) <= {"figure", "derived", "judgement"}
    patterns = pd.read_csv(HISTORY / "patterns.csv")
    assert patterns["id"].is_unique
    assert patterns["source"].fillna("").str.len().gt(0).all()
    assert (patterns["tolerance"] > 0).all()
    assert set(patterns["use"]) == {"calibration", "forecast"}
    assert (patterns.loc[patterns["use"] == "forecast", "period"].astype(str) == "2025").all()
    calibration = patterns[patterns["use"] == "calibration"]
    assert not (calibration["period"].astype(str) == "2025").any()
    # nothing after the end of 2024: the record dated 2025-01 is the state at the end of 2024
    assert (calibration["end"] <= "2025-01").all() and (calibration["start"].fillna("") <= "2025-01").all()


def test_the_tie_and_trust_events_are_gone():
    """Only input kinds remain: no event kind writes a tie or trust."""
    from sim.model.parameters import EventKind, ShockKind

    assert {"tie", "trust"}.isdisjoint({k.value for k in EventKind})
    assert "trust" not in {k.value for k in ShockKind}
