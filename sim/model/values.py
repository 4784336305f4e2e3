"""What ties, partners and the bloc are worth to each state, in per cent of its GDP (S2).

The model's numeraire is a share of the deciding state's annual GDP ("% GDP"): a tie's
value, a US offer, the cost of coercion, a patron's counter-offer and the fears of
abandonment and entrapment are all flows of value a year over the state's own GDP, so
the same absolute loss weighs more for a small economy than for a large one and no term
depends on the [0, 1] scale of the tie index. The tie index only says how strong a tie
is relative to the data set's; ``Calibration.conversion`` turns it into % GDP.
"""

from __future__ import annotations

import functools

import numpy as np

from sim.common.vocabulary import LAYERS
from sim.model.broadcast import along_rows, keyed, outer, times
from sim.model.parameters import ModelParameters
from sim.model.short_axes import SHORT, sum_last, sum_second
from sim.model.world import World
from sim.model.worlds import lift

ENERGY, MILITARY, ECONOMIC, DIPLOMATIC, TREATY = (
    LAYERS.index(name) for name in ("energy", "military", "economic", "diplomatic", "treaty")
)
TRADE_LAYERS = [ENERGY, ECONOMIC]


def symmetric_strength(ties: np.ndarray) -> np.ndarray:
    """S_l[i, j] = (W_l[i, j] + W_l[j, i]) / 2, shape (R, L, n, n).

    The transpose is gathered with one index over each world's flattened ties: a strided
    transpose of 4 x 4 blocks costs twice as much, for the same numbers.
    """
    worlds, layers, n, _ = ties.shape
    flat = ties.reshape(worlds, -1)
    strength = np.take(flat, _transposed_order(layers, n), axis=1)
    strength += flat
    strength *= 0.5
    return strength.reshape(ties.shape)


@functools.lru_cache(maxsize=8)
def _transposed_order(layers: int, n: int) -> np.ndarray:
    """Flat positions of W_l[j, i] in the order of W_l[i, j]."""
    return np.arange(layers * n * n).reshape(layers, n, n).transpose(0, 2, 1).reshape(-1)


def oil_factor(world: World, params: ModelParameters) -> np.ndarray:
    """1 + kappa_o (o_i / o0_i - 1): energy ties are worth more or less as the oil stake moves, (R, n).

    Oil-price shocks scale o_i; a state without an oil stake at the start keeps factor 1.
    """
    ratio = np.divide(world.oil, world.start_oil, out=np.ones_like(world.oil), where=world.start_oil > 0)
    return np.maximum(0.0, 1.0 + lift(params.oil_amplifier, 2) * (ratio - 1.0))


def rent_rates(world: World, params: ModelParameters) -> np.ndarray:
    """rho_l c_l[i, j]: what a unit of tie is worth, % GDP, (R, L, n, n); fixed for a run."""
    return times(world.conversion, keyed(params.layer_rents, LAYERS, 4))


def tie_values(
    world: World,
    strength: np.ndarray,
    params: ModelParameters,
    rents: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """P_l[i, j] = rho_l c_l[i, j] S_l[i, j]: what i's layer-l tie with j is worth to i, % GDP, (R, L, n, n).

    ``strength`` is the symmetric strength of the ties being valued (current or baseline);
    ``rents``, the world's ``rent_rates`` if already known; ``out``, an array to fill
    (``strength`` itself when nothing else reads it).
    """
    rents = rent_rates(world, params) if rents is None else rents
    values = times(rents, strength, out)
    energy = values[:, ENERGY]
    energy *= along_rows(oil_factor(world, params), energy.shape[-1])
    return values


def layer_values(
    world: World, strength: np.ndarray, params: ModelParameters, rents: np.ndarray, layers: tuple[int, ...]
) -> np.ndarray:
    """``tie_values(world, strength, params, rents)[:, layers]``, the other layers not valued."""
    values = times(rents[:, list(layers)], strength[:, list(layers)])
    if ENERGY in layers:
        energy = values[:, layers.index(ENERGY)]
        energy *= along_rows(oil_factor(world, params), energy.shape[-1])
    return values


def scarcity(sanctions: np.ndarray, capacity: np.ndarray, params: ModelParameters) -> np.ndarray:
    """1 + kappa_s s_i c_j: sanctions raise a partner's worth by what it can replace, (R, n, n)."""
    return 1.0 + outer(lift(params.sanctions_dependence, 2) * sanctions, capacity)


def partner_weights(world: World, params: ModelParameters, sanctions: np.ndarray | None = None) -> np.ndarray:
    """T_ij (1 + kappa_s s_i c_j), zero for i = j: how far i counts on its ties with j, (R, n, n).

    ``sanctions`` replaces the world's exposure (the value of staying counts sanctions at
    no less than their baseline: deal relief comes only with the deal).
    """
    n = world.trust.shape[-1]
    exposure = world.sanctions if sanctions is None else sanctions
    return world.trust * (1.0 - np.eye(n)) * scarcity(exposure, world.capacity, params)


def weighted_values(
    world: World,
    values: np.ndarray,
    params: ModelParameters,
    sanctions: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """T_ij P_l[i, j] (1 + kappa_s s_i c_j): tie values as i counts on them, (R, L, n, n).

    ``weights``: the ``partner_weights`` for ``sanctions``, if already known; ``out``, an
    array to fill (``values`` itself when nothing else reads it).
    """
    weights = partner_weights(world, params, sanctions) if weights is None else weights
    return times(values, weights[:, None], out)


def staying_strength(world: World, strength: np.ndarray) -> np.ndarray:
    """Tie strengths as they would stand had each state stayed as aligned as at the start and
    cut nothing, (R, L, n, n).

    Ties scale with the closeness of both ends and shrink with a deal's cuts (S10); a
    state weighing staying against leaving counts its ties as they are when it stays, so
    the part its own drift and its own cuts removed (``World.own_factor``, which follows
    them at the tie rate, as ties do) is divided out of its row. Partners' drift, trust,
    need and the partners' cuts stay in.
    """
    divisor = along_rows(np.maximum(world.own_factor, 1e-3), strength.shape[-1])
    return np.divide(strength, divisor, out=divisor)


def staying_sanctions(world: World) -> np.ndarray:
    """Sanctions exposure a state faces if it stays: no less than its baseline, (R, n)."""
    return np.maximum(world.sanctions, world.baseline_sanctions)


def partner_total(weighted: np.ndarray) -> np.ndarray:
    """sum_l sum_j of (R, L, n, n) values: what all partners in all layers are worth to i, (R, n).

    The same numbers as ``weighted.sum(axis=(1, 3))``, which NumPy adds row by row, then
    layer by layer.
    """
    if weighted.shape[-1] >= SHORT:
        return weighted.sum(axis=(1, 3))
    return sum_second(sum_last(weighted))


def bloc_value(world: World, weighted: np.ndarray, params: ModelParameters) -> np.ndarray:
    """S2: V_i = sum_l sum_j T_ij P_l[i, j] (1 + kappa_s s_i c_j) + kappa_theta theta_i M_i, % GDP, (R, n).

    The last term is the security value of alignment itself: the share of its defence
    burden M_i the bloc is worth to a state per unit of perceived US threat.
    """
    partners = partner_total(weighted)
    security = lift(params.threat_cohesion, 2) * world.threat * world.military_burden
    return partners + security


def dependence(world: World, bloc: np.ndarray, params: ModelParameters) -> np.ndarray:
    """Share of a state's valued relations that lie inside the bloc, (R, n).

    Sanctions shrink outside options (1 - s_i), so a sanctioned state depends more on
    partners even before its ties change. ``bloc`` is the partner part of S2, % GDP.
    """
    outside = lift(params.outside_options, 2) * (1.0 - world.sanctions)
    return bloc / (bloc + outside)
