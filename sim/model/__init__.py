"""The model layer: the Mesa model of the bloc and everything it needs to advance worlds.

Imports numpy, scipy, mesa and the standard library only (an import-linter contract in
``pyproject.toml`` enforces it), so the model can be embedded without the experiment or
publication machinery.
"""

from sim.common.vocabulary import LAYERS
from sim.model.bloc_model import BlocModel
from sim.model.parameters import (
    EventConfig,
    LeverConfig,
    ModelParameters,
    RunConfig,
    ScenarioConfig,
    StrategyConfig,
)
from sim.model.world import World
from sim.model.worlds import Worlds

__all__ = [
    "LAYERS",
    "BlocModel",
    "EventConfig",
    "LeverConfig",
    "ModelParameters",
    "RunConfig",
    "ScenarioConfig",
    "StrategyConfig",
    "World",
    "Worlds",
]
