"""The Hydra side of the configuration: the top-level schema, its registration and loading.

``configs/config.yaml`` is checked against :class:`Config`, so a wrong type fails before
anything runs; keys added with ``+`` are checked by :mod:`sim.experiment.keys`, and
:func:`validate` then checks ranges and names (:mod:`sim.experiment.names`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from sim.common.errors import ConfigError
from sim.common.vocabulary import PRIMARY_METRIC, SUMMARY_OUTCOMES
from sim.experiment.calibration_config import CalibrationConfig, ForecastConfig
from sim.experiment.keys import check_known_keys, check_mapping_keys
from sim.experiment.names import check_identifier, check_parameter_path, check_unique
from sim.experiment.robust_configuration import PortfolioConfig, RobustnessConfig, validate_robust
from sim.model.parameters import (
    Kind,
    RunConfig,
    ScenarioConfig,
    StrategyConfig,
    check_ranges,
    kind_of,
    param,
)

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"


class DesignKind(Kind):
    """How design points are sampled."""

    none = "none"
    grid = "grid"
    lhs = "lhs"
    sobol = "sobol"
    morris = "morris"


class Analysis(Kind):
    """Which report the analysis of a run or sweep draws."""

    single = "single"
    compare_strategies = "compare_strategies"
    phase_diagram = "phase_diagram"
    frontier = "frontier"
    sensitivity = "sensitivity"
    hindcast = "hindcast"
    robustness = "robustness"
    portfolios = "portfolios"
    calibrate = "calibrate"
    forecast = "forecast"


class Band(Kind):
    """What the shading around a mean line shows."""

    ci = "ci"  # interval of the mean
    percentile = "percentile"  # central range of individual worlds


class Width(Kind):
    """A journal figure width: one column (3.5 in) or the full text width (7.2 in)."""

    one_column = "one_column"
    two_column = "two_column"


COMPARING_ANALYSES = (
    Analysis.single,
    Analysis.compare_strategies,
    Analysis.frontier,
    Analysis.robustness,
    Analysis.portfolios,
)
"""Analyses that report differences against ``experiment.reference``."""

Outcome = Kind("Outcome", {name: name for name in SUMMARY_OUTCOMES})
Outcome.__doc__ = "A per-replicate outcome of the run summary that an analysis reports."
PRIMARY_OUTCOME = Outcome(PRIMARY_METRIC)


@dataclass
class DesignParameterConfig:
    """One uncertain parameter of a design: a dotted config path and its range or values."""

    name: str = ""
    low: float | None = None
    high: float | None = None
    values: list[float] = field(default_factory=list)


@dataclass
class DesignConfig:
    """A sample design over parameters, split into chunks (one Hydra job per chunk)."""

    kind: DesignKind = DesignKind.none
    parameters: list[DesignParameterConfig] = field(default_factory=list)
    samples: int = param(64, 1, 10_000_000, "lhs points, Sobol base N (power of two) or Morris trajectories")
    levels: int = param(5, 2, 1000, "grid levels for parameters given by low/high")
    seed: int = param(0, 0, 2**32 - 1, "seed of the sampler (not of the model)")
    chunk: int = param(0, 0, 10_000_000, "which chunk of the design this job runs")
    chunk_size: int = param(0, 0, 10_000_000, "design points per job (0 = the whole design)")


@dataclass
class ExperimentConfig:
    """What a job runs and how its results are analysed."""

    name: str = "single"
    analysis: Analysis = Analysis.single
    strategies: list[str] = field(default_factory=list)
    reference: str = "status_quo"
    outcome: Outcome = PRIMARY_OUTCOME
    figures: bool = True
    band: Band = Band.ci  # shading of lines over time: interval of the mean or spread of worlds
    widths: list[Width] = field(default_factory=lambda: [Width.one_column, Width.two_column])


@dataclass
class Config(RunConfig):
    """Everything ``experiments/run.py`` reads (Hydra's own settings aside)."""

    experiment: ExperimentConfig = field(default_factory=ExperimentConfig)
    design: DesignConfig = field(default_factory=DesignConfig)
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)
    forecast: ForecastConfig = field(default_factory=ForecastConfig)
    first_replicate: int = param(0, 0, 2**62, "index of the first replicate (replicates are chunkable too)")
    batch_memory_mb: int = param(64, 16, 10**7, "memory for the model arrays of one batch of worlds (MB)")
    robustness: RobustnessConfig = field(default_factory=RobustnessConfig)
    portfolio: PortfolioConfig = field(default_factory=PortfolioConfig)


def register_schemas() -> None:
    """Make the schema available to ``configs/config.yaml`` as ``config_schema``."""
    ConfigStore.instance().store(name="config_schema", node=Config)


def to_config(
    cfg: DictConfig, choices: Mapping[str, Any] | None = None, overrides: Sequence[str] = ()
) -> Config:
    """Turn Hydra's composed config into a validated :class:`Config`.

    ``choices`` are Hydra's group choices (``hydra.runtime.choices``) and ``overrides`` the
    command-line overrides, used to check that a chosen strategy or scenario carries the
    name of its file.
    """
    config = OmegaConf.to_object(cfg)
    if not isinstance(config, Config):
        raise ConfigError("config", "does not follow the schema; does config.yaml list config_schema first?")
    check_known_keys(config)
    if config.experiment.strategies and any(_sets(item, "strategy") for item in overrides):
        raise ConfigError(
            "strategy",
            "not used, experiment.strategies lists the strategies this job runs",
            "experiment.strategies=[...], or experiment.strategies=[] to run the one strategy",
        )
    for group in ("scenario", "strategy"):
        chosen = (choices or {}).get(group)
        renamed = any(_sets(item, f"{group}.name") for item in overrides)
        if chosen is not None and not renamed:
            check_option_name(group, chosen, getattr(config, group).name)
    validate(config)
    return config


def validate(config: Config) -> None:
    """Range checks plus checks of names that the type system cannot see."""
    check_ranges(config)
    check_mapping_keys(config)
    kind_of("design.kind", config.design.kind, DesignKind, "design")
    kind_of("experiment.analysis", config.experiment.analysis, Analysis, "analysis")
    kind_of("experiment.outcome", config.experiment.outcome, Outcome, "outcome")
    check_identifier("experiment.name", config.experiment.name)
    check_identifier("scenario.name", config.scenario.name)
    check_identifier("strategy.name", config.strategy.name)
    validate_robust(config.robustness, config.portfolio)
    available = available_strategies()
    for name in config.experiment.strategies:
        if name not in available:
            raise ConfigError("experiment.strategies", f"unknown strategy '{name}'", available)
    check_unique("experiment.strategies", config.experiment.strategies)
    for k, spec in enumerate(config.design.parameters):
        check_parameter_path(f"design.parameters[{k}].name", spec.name)
    strategies = job_strategy_names(config)
    compares = config.experiment.analysis in COMPARING_ANALYSES
    if compares and len(strategies) > 1 and config.experiment.reference not in strategies:
        raise ConfigError(
            "experiment.reference",
            f"'{config.experiment.reference}' is not among the strategies this experiment runs",
            strategies,
        )


def job_strategy_names(config: Config) -> list[str]:
    """The strategies a job runs: the experiment's list, else the chosen strategy."""
    return list(config.experiment.strategies) or [config.strategy.name]


def _sets(override: str, key: str) -> bool:
    """True if a command-line override sets ``key`` or something under it."""
    target = override.lstrip("+~").split("=", 1)[0]
    return target == key or target.startswith(f"{key}.") or target.startswith(f"{key}/")


def check_option_name(group: str, option: str, name: str) -> None:
    """An option's ``name:`` must be its file name, or its results would be labelled as another."""
    if name != option:
        raise ConfigError(
            f"{group}.name",
            f"the {group} file {option}.yaml is named '{name}'",
            f"'{option}', the name of its file",
        )


def available(group: str) -> list[str]:
    """Option names of a config group (the YAML files in ``configs/<group>/``)."""
    return sorted(path.stem for path in (CONFIG_DIR / group).glob("*.yaml"))


def available_strategies() -> list[str]:
    return available("strategy")


def load_option(group: str, name: str, schema: type) -> Any:
    """``configs/<group>/<name>.yaml`` checked against its schema dataclass."""
    path = CONFIG_DIR / group / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(group, f"unknown {group} '{name}'", available(group))
    loaded = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(schema), OmegaConf.load(path)))
    check_known_keys(loaded, f"{group}.")
    check_option_name(group, name, loaded.name)
    return loaded


def load_strategy(name: str) -> StrategyConfig:
    """A named strategy from ``configs/strategy/<name>.yaml``."""
    return load_option("strategy", name, StrategyConfig)


def load_scenario(name: str) -> ScenarioConfig:
    """A named scenario from ``configs/scenario/<name>.yaml``."""
    return load_option("scenario", name, ScenarioConfig)


def plain(config: Any) -> Any:
    """A dataclass config as plain containers (for hashing and saving); kinds as their names."""
    return OmegaConf.to_container(OmegaConf.structured(config), resolve=True, enum_to_str=True)


def rehydrate(resolved: dict[str, Any]) -> Config:
    """The typed :class:`Config` of a job from the plain configuration its manifest recorded."""
    return OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(Config), resolved))
