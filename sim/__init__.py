"""Agent-based simulation of the China-Russia-Iran-North Korea bloc under US wedge strategies.

Packages by layer, data flowing one way (config -> model -> records on disk -> analysis ->
figures): :mod:`sim.common` (names shared by all layers), :mod:`sim.model` (the Mesa
model), :mod:`sim.experiment` (configuration, designs, jobs, storage, datasets),
:mod:`sim.publish` (statistics, figures, tables), :mod:`sim.validation` (hindcasts) and
:mod:`sim.analysis` (from a run directory to its report). ``pyproject.toml`` holds the
import contracts that keep the layers apart.

The public API below is imported lazily, so ``import sim.model`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_PUBLIC: dict[str, str] = {
    "BlocModel": "sim.model",
    "ModelParameters": "sim.model",
    "RunConfig": "sim.model",
    "ScenarioConfig": "sim.model",
    "StrategyConfig": "sim.model",
    "Config": "sim.experiment.configuration",
    "load_scenario": "sim.experiment.configuration",
    "load_strategy": "sim.experiment.configuration",
    "run_job": "sim.experiment.runner",
    "Dataset": "sim.experiment.dataset",
    "gather": "sim.experiment.dataset",
    "analyze": "sim.analysis.reports",
    "ConfigError": "sim.common.errors",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
