"""Every parameter a design can vary reads as words with a unit, taken from the schema."""

from __future__ import annotations

import pytest

from sim.analysis.labels import UNITS, parameter_label, parameter_labels, parameter_note, ranged_fields
from sim.analysis.settings import with_overrides
from sim.common.errors import ConfigError
from sim.experiment.configuration import Config


def test_every_ranged_field_of_the_schema_has_a_unit():
    missing = [path for path in ranged_fields() if path not in UNITS]
    assert not missing, f"add units for {missing} to sim/analysis/labels.py"


def test_every_unit_belongs_to_a_field_of_the_schema():
    stale = [
        path for path in UNITS if parameter_label(f"{path}.X" if path == "scenario.initial" else path) == path
    ]
    assert not stale


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("model.deal_value", "deal value (× reference package)"),
        ("scenario.tie_scale.CHN_PRK", "tie scale CHN→PRK (× start ties)"),
        ("scenario.us.deal_credibility.PRK", "deal credibility PRK (probability)"),
        ("scenario.us.budget", "budget (budget units per month)"),
        ("scenario.trust.IRN_RUS", "trust of IRN in RUS (0–1)"),
        ("strategy.levers.0.intensity", "lever 1 intensity (share of full strength)"),
        ("model.not_a_parameter", "model.not_a_parameter"),
    ],
)
def test_labels_read_as_words_with_units(path, label):
    assert parameter_label(path) == label
    assert parameter_labels([path]) == {path: label}


def test_notes_quote_the_schema_meaning_and_range():
    note = parameter_note("model.patron_compensation")
    assert "a patron pays at most to keep it" in note and "range [0, 1]" in note


def test_presentation_can_change_at_analysis_time_but_results_cannot():
    config = with_overrides(Config(), ["experiment.band=percentile", "experiment.widths=[two_column]"])
    assert config.experiment.band == "percentile" and list(config.experiment.widths) == ["two_column"]
    with pytest.raises(ConfigError, match=r"model\.deal_value: changes the results"):
        with_overrides(Config(), ["model.deal_value=2"])
    with pytest.raises(ConfigError, match=r"experiment\.band: Invalid value 'sometimes'"):
        with_overrides(Config(), ["experiment.band=sometimes"])
