"""US strategies as data: levers with targets, intensities, timing, conditions and costs.

A strategy is compiled once into :class:`Lever` records (validated against the
scenario's states); each month the US agent turns the active levers into a
:class:`Policy`, the effective intensities every bloc state reads.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

import numpy as np

from sim.common.errors import ConfigError
from sim.common.vocabulary import LAYERS
from sim.model.parameters import LeverConfig, LeverKind, ModelParameters, StrategyConfig, kind_of

UNTARGETED_LEVERS = ("alliances",)
TRADE_LEVERS = ("tariffs", "export_controls")
REWARD_LEVERS = ("deal", "ceasefire")  # conditional: delivered and paid as far as taken up
CONDITION_METRICS = ("cohesion", "connectivity", "aligned")
_STATE_CONDITION = re.compile(r"^\s*([A-Z]{3})\s+(defected|aligned)\s*$")
_METRIC_CONDITION = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|<|>)\s*([-+0-9.eE]+)\s*$")
_COMPARE = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}


@dataclass(frozen=True)
class Condition:
    """When a lever may act, evaluated per replicate on last month's state."""

    text: str
    state: int | None = None
    status: str | None = None
    metric: str | None = None
    comparison: str | None = None
    threshold: float = 0.0

    def holds(
        self, metrics: dict[str, np.ndarray], aligned: np.ndarray, ever_defected: np.ndarray
    ) -> np.ndarray:
        if self.state is not None:
            return ever_defected[:, self.state] if self.status == "defected" else aligned[:, self.state]
        return _COMPARE[self.comparison](metrics[self.metric], self.threshold)


@dataclass(frozen=True)
class Lever:
    """A validated lever; ``target`` is a state index (None for alliances)."""

    kind: str
    target: int | None
    intensity: float
    start: int
    end: int | None
    cost: float
    cut_layers: tuple[int, ...]
    condition: Condition | None

    def in_window(self, step: int) -> bool:
        return step >= self.start and (self.end is None or step < self.end)


@dataclass
class Policy:
    """Effective lever intensities this month, shape (R, n) per kind unless noted."""

    deal: np.ndarray
    deal_cut: np.ndarray  # (R, L, n): deal intensity on each layer the deal asks to cut
    sanctions: np.ndarray
    secondary: np.ndarray
    trade: np.ndarray
    ceasefire: np.ndarray
    alliances: np.ndarray  # (R,)
    spent: np.ndarray  # (R,)

    @classmethod
    def zeros(cls, replicates: int, n_states: int) -> Policy:
        per_state = (replicates, n_states)
        return cls(
            deal=np.zeros(per_state),
            deal_cut=np.zeros((replicates, len(LAYERS), n_states)),
            sanctions=np.zeros(per_state),
            secondary=np.zeros(per_state),
            trade=np.zeros(per_state),
            ceasefire=np.zeros(per_state),
            alliances=np.zeros(replicates),
            spent=np.zeros(replicates),
        )

    def add(self, lever: Lever, intensity: np.ndarray) -> None:
        """Add one lever's effective intensity (R,) to the policy."""
        if lever.kind == "alliances":
            self.alliances += intensity
            return
        column = {
            "deal": self.deal,
            "sanctions": self.sanctions,
            "secondary_sanctions": self.secondary,
            "tariffs": self.trade,
            "export_controls": self.trade,
            "ceasefire": self.ceasefire,
        }[lever.kind]
        column[:, lever.target] += intensity
        if lever.kind == "deal":
            for layer in lever.cut_layers:
                self.deal_cut[:, layer, lever.target] += intensity

    def clip(self) -> None:
        """Intensities of several levers of one kind on one target saturate at 1."""
        for array in (
            self.deal,
            self.deal_cut,
            self.sanctions,
            self.secondary,
            self.trade,
            self.ceasefire,
        ):
            np.minimum(array, 1.0, out=array)
        np.minimum(self.alliances, 1.0, out=self.alliances)


def compile_strategy(
    strategy: StrategyConfig, states: tuple[str, ...], model: ModelParameters
) -> tuple[Lever, ...]:
    """Validate a strategy against the scenario's states and return its levers."""
    return tuple(
        _compile_lever(f"strategy.levers[{k}]", spec, states, model) for k, spec in enumerate(strategy.levers)
    )


def _compile_lever(key: str, spec: LeverConfig, states: tuple[str, ...], model: ModelParameters) -> Lever:
    kind_of(f"{key}.kind", spec.kind, LeverKind, "lever")
    target = _lever_target(key, spec, states)
    if not 0.0 <= spec.intensity <= 1.0:
        raise ConfigError(f"{key}.intensity", f"value {spec.intensity} is out of range", "[0, 1]")
    if spec.start < 0:
        raise ConfigError(f"{key}.start", f"value {spec.start} is negative", "a month >= 0")
    if spec.end is not None and spec.end <= spec.start:
        raise ConfigError(f"{key}.end", f"end {spec.end} is not after start {spec.start}", "end > start")
    cost = model.lever_costs.get(spec.kind) if spec.cost is None else spec.cost
    if cost is None or cost < 0:
        raise ConfigError(f"{key}.cost", f"cost {cost} is not a non-negative number", ">= 0")
    for layer in spec.cut:
        if layer not in LAYERS:
            raise ConfigError(f"{key}.cut", f"unknown layer '{layer}'", list(LAYERS))
    return Lever(
        kind=spec.kind,
        target=target,
        intensity=float(spec.intensity),
        start=int(spec.start),
        end=spec.end,
        cost=float(cost),
        cut_layers=tuple(LAYERS.index(layer) for layer in spec.cut),
        condition=parse_condition(f"{key}.condition", spec.condition, states),
    )


def _lever_target(key: str, spec: LeverConfig, states: tuple[str, ...]) -> int | None:
    if spec.kind in UNTARGETED_LEVERS:
        if spec.target not in (None, "USA"):
            raise ConfigError(f"{key}.target", f"'{spec.kind}' takes no bloc target", "null or USA")
        return None
    if spec.target not in states:
        raise ConfigError(f"{key}.target", f"unknown target '{spec.target}'", list(states))
    return states.index(spec.target)


def parse_condition(key: str, text: str | None, states: tuple[str, ...]) -> Condition | None:
    """Parse 'PRK defected', 'RUS aligned' or '<metric> <op> <number>'."""
    if text is None or not str(text).strip():
        return None
    allowed = (
        f"'<STATE> defected', '<STATE> aligned' or '<metric> < x' with metric in {list(CONDITION_METRICS)}"
    )
    if match := _STATE_CONDITION.match(text):
        code, status = match.groups()
        if code not in states:
            raise ConfigError(key, f"unknown state '{code}'", list(states))
        return Condition(text=text, state=states.index(code), status=status)
    if match := _METRIC_CONDITION.match(text):
        metric, comparison, number = match.groups()
        if metric not in CONDITION_METRICS:
            raise ConfigError(key, f"unknown metric '{metric}'", list(CONDITION_METRICS))
        return Condition(text=text, metric=metric, comparison=comparison, threshold=float(number))
    raise ConfigError(key, f"cannot read condition '{text}'", allowed)
