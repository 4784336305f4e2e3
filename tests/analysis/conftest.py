"""Small real runs of every experiment, made in-process from the shipped configuration.

The figure tests draw from these: real strategy names, parameter paths, dates and
horizons, so label lengths and tick values are those a researcher sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from matplotlib.figure import Figure

from sim.analysis import reports
from sim.analysis.figure_folder import final_path
from sim.experiment.configuration import CONFIG_DIR, Config, register_schemas, to_config
from sim.experiment.jobs import execute_job
from sim.experiment.sweep_folders import register_resolvers
from sim.publish import style

TINY = {
    "compare_strategies": ["replicates=12", "horizon=24"],
    "phase_diagram": [
        "experiment.strategies=[status_quo,pyongyang_deal,moscow_deal]",
        "design.levels=3",
        "replicates=6",
        "horizon=12",
    ],
    "budget_frontier": ["design.parameters.0.values=[0.0,1.0,2.0]", "replicates=6", "horizon=12"],
    "sensitivity": ["design.samples=8", "replicates=3", "horizon=12"],
    "screening": ["design.samples=4", "replicates=3", "horizon=12"],
    "hindcast": ["replicates=6"],
    "robustness": [
        "design.samples=20",
        "replicates=6",
        "experiment.strategies=[status_quo,pyongyang_deal,moscow_deal,adaptive]",
        "robustness.plausible_level=0.3",
    ],
    "calibrate": [
        "calibration.population=8",
        "calibration.generations=2",
        "calibration.batch=8",
        "calibration.max_batches=1",
        "calibration.posterior_draws=10",
        "calibration.predictive_draws=2",
        "calibration.predictive_replicates=2",
    ],
    "forecast_2025": ["forecast.draws=2", "replicates=2"],
}


def compose_config(overrides: list[str]) -> Config:
    """The validated configuration ``experiments/run.py`` would run with these overrides."""
    register_schemas()
    register_resolvers()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return to_config(compose(config_name="config", overrides=overrides))


def run_tiny(experiment: str, directory: Path, extra: list[str] = ()) -> Path:
    """Run one experiment at a tiny size into ``directory`` (one job); return the directory."""
    config = compose_config([f"experiment={experiment}", *TINY[experiment], *extra])
    outcome = execute_job(config, directory, directory)
    assert outcome.status == "done", outcome
    return directory


@dataclass
class Drawn:
    """A figure as the analysis saved it."""

    experiment: str
    name: str
    figure: Figure
    path: Path


@pytest.fixture(scope="session")
def drawn_figures(tmp_path_factory) -> list[Drawn]:
    """Every figure the analysis of every experiment draws, at every width."""
    drawn: list[Drawn] = []
    original = style.save_figure
    for experiment in TINY:
        root = run_tiny(experiment, tmp_path_factory.mktemp(experiment))

        def keep(fig, path, *args, _experiment=experiment, _root=root, **kwargs):
            drawn.append(Drawn(_experiment, Path(path).name, fig, final_path(Path(path), _root)))
            return original(fig, path, *args, **kwargs)

        style.save_figure = keep
        try:
            reports.analyze(root, progress=False)
        finally:
            style.save_figure = original
    return drawn
