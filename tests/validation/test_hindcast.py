"""Hindcast 2021-2024: the model started in January 2021 and driven by the dated inputs
responds to them as its mechanisms say (docs/validation.md).

The hindcast runs once, as a researcher runs it (``experiments/run.py experiment=hindcast``
in a subprocess) with a fixed seed; the statistical checks read its records. Each
replicate is one world, so "higher at the end than at the start" is a paired comparison
over replicates (one-sided Wilcoxon signed-rank test).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.model.calibration import data_directory
from tests.experiment.conftest import run_entry

pytestmark = pytest.mark.slow

R = 60
SEED = 2021
ALPHA = 0.01
END = "2025-01"  # the record at the start of January 2025: the state at the end of 2024
LAST_MONTH = "2024-12"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("hindcast")
    run_entry(
        "run.py",
        "experiment=hindcast",
        f"replicates={R}",
        f"seed={SEED}",
        f"hydra.run.dir={out}",
    )
    return out


@pytest.fixture(scope="module")
def ties(run_dir) -> pd.DataFrame:
    return pd.read_parquet(run_dir / "ties.parquet")


@pytest.fixture(scope="module")
def timeseries(run_dir) -> pd.DataFrame:
    return pd.read_parquet(run_dir / "timeseries.parquet")


def tie(ties: pd.DataFrame, layer: str, source: str, target: str) -> pd.DataFrame:
    """One directed tie, replicates as rows and dates as columns."""
    rows = ties[(ties["layer"] == layer) & (ties["source"] == source) & (ties["target"] == target)]
    return rows.pivot(index="replicate", columns="date", values="weight").sort_index(axis=1)


def assert_paired_greater(larger: pd.Series, smaller: pd.Series) -> None:
    difference = (larger - smaller).to_numpy()
    assert difference.mean() > 0, f"mean paired difference {difference.mean():.4g} is not positive"
    assert stats.wilcoxon(difference, alternative="greater").pvalue < ALPHA


def test_hindcast_runs_and_writes_figure_and_table(run_dir):
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["analysis"] == "hindcast" and manifest["scenario"] == "hindcast_2021"
    assert manifest["strategies"] == ["status_quo"] and manifest["horizon"] == 48
    figures = run_dir / "figures"
    for name in (
        "hindcast-wide.pdf",
        "hindcast-wide.png",
        "hindcast-wide.caption.txt",
        "hindcast_validation.md",
        "hindcast_validation.tex",
    ):
        assert (figures / name).stat().st_size > 0, name
    listed = json.loads((figures / "index.json").read_text())["figures_and_tables"]
    assert "figures/hindcast-wide.png" in listed and "figures/hindcast_validation.md" in listed
    checks = pd.read_parquet(figures / "hindcast_validation.parquet")
    assert set(checks["reproduced"]) <= {"yes", "no", "input"}
    assert (checks["observed"].str.len() > 0).all() and (checks["source"].str.len() > 0).all()


def test_the_run_spans_january_2021_to_the_end_of_2024(timeseries):
    dates = sorted(timeseries["date"].unique())
    assert dates[0] == "2021-01" and dates[-1] == END and len(dates) == 49


def test_russian_energy_ties_to_china_are_higher_at_the_end_of_2024_than_in_january_2021(ties):
    """Sanctions on Russia raise its trade with the partner able to absorb it (S10). The
    Iranian rise is not reproduced: the model has no mechanism for the surge of discounted
    Iranian oil into China (docs/validation.md, patterns missed)."""
    energy = tie(ties, "energy", "RUS", "CHN")
    assert_paired_greater(energy[END], energy["2021-01"])


def test_russia_north_korea_military_tie_is_near_zero_in_2021_and_rises_with_the_war(ties):
    """No event writes the tie: its rise after the invasion is the model's war demand."""
    military = tie(ties, "military", "PRK", "RUS")
    in_2021 = military[[d for d in military.columns if d.startswith("2021")]]
    assert (in_2021 < 0.05).all(axis=None)
    assert (military[END] > military["2022-02"] + 0.05).all()
    assert_paired_greater(military[END], military["2021-01"])


def test_china_russia_treaty_tie_stays_below_mutual_defence(ties):
    for source, target in (("CHN", "RUS"), ("RUS", "CHN")):
        treaty = tie(ties, "treaty", source, target)
        assert (treaty < 0.75).all(axis=None), treaty.max(axis=None)


def test_iran_trust_in_russia_drops_after_december_2024(timeseries):
    trust = timeseries.pivot(index="replicate", columns="date", values="trust_IRN_RUS")
    assert_paired_greater(trust[LAST_MONTH], trust[END])
    assert (trust[END] < trust[LAST_MONTH]).all()


@pytest.mark.parametrize("data", ["hindcast_2017", "hindcast_2021"])
@pytest.mark.parametrize("table", ["states.csv", "ties.csv", "trust.csv", "stakes.csv"])
def test_every_start_value_carries_its_basis_and_source(data, table):
    frame = pd.read_csv(data_directory(data) / table)
    source = "source" if table == "states.csv" else "source_ref"
    assert set(frame["basis"]) <= {"figure", "derived", "judgement"}
    assert frame[source].fillna("").str.strip().str.len().gt(0).all()
    assert np.isfinite(frame["value" if "value" in frame.columns else "weight"]).all()
