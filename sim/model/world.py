"""The state of many worlds: every quantity carries a leading world axis.

A world is a replicate of a parameter point (:mod:`sim.model.worlds`). ``World`` holds
what changes month to month; its ``baseline_*`` arrays hold the reference levels that
dynamics relax towards and that events shift (a treaty, a war, a lasting loss of trust),
and its per-state figures (capacity, ...) may differ between worlds but never change.
Bloc-state agents read and write views of these arrays.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np

from sim.model.calibration import Calibration

DYNAMIC = ("ties", "trust", "sanctions", "threat", "alignment", "war", "oil", "alliance")
# Dimensions of a calibration array common to all worlds (every other one is per state,
# one dimension); an array with one more dimension holds a value per world.
_CALIBRATION_NDIM = {"ties": 3, "trust": 2}
# Which calibration array each per-state field of a new world starts from.
_PER_STATE = ("capacity", "us_exposure", "swing_buyers", "arms_supply")
FROM_CALIBRATION: dict[str, str] = {
    **{name: name for name in ("ties", "trust", "sanctions", "threat", "alignment", "war", "oil")},
    **{f"baseline_{name}": name for name in ("ties", "trust", "sanctions")},
    **{f"start_{name}": name for name in ("sanctions", "alignment", "war", "threat")},
    **{name: name for name in _PER_STATE},
}


@dataclass
class World:
    """State of R worlds of n states: shapes (R, n), (R, n, n) or (R, L, n, n)."""

    ties: np.ndarray
    trust: np.ndarray
    sanctions: np.ndarray
    threat: np.ndarray
    alignment: np.ndarray
    war: np.ndarray
    oil: np.ndarray
    alliance: np.ndarray  # (R,)
    baseline_ties: np.ndarray
    baseline_trust: np.ndarray
    baseline_sanctions: np.ndarray
    start_sanctions: np.ndarray
    start_alignment: np.ndarray
    start_war: np.ndarray
    start_threat: np.ndarray
    start_alliance: np.ndarray
    # Figures of each world that never change during a run, (R, n): a world of a design
    # or an ensemble may have its own.
    capacity: np.ndarray
    us_exposure: np.ndarray
    swing_buyers: np.ndarray
    arms_supply: np.ndarray

    @classmethod
    def from_calibration(
        cls, calibration: Calibration, replicates: int, alliance: float | np.ndarray
    ) -> World:
        """R worlds from a calibration whose arrays are common to all worlds, or have a leading
        world axis where worlds differ (see :mod:`sim.model.resolution`)."""

        def tile(name: str) -> np.ndarray:
            array = getattr(calibration, name)
            per_world = array.ndim > _CALIBRATION_NDIM.get(name, 1)
            return array.copy() if per_world else np.broadcast_to(array, (replicates, *array.shape)).copy()

        def full(value: float | np.ndarray) -> np.ndarray:
            return np.broadcast_to(np.asarray(value, dtype=float), (replicates,)).copy()

        alliance_strength = full(alliance)
        return cls(
            **{name: tile(source) for name, source in FROM_CALIBRATION.items()},
            alliance=alliance_strength,
            start_alliance=alliance_strength.copy(),
        )

    def copy(self) -> World:
        """A snapshot for synchronous updating: the month-to-month state is copied, the
        reference levels are shared (nothing changes them while agents decide)."""
        return dataclasses.replace(self, **{name: getattr(self, name).copy() for name in DYNAMIC})

    @property
    def replicates(self) -> int:
        return self.alignment.shape[0]


def outgoing(ties: np.ndarray, i: int) -> np.ndarray:
    """``ties[:, :, i, :]`` of a (R, L, n, n) array as a contiguous (R, L, n) copy.

    The slice itself is strided, so arithmetic on it runs one 4-element row at a time;
    gathered into a contiguous array, the same arithmetic runs in one pass.
    """
    worlds, layers, n, _ = ties.shape
    flat = ties.reshape(worlds, -1)
    return np.take(flat, _outgoing_positions(layers, n, i), axis=1).reshape(worlds, layers, n)


@functools.lru_cache(maxsize=64)
def _outgoing_positions(layers: int, n: int, i: int) -> np.ndarray:
    return np.arange(layers * n * n).reshape(layers, n, n)[:, i, :].reshape(-1)
