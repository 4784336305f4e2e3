"""The state of many worlds: every quantity carries a leading world axis.

A world is a replicate of a parameter point (:mod:`sim.model.worlds`). ``World`` holds
what changes month to month; its ``baseline_*`` arrays hold the reference levels that
dynamics relax towards, and its per-state figures (capacity, ...) may differ between
worlds but never change. Events write only inputs: war need, the sanctions baseline, the
treaties in force and the record of abandonments, which the agents' rules read; ties,
trust and alignment are outputs. Bloc-state agents read and write views of these arrays.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.common.vocabulary import LAYERS
from sim.model.calibration import Calibration

DYNAMIC = ("ties", "trust", "sanctions", "threat", "alignment", "war", "oil", "alliance", "own_factor")
# Month-to-month state that its submodel replaces with a new array rather than writing
# into (the states' decisions and S10 hand the world new arrays; A3 new alliance
# strengths): a snapshot may share it. Events write war and oil stakes in place.
REPLACED = ("ties", "trust", "sanctions", "threat", "alignment", "alliance", "own_factor")
# Dimensions of a calibration array common to all worlds (every other one is per state,
# one dimension); an array with one more dimension holds a value per world.
_CALIBRATION_NDIM = {"ties": 3, "trust": 2, "conversion": 3}
# Which calibration array each per-state field of a new world starts from.
_PER_STATE = (
    "capacity",
    "swing_buyers",
    "arms_supply",
    "gdp",
    "military_burden",
    "war_burden",
    "western_exports",
    "conversion",
)
FROM_CALIBRATION: dict[str, str] = {
    **{name: name for name in ("ties", "trust", "sanctions", "threat", "alignment", "war", "oil")},
    **{f"baseline_{name}": name for name in ("ties", "trust", "sanctions")},
    **{f"start_{name}": name for name in ("sanctions", "alignment", "war", "threat", "oil")},
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
    own_factor: np.ndarray  # (R, L, n): factor own drift and cuts put on ties, lagged like ties
    baseline_ties: np.ndarray
    baseline_trust: np.ndarray
    baseline_sanctions: np.ndarray
    start_sanctions: np.ndarray
    start_alignment: np.ndarray
    start_war: np.ndarray
    start_threat: np.ndarray
    start_oil: np.ndarray
    start_alliance: np.ndarray
    # Figures of each world that never change during a run, (R, n): a world of a design
    # or an ensemble may have its own.
    capacity: np.ndarray
    swing_buyers: np.ndarray
    arms_supply: np.ndarray
    # The conversions into the model's unit (% of GDP): gdp in bn USD; the burdens and
    # exports to the West in % GDP; conversion (R, L, n, n), % GDP per unit of tie.
    gdp: np.ndarray
    military_burden: np.ndarray
    war_burden: np.ndarray
    western_exports: np.ndarray
    conversion: np.ndarray
    treaties: np.ndarray  # (R, n, n) legal commitment in force (1: mutual defence), an input
    abandonment: np.ndarray  # (R, n, n) record of i's patron j failing it, an input

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
        layers, n = calibration.ties.shape[-3], calibration.ties.shape[-1]
        return cls(
            **{name: tile(source) for name, source in FROM_CALIBRATION.items()},
            alliance=alliance_strength,
            start_alliance=alliance_strength.copy(),
            own_factor=np.ones((replicates, layers, n)),
            treaties=tile("ties")[:, LAYERS.index("treaty")].copy(),
            abandonment=np.zeros((replicates, n, n)),
        )

    def copy(self) -> World:
        """A snapshot for synchronous updating: the month-to-month state that agents write
        into is copied; the reference levels and the state replaced as a whole are shared
        (nothing changes them while agents decide)."""
        written = [name for name in DYNAMIC if name not in REPLACED]
        return dataclasses.replace(self, **{name: getattr(self, name).copy() for name in written})

    @property
    def replicates(self) -> int:
        return self.alignment.shape[0]


def reference_ties(world: World) -> np.ndarray:
    """The levels ties relax towards, (R, L, n, n): the baseline, with the treaty layer at the
    legal commitment in force (a treaty signed moves the reference, never the tie itself)."""
    reference = world.baseline_ties.copy()
    reference[:, LAYERS.index("treaty")] = world.treaties
    return reference
