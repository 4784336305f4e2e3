"""The reference ties and their symmetric strengths, kept for a run until an event moves them.

The baseline ties never change during a run and the treaties in force change only when a
treaty event strikes; yet S10 relaxes ties towards the reference every month, and deal
cuts and secondary sanctions price the baseline's strengths every month. Recomputing
them each month costs whole passes over (R, L, n, n) arrays for the same numbers, so the
model keeps them here and forgets them when a treaty event strikes (``forget``); an
oil-price event reprices the energy layer of their value, which follows the oil stakes.
"""

from __future__ import annotations

import numpy as np

from sim.model.parameters import ModelParameters
from sim.model.values import rent_rates, symmetric_strength, tie_values, with_energy_repriced
from sim.model.world import World, reference_ties

# What each kept array is computed from that an event may write: the treaties in force
# (the baseline ties no event writes) and the oil stakes that weigh energy ties (nothing
# else writes them). Oil shocks strike some world in most months of a large batch: they
# must not drop the strengths, which do not read the oil stakes.
# The values' energy layer alone reads the oil stakes: an oil-price event reprices it.
READS_EVENTS: dict[str, frozenset[str]] = {
    "ties": frozenset({"treaty"}),
    "strength": frozenset({"treaty"}),
    "values": frozenset({"treaty"}),
}
REPRICES_ENERGY = "oil_price"
CHANGES_REFERENCE: frozenset[str] = frozenset({REPRICES_ENERGY}).union(*READS_EVENTS.values())


class References:
    """Reference ties and strengths (and the rent rates, fixed for a run) of one run's worlds,
    each computed when first read.

    The arrays handed out are shared between months: readers must not write into them.
    """

    def __init__(self) -> None:
        self._cached: dict[str, np.ndarray] = {}
        self._oil_moved = False

    def forget(self, struck: set[str]) -> None:
        """Drop what the event kinds that ``struck`` this month may have changed."""
        for name in [name for name in self._cached if READS_EVENTS.get(name, frozenset()) & struck]:
            del self._cached[name]
        self._oil_moved |= REPRICES_ENERGY in struck

    def ties(self, world: World) -> np.ndarray:
        """``reference_ties(world)``: the baseline with the treaty layer at the treaties in force."""
        return self._get("ties", lambda: reference_ties(world))

    def strength(self, world: World) -> np.ndarray:
        """Symmetric strength of the reference ties (what deal cuts are priced on)."""
        return self._get("strength", lambda: symmetric_strength(self.ties(world)))

    def baseline_strength(self, world: World) -> np.ndarray:
        """Symmetric strength of the baseline ties (what secondary sanctions weigh)."""
        return self._get("baseline", lambda: symmetric_strength(world.baseline_ties))

    def rents(self, world: World, params: ModelParameters) -> np.ndarray:
        """``rent_rates``: layer rents times the conversion into % GDP (fixed for a run)."""
        return self._get("rents", lambda: rent_rates(world, params))

    def values(self, world: World, params: ModelParameters) -> np.ndarray:
        """``tie_values`` of the reference strengths: what deal cuts are priced on, % GDP.

        Oil shocks strike some world in most months of a large batch; they reprice the
        energy layer of the values kept instead of recomputing every layer.
        """
        strength, rents = self.strength(world), self.rents(world, params)
        if self._oil_moved and "values" in self._cached:
            repriced = with_energy_repriced(self._cached.pop("values"), world, strength, params, rents)
            self._get("values", lambda: repriced)
        self._oil_moved = False
        return self._get("values", lambda: tie_values(world, strength, params, rents))

    def _get(self, name: str, compute) -> np.ndarray:
        if name not in self._cached:
            array = compute()
            array.flags.writeable = False  # shared between months: a write would be a bug
            self._cached[name] = array
        return self._cached[name]
