"""The state of R replicate worlds: every quantity carries a leading replicate axis.

``World`` holds what changes month to month; its ``baseline_*`` arrays hold the
reference levels that dynamics relax towards and that events shift (a treaty, a war,
a lasting loss of trust). Bloc-state agents read and write views of these arrays.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.model.calibration import Calibration

DYNAMIC = ("ties", "trust", "sanctions", "threat", "alignment", "war", "oil", "alliance")


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

    @classmethod
    def from_calibration(cls, calibration: Calibration, replicates: int, alliance: float) -> World:
        """Broadcast one calibration to R identical worlds."""

        def tile(array: np.ndarray) -> np.ndarray:
            return np.broadcast_to(array, (replicates, *array.shape)).copy()

        return cls(
            ties=tile(calibration.ties),
            trust=tile(calibration.trust),
            sanctions=tile(calibration.sanctions),
            threat=tile(calibration.threat),
            alignment=tile(calibration.alignment),
            war=tile(calibration.war),
            oil=tile(calibration.oil),
            alliance=np.full(replicates, float(alliance)),
            baseline_ties=tile(calibration.ties),
            baseline_trust=tile(calibration.trust),
            baseline_sanctions=tile(calibration.sanctions),
            start_sanctions=tile(calibration.sanctions),
            start_alignment=tile(calibration.alignment),
            start_war=tile(calibration.war),
            start_threat=tile(calibration.threat),
            start_alliance=np.full(replicates, float(alliance)),
        )

    def copy(self) -> World:
        """A snapshot for synchronous updating: the month-to-month state is copied, the
        reference levels are shared (nothing changes them while agents decide)."""
        return dataclasses.replace(self, **{name: getattr(self, name).copy() for name in DYNAMIC})

    @property
    def replicates(self) -> int:
        return self.alignment.shape[0]
