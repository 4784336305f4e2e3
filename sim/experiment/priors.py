"""Priors of the calibrated constants: uniform over each constant's documented range.

The ranges are those of :class:`~sim.model.parameters.ModelParameters` (the ones
``check_ranges`` enforces and the ODD lists), so a prior never says more than the
documentation; where theory argues both ways the documented range spans zero. A constant
spanning orders of magnitude may be given a log-uniform prior. The sampler works on the
unit cube: every prior is uniform there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from sim.common.errors import ConfigError
from sim.model.parameters import ModelParameters

SCALES = ("linear", "log")


@dataclass(frozen=True)
class Prior:
    """A uniform (or log-uniform) prior on one dotted parameter path."""

    name: str
    low: float
    high: float
    scale: str = "linear"

    def from_unit(self, z: np.ndarray) -> np.ndarray:
        """Parameter values of points on the unit interval."""
        if self.scale == "log":
            return np.exp(np.log(self.low) + z * (np.log(self.high) - np.log(self.low)))
        return self.low + z * (self.high - self.low)

    def to_unit(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if self.scale == "log":
            return (np.log(x) - np.log(self.low)) / (np.log(self.high) - np.log(self.low))
        return (x - self.low) / (self.high - self.low)


def documented_range(name: str) -> tuple[float, float]:
    """The documented range of ``model.<name>``, or a ConfigError naming the choices."""
    scalar = {
        f"model.{spec.name}": spec.metadata["range"]
        for spec in fields(ModelParameters)
        if "range" in spec.metadata and spec.type in ("float", float)
    }
    if name not in scalar:
        raise ConfigError(
            "calibration.parameters", f"'{name}' is not a scalar model constant", sorted(scalar)
        )
    return scalar[name]


def make_priors(specs: Sequence[tuple[str, float | None, float | None, str]]) -> list[Prior]:
    """Priors from (name, low, high, scale); low and high default to the documented range and
    may only narrow it."""
    priors = []
    names = [spec[0] for spec in specs]
    if len(set(names)) != len(names):
        raise ConfigError("calibration.parameters", "a constant is listed twice", names)
    for name, low, high, scale in specs:
        lowest, highest = documented_range(name)
        low = lowest if low is None else low
        high = highest if high is None else high
        if not lowest <= low < high <= highest:
            raise ConfigError(
                f"calibration.parameters: {name}",
                f"[{low}, {high}] is not inside its range",
                f"[{lowest}, {highest}]",
            )
        if scale not in SCALES:
            raise ConfigError(f"calibration.parameters: {name}", f"unknown scale '{scale}'", list(SCALES))
        if scale == "log" and low <= 0:
            raise ConfigError(f"calibration.parameters: {name}", "a log scale needs a positive low end")
        priors.append(Prior(name, float(low), float(high), scale))
    return priors


def to_values(priors: Sequence[Prior], z: np.ndarray) -> dict[str, np.ndarray]:
    """Unit-cube points (P, d) as {dotted path: (P,) values}."""
    return {prior.name: prior.from_unit(z[:, k]) for k, prior in enumerate(priors)}
