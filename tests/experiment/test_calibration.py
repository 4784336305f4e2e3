"""Calibration: the sampler recovers known truths, resumes where it stopped, refuses bad input.

The parameter-recovery test generates the patterns with the model itself at known
constants and checks that the calibration's credible intervals hold them and narrow
around them; the sampler's own test does the same on a function whose answer is known.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from sim.common.errors import ConfigError
from sim.experiment import calibration as calibration_module
from sim.experiment.abc import SmcSettings, run_smc
from sim.experiment.calibration import calibrate
from sim.experiment.calibration_config import (
    CalibratedParameterConfig,
    CalibrationConfig,
    CalibrationRunConfig,
)
from sim.experiment.configuration import Config
from sim.experiment.ensemble_runs import historical_runs, ordered_patterns, pattern_values
from sim.experiment.patterns import history_file, load_patterns
from sim.experiment.priors import make_priors

TRUTH = {"model.war_demand": 0.8, "model.tie_rate": 0.2, "model.sanctions_busting": 1.2}


def test_the_sampler_finds_a_known_posterior_and_leaves_an_uninformed_constant_at_its_prior():
    noise = np.random.default_rng(1)

    def simulate(z):
        summary = z[:, [0]] + noise.normal(0.0, 0.02, (len(z), 1))
        return np.abs(summary[:, 0] - 0.3) / 0.05, summary

    history = run_smc(
        simulate, 2, SmcSettings(population=200, generations=5, batch=400), np.random.default_rng(0)
    )
    final = history[-1]
    mean = np.average(final.z, axis=0, weights=final.weights)
    spread = np.sqrt(np.average((final.z - mean) ** 2, axis=0, weights=final.weights))
    assert abs(mean[0] - 0.3) < 0.02 and spread[0] < 0.05  # informed: pinned near the truth
    assert spread[1] > 0.22  # uninformed: a uniform's spread is 0.29
    assert [g.epsilon for g in history[1:]] == sorted((g.epsilon for g in history[1:]), reverse=True)


def synthetic_patterns(path, truth: dict[str, float]):
    """The hindcast_2021 tie patterns with 'observed' replaced by the model's values at ``truth``."""
    patterns = [p for p in load_patterns(use="calibration") if p.scenario == "hindcast_2021" and p.is_tie()]
    runs = historical_runs([("hindcast_2021", "status_quo")], patterns)
    values = pattern_values(runs, {k: np.array([v]) for k, v in truth.items()}, replicates=4, seed=7)[0].mean(
        axis=0
    )
    table = pd.read_csv(history_file("patterns.csv"))
    table = table[table["id"].isin([p.id for p in ordered_patterns(runs)])].copy()
    table["observed"] = table["id"].map(
        dict(zip([p.id for p in ordered_patterns(runs)], values, strict=True))
    )
    table.to_csv(path, index=False)
    return path


def recovery_config(patterns_file, **settings) -> Config:
    config = Config(seed=7)
    config.calibration = CalibrationConfig(
        patterns=str(patterns_file),
        parameters=[CalibratedParameterConfig(name=name) for name in TRUTH],
        runs=[CalibrationRunConfig("hindcast_2021", "status_quo")],
        replicates=4,
        posterior_draws=100,
        predictive_draws=2,
        predictive_replicates=2,
        **settings,
    )
    return config


def test_parameter_recovery_from_data_the_model_generated_at_known_constants(tmp_path):
    patterns_file = synthetic_patterns(tmp_path / "synthetic.csv", TRUTH)
    config = recovery_config(patterns_file, population=100, generations=6, batch=200, max_batches=4)
    tables = calibrate(config, tmp_path / "run")
    identifiable = tables["identifiability"].set_index("parameter")
    for name, value in TRUTH.items():
        row = identifiable.loc[name]
        assert row.posterior_q05 <= value <= row.posterior_q95, f"{name}: {value} outside {row.to_dict()}"
    # the tie patterns are informative about war demand and sanctions busting: the posterior
    # narrows around the truth (the tie rate stays loosely identified by these patterns)
    assert identifiable.loc["model.war_demand", "contraction"] > 0.6
    assert identifiable.loc["model.sanctions_busting", "contraction"] > 0.6


def test_an_interrupted_calibration_resumes_and_ends_where_an_uninterrupted_one_does(tmp_path, monkeypatch):
    patterns_file = synthetic_patterns(tmp_path / "synthetic.csv", TRUTH)
    settings = {"population": 8, "generations": 3, "batch": 8, "max_batches": 1}
    whole = calibrate(recovery_config(patterns_file, **settings), tmp_path / "whole")
    saved = calibration_module._save_generation

    def interrupt_after_first(directory, generation, rng):
        saved(directory, generation, rng)
        if generation.index == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(calibration_module, "_save_generation", interrupt_after_first)
    with pytest.raises(KeyboardInterrupt):
        calibrate(recovery_config(patterns_file, **settings), tmp_path / "resumed")
    monkeypatch.setattr(calibration_module, "_save_generation", saved)
    resumed = calibrate(recovery_config(patterns_file, **settings), tmp_path / "resumed")
    pd.testing.assert_frame_equal(whole["posterior"], resumed["posterior"])
    with pytest.raises(ConfigError, match="other settings"):
        calibrate(recovery_config(patterns_file, **{**settings, "population": 9}), tmp_path / "resumed")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (("model.rationality", 0.01, None, "linear"), "not inside its range"),
        (("model.layer_weights", None, None, "linear"), "not a scalar model constant"),
        (("model.deal_value", None, None, "cubic"), "unknown scale"),
        (("model.abandonment_response", None, None, "log"), "positive low end"),
    ],
)
def test_bad_priors_are_refused_naming_the_problem(spec, message):
    with pytest.raises(ConfigError, match=message):
        make_priors([spec])


def test_priors_default_to_the_documented_range_signs_open_where_it_spans_zero():
    (response,) = make_priors([("model.abandonment_response", None, None, "linear")])
    assert (response.low, response.high) == (-1.0, 1.0)
    (rationality,) = make_priors([("model.rationality", None, None, "log")])
    assert rationality.from_unit(np.array([0.0, 1.0])).tolist() == pytest.approx([0.05, 10.0])


def test_a_run_that_reads_no_pattern_is_refused(tmp_path):
    config = Config()
    config.calibration = dataclasses.replace(
        CalibrationConfig(), runs=[CalibrationRunConfig("hindcast_2021", "status_quo")]
    )
    with pytest.raises(ConfigError, match="no run reads the patterns"):
        calibrate(config, tmp_path)


@pytest.mark.slow
def test_the_calibrate_experiment_writes_posterior_provenance_checks_and_figures(tmp_path):
    from tests.analysis.conftest import TINY
    from tests.experiment.conftest import run_entry

    out = tmp_path / "run"
    run_entry("run.py", "experiment=calibrate", *TINY["calibrate"], f"hydra.run.dir={out}")
    draws = pd.read_csv(out / "posterior_draws.csv")
    assert draws.columns[0] == "draw" and len(draws) == 10
    assert {"model.rationality", "model.war_demand"} <= set(draws.columns)
    meta = json.loads((out / "posterior_draws.json").read_text())
    assert meta["code"]["commit"] and meta["sampler_seed"] == 1 and len(meta["generations"]) == 2
    assert any(name.endswith("patterns.csv") for name in meta["data"])
    assert all(pattern.startswith(("T17", "T21")) for pattern in meta["patterns"])  # nothing of 2025
    figures = out / "figures"
    for name in (
        "pattern_check.png",
        "pattern_check-wide.png",
        "pattern_check.md",
        "identifiability.md",
        "pairwise.png",
        "pairwise-wide.pdf",
        "tolerance.md",
        "pattern_check.caption.txt",
        "pattern_check-wide.caption.txt",
        "pairwise.caption.txt",
        "pairwise-wide.caption.txt",
    ):
        assert (figures / name).stat().st_size > 0, name
    assert "Source: run (configuration hash" in (figures / "pairwise.caption.txt").read_text(encoding="utf-8")
