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
from sim.experiment.keys import check_known_keys, check_mapping_keys
from sim.experiment.names import check_identifier, check_parameter_path, check_unique
from sim.model.parameters import RunConfig, ScenarioConfig, StrategyConfig, check_ranges, param

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"
DESIGN_KINDS = ("none", "grid", "lhs", "sobol", "morris")
ANALYSES = ("single", "compare_strategies", "phase_diagram", "frontier", "sensitivity", "hindcast")


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

    kind: str = "none"
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
    analysis: str = "single"
    strategies: list[str] = field(default_factory=list)
    reference: str = "status_quo"
    outcome: str = "cohesion"
    figures: bool = True


@dataclass
class Config(RunConfig):
    """Everything ``experiments/run.py`` reads (Hydra's own settings aside)."""

    experiment: ExperimentConfig = field(default_factory=ExperimentConfig)
    design: DesignConfig = field(default_factory=DesignConfig)
    first_replicate: int = param(0, 0, 2**62, "index of the first replicate (replicates are chunkable too)")


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
    if config.design.kind not in DESIGN_KINDS:
        raise ConfigError("design.kind", f"unknown design '{config.design.kind}'", list(DESIGN_KINDS))
    if config.experiment.analysis not in ANALYSES:
        raise ConfigError(
            "experiment.analysis", f"unknown analysis '{config.experiment.analysis}'", list(ANALYSES)
        )
    check_identifier("experiment.name", config.experiment.name)
    check_identifier("scenario.name", config.scenario.name)
    check_identifier("strategy.name", config.strategy.name)
    available = available_strategies()
    for name in config.experiment.strategies:
        if name not in available:
            raise ConfigError("experiment.strategies", f"unknown strategy '{name}'", available)
    check_unique("experiment.strategies", config.experiment.strategies)
    for k, spec in enumerate(config.design.parameters):
        check_parameter_path(f"design.parameters[{k}].name", spec.name)


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
    """A dataclass config as plain containers (for hashing and saving)."""
    return OmegaConf.to_container(OmegaConf.structured(config), resolve=True)
