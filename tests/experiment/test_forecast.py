"""The 2025 forecast: scored against observations and persistence, run end to end from a posterior."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim.experiment.forecast import describe, score
from sim.experiment.patterns import Pattern
from tests.experiment.conftest import run_entry


def pattern(pid: str, statistic: str, observed: float, tolerance: float) -> Pattern:
    return Pattern(
        pid,
        "forecast",
        "forecast_2025",
        statistic,
        "energy",
        "CHN",
        "RUS",
        None,
        "2025-01",
        "2025-07",
        observed,
        tolerance,
        "figure",
        "what",
        "somewhere",
    )


def test_hits_and_misses_are_read_from_medians_within_tolerance():
    patterns = [pattern("A", "tie_ratio", -0.10, 0.05), pattern("B", "tie_ratio", 0.0, 0.05)]
    predicted = pd.DataFrame(
        {
            "pattern": ["A"] * 3 + ["B"] * 3,
            "value": [-0.12, -0.11, -0.30, 0.2, 0.1, 0.3],
            "draw": 0,
            "replicate": range(6),
        }
    )
    scores = score(patterns, predicted, {"A": 0.0, "B": 0.0}).set_index("pattern")
    assert scores.loc["A", "forecast_median"] == pytest.approx(-0.12)
    assert bool(scores.loc["A", "hit"]) and not bool(scores.loc["A", "persistence_hit"])
    assert not bool(scores.loc["B", "hit"]) and bool(scores.loc["B", "persistence_hit"])
    assert scores.loc["A", "error"] == pytest.approx(0.4)
    assert describe(patterns[0]) == "energy CHN→RUS, ratio 2025-01 to 2025-07"


@pytest.mark.slow
def test_forecast_2025_runs_from_a_posterior_file_and_writes_figures_and_scores(tmp_path):
    posterior = tmp_path / "posterior.csv"
    pd.DataFrame({"draw": [0, 1], "model.rationality": [1.0, 6.0], "model.war_demand": [0.2, 0.9]}).to_csv(
        posterior, index=False
    )
    out = tmp_path / "run"
    run_entry(
        "run.py",
        "experiment=forecast_2025",
        f"forecast.posterior={posterior}",
        "forecast.draws=2",
        "replicates=2",
        f"hydra.run.dir={out}",
    )
    scores = pd.read_parquet(out / "scores.parquet")
    assert scores["pattern"].str.startswith("F25").all() and len(scores) >= 5
    series = pd.read_parquet(out / "forecast_timeseries.parquet")
    assert sorted(series["date"].unique())[0] == "2025-01" and series["step"].max() == 12
    assert set(series["draw"]) == {0, 1}
    listed = json.loads((out / "figures" / "index.json").read_text())["figures_and_tables"]
    for name in ("forecast", "forecast-wide", "forecast_check", "forecast_check-wide"):
        assert f"figures/{name}.png" in listed and f"figures/{name}.pdf" in listed
        caption = (out / "figures" / f"{name}.caption.txt").read_text(encoding="utf-8")
        assert "2025" in caption and "Source: run (configuration hash" in caption
        assert "commit unknown" not in caption
    for name in ("forecast_scores.md", "forecast_monthly.md"):
        assert f"figures/{name}" in listed
    assert "from 2 posterior draws" in (out / "figures" / "forecast.caption.txt").read_text(encoding="utf-8")
    run_entry("analyze.py", str(out), "experiment.widths=[two_column]")  # redrawn at the full width only
    listed = json.loads((out / "figures" / "index.json").read_text())["figures_and_tables"]
    assert "figures/forecast-wide.png" in listed and "figures/forecast.png" not in listed
    assert not (out / "figures" / "forecast_check.png").exists()


def test_a_missing_posterior_is_refused_with_exit_status_2(tmp_path):
    result = run_entry(
        "run.py",
        "experiment=forecast_2025",
        f"forecast.posterior={tmp_path / 'none.csv'}",
        f"hydra.run.dir={tmp_path / 'run'}",
        check=False,
    )
    assert result.returncode == 2
    assert "no posterior" in result.stderr + result.stdout
