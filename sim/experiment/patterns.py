"""Patterns: the observed targets of calibration and forecast, and their values in model worlds.

A pattern (one row of ``sim/data/history/patterns.csv``) names a statistic of the model's
records, the scenario it is read from, the observed value and a tolerance. This module
reads the rows and computes each statistic for every world of a run, so calibration, the
posterior-predictive check and the forecast all measure the model the same way. The
model's outputs are read as it steps; nothing here changes the model.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sim.common.calendar import month_offset, parse_month
from sim.common.errors import ConfigError
from sim.common.vocabulary import LAYERS
from sim.model.bloc_model import BlocModel

STATISTICS = ("tie_level", "tie_change", "tie_ratio", "tie_max", "aligned_share")
ALL_STATES = "ALL"
RATIO_FLOOR = 1e-3  # a tie below this counts as 0 in a ratio's denominator


def history_file(name: str) -> Path:
    """A file of ``sim/data/history`` (inputs, patterns) as shipped with the package."""
    return Path(str(resources.files("sim").joinpath("data", "history", name)))


@dataclass(frozen=True)
class Pattern:
    """One observed target: what to compute, where, and what was observed with what tolerance."""

    id: str
    use: str
    scenario: str
    statistic: str
    layer: str | None
    source_state: str | None
    target_state: str | None
    state: str | None
    start: str | None
    end: str
    observed: float
    tolerance: float
    basis: str
    observation: str
    source: str

    def is_tie(self) -> bool:
        return self.statistic.startswith("tie_")


def _text(value: object) -> str | None:
    return None if pd.isna(value) else str(value)


@functools.lru_cache(maxsize=8)
def _read(path: str) -> tuple[Pattern, ...]:
    table = pd.read_csv(path, dtype=str)
    patterns = []
    for row in table.to_dict("records"):
        key = f"{Path(path).name}: {row['id']}"
        if row["statistic"] not in STATISTICS:
            raise ConfigError(key, f"unknown statistic '{row['statistic']}'", list(STATISTICS))
        pattern = Pattern(
            id=row["id"],
            use=row["use"],
            scenario=row["scenario"],
            statistic=row["statistic"],
            layer=_text(row["layer"]),
            source_state=_text(row["source_state"]),
            target_state=_text(row["target_state"]),
            state=_text(row["state"]),
            start=_text(row["start"]),
            end=row["end"],
            observed=float(row["observed"]),
            tolerance=float(row["tolerance"]),
            basis=row["basis"],
            observation=row["observation"],
            source=row["source"],
        )
        if pattern.tolerance <= 0:
            raise ConfigError(key, "tolerance must be positive")
        if pattern.is_tie() and pattern.layer not in LAYERS:
            raise ConfigError(key, f"unknown layer '{pattern.layer}'", list(LAYERS))
        if pattern.statistic != "tie_level" and pattern.start is None:
            raise ConfigError(key, f"'{pattern.statistic}' needs a start date")
        patterns.append(pattern)
    return tuple(patterns)


def load_patterns(path: str | Path | None = None, use: str | None = None) -> list[Pattern]:
    """The patterns of ``path`` (default: the shipped ``patterns.csv``), optionally of one use."""
    path = Path(path) if path else history_file("patterns.csv")
    if not path.is_file():
        raise ConfigError(
            "calibration.patterns", f"no file '{path}'", "a CSV like sim/data/history/patterns.csv"
        )
    patterns = _read(str(path))
    return [p for p in patterns if use is None or p.use == use]


def last_step(patterns: Sequence[Pattern], start: str) -> int:
    """The horizon a run starting at ``start`` needs to record every pattern's end."""
    origin = parse_month("scenario.start", start)
    return max(month_offset(origin, parse_month(p.id, p.end)) for p in patterns)


class PatternProbe:
    """Reads the records a set of patterns needs from a model as it steps.

    ``values()`` gives an array (worlds, patterns): each pattern's statistic in every world
    (for ``aligned_share`` 1 if the member stayed aligned throughout, else 0, so the mean
    over worlds is the share).
    """

    def __init__(self, model: BlocModel, patterns: Sequence[Pattern]) -> None:
        self.model = model
        self.patterns = list(patterns)
        origin = parse_month("scenario.start", model.config.scenario.start)
        self.windows = [self._window(origin, p) for p in self.patterns]
        for pattern, (first, last) in zip(self.patterns, self.windows, strict=True):
            if first < 0 or last > model.horizon:
                raise ConfigError(
                    f"pattern {pattern.id}",
                    f"dates {pattern.start}..{pattern.end} fall outside the run "
                    f"({model.config.scenario.start} + {model.horizon} months)",
                )
        self.paths = np.full((model.replicates, len(self.patterns), model.horizon + 1), np.nan)

    @staticmethod
    def _window(origin: tuple[int, int], pattern: Pattern) -> tuple[int, int]:
        end = month_offset(origin, parse_month(pattern.id, pattern.end))
        start = end if pattern.start is None else month_offset(origin, parse_month(pattern.id, pattern.start))
        return start, end

    def record(self) -> None:
        """Store this month's value of every pattern's series (a tie, or aligned or not)."""
        month = self.model.month
        world = self.model.world
        states = self.model.states
        for k, pattern in enumerate(self.patterns):
            first, last = self.windows[k]
            if not first <= month <= last:
                continue
            if pattern.is_tie():
                layer = LAYERS.index(pattern.layer)
                i, j = states.index(pattern.source_state), states.index(pattern.target_state)
                self.paths[:, k, month] = world.ties[:, layer, i, j]
            else:
                aligned = self.model.aligned_now
                who = aligned if pattern.state == ALL_STATES else aligned[:, [states.index(pattern.state)]]
                self.paths[:, k, month] = who.all(axis=1)

    def run(self) -> np.ndarray:
        """Advance the model to its horizon, recording every month; return ``values()``."""
        self.record()
        while self.model.running:
            self.model.step()
            self.record()
        return self.values()

    def values(self) -> np.ndarray:
        out = np.empty((self.model.replicates, len(self.patterns)))
        for k, pattern in enumerate(self.patterns):
            first, last = self.windows[k]
            series = self.paths[:, k, first : last + 1]
            out[:, k] = _statistic(pattern.statistic, series)
        return out


def _statistic(statistic: str, series: np.ndarray) -> np.ndarray:
    """One statistic per world from the series over the pattern's window (worlds, months)."""
    if statistic == "tie_level":
        return series[:, -1]
    if statistic == "tie_change":
        return series[:, -1] - series[:, 0]
    if statistic == "tie_ratio":
        return series[:, -1] / np.maximum(series[:, 0], RATIO_FLOOR) - 1.0
    if statistic == "tie_max":
        return series.max(axis=1)
    return series.min(axis=1)  # aligned_share: aligned in every month of the window


def distance(summaries: np.ndarray, patterns: Sequence[Pattern]) -> np.ndarray:
    """Root mean square of (simulated - observed) / tolerance over patterns, per row of summaries."""
    observed = np.array([p.observed for p in patterns])
    tolerance = np.array([p.tolerance for p in patterns])
    return np.sqrt(np.mean(((summaries - observed) / tolerance) ** 2, axis=-1))
