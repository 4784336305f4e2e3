"""The search space of lever portfolios: which levers, how hard, from which month.

A portfolio uses any subset of a menu of levers (``kind`` or ``kind:TARGET``); each lever
it uses gets an intensity and a start month, so the order of the levers is the order of
their start months. The same function builds a strategy from an Optuna trial (while
searching) and from a finished trial's parameters (for reports), so the two cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.common.errors import ConfigError
from sim.experiment.robust_configuration import PortfolioConfig
from sim.model.parameters import LEVER_KINDS, LeverConfig, StrategyConfig

UNTARGETED = ("alliances",)
INTENSITY_STEP = 0.05
MIN_INTENSITY = 0.1


@dataclass(frozen=True)
class MenuItem:
    """A lever the search may use: its kind and (unless untargeted) its target."""

    kind: str
    target: str | None

    @property
    def tag(self) -> str:
        return self.kind if self.target is None else f"{self.kind}_{self.target}"


def parse_menu(menu: Sequence[str], states: Sequence[str]) -> list[MenuItem]:
    """``['alliances', 'deal:PRK', ...]`` as menu items, refusing unknown kinds and targets."""
    items = []
    for k, entry in enumerate(menu):
        kind, _, target = str(entry).partition(":")
        key = f"portfolio.menu[{k}]"
        if kind not in LEVER_KINDS:
            raise ConfigError(key, f"unknown lever '{kind}'", list(LEVER_KINDS))
        if kind in UNTARGETED and target:
            raise ConfigError(key, f"'{kind}' takes no target", kind)
        if kind not in UNTARGETED and target not in states:
            raise ConfigError(
                key, f"'{entry}' needs a target among the states", [f"{kind}:{s}" for s in states]
            )
        items.append(MenuItem(kind, target or None))
    tags = [item.tag for item in items]
    if len(set(tags)) != len(tags):
        raise ConfigError("portfolio.menu", f"a lever appears twice in {list(menu)}")
    return items


Suggest = Callable[[str, str, Any], Any]
"""(kind of value, parameter name, choices or bounds) -> value; wraps a trial or a parameter dict."""


def build_portfolio(
    name: str, menu: Sequence[MenuItem], settings: PortfolioConfig, suggest: Suggest
) -> StrategyConfig:
    """A strategy of the levers ``suggest`` switches on, with their intensities and start months."""
    levers = []
    for item in menu:
        if not suggest("categorical", f"use_{item.tag}", (False, True)):
            continue
        intensity = round(suggest("float", f"intensity_{item.tag}", (MIN_INTENSITY, 1.0, INTENSITY_STEP)), 2)
        start = suggest("int", f"start_{item.tag}", (0, settings.max_start, settings.start_step))
        cut = ["military"] if item.kind == "deal" else []
        levers.append(
            LeverConfig(kind=item.kind, target=item.target, intensity=intensity, start=start, cut=cut)
        )
    levers.sort(key=lambda lever: lever.start)
    return StrategyConfig(name=name, description=describe(levers), levers=levers)


def from_trial(trial) -> Suggest:
    """Suggestions from a live Optuna trial."""

    def suggest(kind: str, name: str, spec: Any) -> Any:
        if kind == "categorical":
            return trial.suggest_categorical(name, list(spec))
        low, high, step = spec
        if kind == "float":
            return trial.suggest_float(name, low, high, step=step)
        return trial.suggest_int(name, low, high, step=step)

    return suggest


def from_params(params: Mapping[str, Any]) -> Suggest:
    """Suggestions replayed from a finished trial's parameters."""
    return lambda kind, name, spec: params[name]


def describe(levers: Sequence[LeverConfig]) -> str:
    """'deal PRK 0.70 from month 6; alliances 1.00 from month 0' (empty: 'no levers')."""
    parts = []
    for lever in levers:
        target = f" {lever.target}" if lever.target else ""
        parts.append(f"{lever.kind}{target} {lever.intensity:.2f} from month {lever.start}")
    return "; ".join(parts) or "no levers"
