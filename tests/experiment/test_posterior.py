"""The shipped posterior: where it came from, that it matches the data it was fitted to,
and that the strategy comparison draws its constants from it, paired across strategies."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from sim.experiment.posterior import read_posterior, shipped_posterior
from sim.experiment.priors import documented_range
from sim.experiment.runner import run_job
from tests.helpers import job_config

ROOT = Path(__file__).resolve().parents[2]


def provenance() -> dict:
    return json.loads(shipped_posterior().with_suffix(".json").read_text())


def test_the_shipped_posterior_is_a_draw_file_within_the_documented_ranges():
    draws = read_posterior()
    assert draws["draw"].is_unique and len(draws) >= 100
    for name in draws.columns.drop("draw"):
        low, high = documented_range(name)
        assert draws[name].between(low, high).all(), name


def test_the_shipped_posterior_was_fitted_to_history_up_to_2024_only():
    meta = provenance()
    assert meta["patterns"] and all(p.startswith(("T17", "T21")) for p in meta["patterns"])
    assert meta["code"]["commit"] and meta["final_epsilon"] < meta["generations"][1]["epsilon"]


def test_the_shipped_posterior_matches_the_data_it_was_fitted_to():
    """Change a pattern, an input or a start value and this fails until the posterior is
    recalibrated (experiment=calibrate_full)."""
    for name, checksum in provenance()["data"].items():
        path = ROOT / name if name.startswith("configs") else ROOT / "sim" / name
        assert hashlib.sha256(path.read_bytes()).hexdigest()[:16] == checksum, (
            f"{name} changed since calibration"
        )


def test_compare_strategies_draws_each_world_from_the_posterior_paired_across_strategies():
    config = job_config(
        "experiment=compare_strategies",
        "experiment.strategies=[status_quo,pyongyang_deal]",
        "replicates=6",
        "horizon=3",
        "record_ties=false",
    )
    summary = run_job(config, progress=False).summary
    posterior = read_posterior().set_index("draw")
    for strategy, part in summary.groupby("strategy"):
        part = part.set_index("replicate").sort_index()
        assert part["draw"].tolist() == list(range(6)), strategy
        for name in posterior.columns:
            pd.testing.assert_series_equal(
                part[name].reset_index(drop=True),
                posterior.loc[range(6), name].reset_index(drop=True),
                check_names=False,
            )
