"""The reference ties and their symmetric strengths, kept for a run until an event moves them.

The baseline ties never change during a run and the treaties in force change only when a
treaty event strikes; yet S10 relaxes ties towards the reference every month, and deal
cuts and secondary sanctions price the baseline's strengths every month. Recomputing
them each month costs whole passes over (R, L, n, n) arrays for the same numbers, so the
model keeps them here and forgets them when a treaty event strikes (``forget``), and
the value of the energy layer also when an oil-price event moves the oil stakes.
"""

from __future__ import annotations

import numpy as np

from sim.model.parameters import ModelParameters
from sim.model.values import ENERGY, layer_values, rent_rates, symmetric_strength
from sim.model.world import World, reference_ties

# What each kept array is computed from that an event may write: the treaties in force
# (the baseline ties no event writes) and the oil stakes that weigh energy ties (nothing
# else writes them). Oil shocks strike some world in most months of a large batch: they
# must not drop what does not read the oil stakes.
TREATY_EVENTS = frozenset({"treaty"})
OIL_EVENTS = frozenset({"oil_price"})
CHANGES_REFERENCE: frozenset[str] = TREATY_EVENTS | OIL_EVENTS


class References:
    """Reference ties and strengths (and the rent rates, fixed for a run) of one run's worlds,
    each computed when first read.

    The arrays handed out are shared between months: readers must not write into them.
    """

    def __init__(self) -> None:
        self._cached: dict[str, np.ndarray] = {}
        self._reads: dict[str, frozenset[str]] = {}  # the event kinds each kept array reads

    def forget(self, struck: set[str]) -> None:
        """Drop what the event kinds that ``struck`` this month may have changed."""
        for name in [name for name, reads in self._reads.items() if reads & struck]:
            del self._cached[name], self._reads[name]

    def ties(self, world: World) -> np.ndarray:
        """``reference_ties(world)``: the baseline with the treaty layer at the treaties in force."""
        return self._get("ties", lambda: reference_ties(world), TREATY_EVENTS)

    def strength(self, world: World) -> np.ndarray:
        """Symmetric strength of the reference ties (what deal cuts are priced on)."""
        return self._get("strength", lambda: symmetric_strength(self.ties(world)), TREATY_EVENTS)

    def baseline_strength(self, world: World) -> np.ndarray:
        """Symmetric strength of the baseline ties (what secondary sanctions weigh)."""
        return self._get("baseline", lambda: symmetric_strength(world.baseline_ties))

    def rents(self, world: World, params: ModelParameters) -> np.ndarray:
        """``rent_rates``: layer rents times the conversion into % GDP (fixed for a run)."""
        return self._get("rents", lambda: rent_rates(world, params))

    def values(self, world: World, params: ModelParameters, layers: tuple[int, ...]) -> np.ndarray:
        """``tie_values`` of the reference strengths in ``layers``: what deal cuts are priced
        on, % GDP, (R, len(layers), n, n). Only the energy layer reads the oil stakes."""
        reads = TREATY_EVENTS | (OIL_EVENTS if ENERGY in layers else frozenset())
        return self._get(
            f"values {layers}",
            lambda: layer_values(world, self.strength(world), params, self.rents(world, params), layers),
            reads,
        )

    def _get(self, name: str, compute, reads: frozenset[str] = frozenset()) -> np.ndarray:
        if name not in self._cached:
            array = compute()
            array.flags.writeable = False  # shared between months: a write would be a bug
            self._cached[name], self._reads[name] = array, reads
        return self._cached[name]
