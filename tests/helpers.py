"""Small builders shared by the tests: a configured model from named configs plus overrides."""

from __future__ import annotations

import dataclasses
from typing import Any

from sim.experiment.configuration import load_scenario, load_strategy
from sim.experiment.runner import with_point
from sim.model.bloc_model import BlocModel
from sim.model.parameters import ModelParameters, RunConfig, StrategyConfig

SEED = 20250101


def run_config(
    strategy: str | StrategyConfig = "status_quo",
    scenario: str = "baseline_2025",
    replicates: int = 200,
    horizon: int = 48,
    seed: int = SEED,
    overrides: dict[str, Any] | None = None,
    **model: Any,
) -> RunConfig:
    """A RunConfig from named configs, model parameters and dotted-path overrides."""
    chosen = load_strategy(strategy) if isinstance(strategy, str) else strategy
    config = RunConfig(
        scenario=load_scenario(scenario),
        strategy=chosen,
        model=dataclasses.replace(ModelParameters(), **model),
        replicates=replicates,
        horizon=horizon,
        seed=seed,
    )
    return with_point(config, overrides) if overrides else config


def simulate(*args: Any, first_replicate: int = 0, **kwargs: Any) -> BlocModel:
    """Build and run a model; see :func:`run_config` for the arguments."""
    return BlocModel(run_config(*args, **kwargs), first_replicate=first_replicate).run()


def lever_strategy(name: str, *levers: dict[str, Any]) -> StrategyConfig:
    """An ad-hoc strategy from lever dicts (kind, target, intensity, ...)."""
    from sim.model.parameters import LeverConfig

    return StrategyConfig(name=name, levers=[LeverConfig(**lever) for lever in levers])


def job_config(*overrides: str):
    """A job's validated configuration, composed by Hydra from ``configs/`` as the entry point does."""
    from hydra import compose, initialize_config_dir

    from sim.experiment.configuration import CONFIG_DIR, register_schemas, to_config

    register_schemas()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return to_config(compose(config_name="config", overrides=list(overrides)))
