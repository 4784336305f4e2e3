"""Deals as conditional bargains (S3): a package offered against named cuts, paid as far as taken up.

A ``deal`` lever offers its target a package: relief from sanctions, access to US and
allied markets and a security assurance; a ``ceasefire`` lever on a state at war adds
the end of its war burden. The target weighs the credible value of the package against
the value of the ties the deal asks it to cut (the price). It takes the deal up as far as
it moves away from the bloc: the take-up is the share of the way from its start
alignment to the defection threshold it has gone. Only what is taken up is delivered:
sanctions are lifted, the war ends, threat falls and the named ties are cut in
proportion to the take-up, and the US pays for the take-up alone. A package worth
nothing is never taken up and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.parameters import ModelParameters
from sim.model.short_axes import layer_dot
from sim.model.strategies import Policy
from sim.model.world import World
from sim.model.worlds import lift


@dataclass
class Bargains:
    """The month's deals, one entry per state, shape (R, n) unless noted."""

    offer: np.ndarray  # R_i: credible value of the packages offered, % GDP
    price: np.ndarray  # X_i: value of the ties the deals ask to cut, % GDP
    net_pull: np.ndarray  # N_i = max(0, R_i - X_i), % GDP
    takeup: np.ndarray  # m_i in [0, 1]: share of the deals taken up
    relief: np.ndarray  # share of baseline sanctions exposure lifted at full take-up
    assurance: np.ndarray  # share of perceived threat removed at full take-up
    war: np.ndarray  # effective war need w_i (1 - u^C_i m_i)


def movement(previous: World, params: ModelParameters) -> np.ndarray:
    """How far each state has moved from its start alignment toward defection, in [0, 1], (R, n).

    (a0 - a) / (a0 - a*), clipped; for a state that starts at or below the threshold a*,
    1 once it is below a* and 0 otherwise.
    """
    threshold = lift(params.aligned_threshold, 2)
    start, now = previous.start_alignment, previous.alignment
    gap = start - threshold
    moved = np.divide(start - now, gap, out=np.zeros_like(now), where=gap > 0)
    return np.where(gap > 0, np.clip(moved, 0.0, 1.0), (now < threshold).astype(float))


def strike_bargains(
    previous: World,
    policy: Policy,
    credibility: np.ndarray,
    alliance_effect: np.ndarray,
    cut_values: np.ndarray,
    cut: tuple[int, ...],
    params: ModelParameters,
    moved: np.ndarray | None = None,
) -> Bargains:
    """S3: offers, prices, net pull and take-up of this month's deals.

    ``cut_values`` (R, L, n) is the value to each state of its ties in each layer, valued
    on the baseline ties (the terms of the bargain do not move as the target cuts), zero
    outside ``cut``, the layers this month's deals cut; ``moved``, the states' ``movement``
    if already known.
    """
    size = lift(params.deal_value, 2)
    relief = np.minimum(1.0, size * lift(params.deal_relief, 2) * alliance_effect[:, None]) * policy.deal
    assurance = np.minimum(1.0, size * lift(params.threat_relief_from_deals, 2)) * policy.deal
    package = (
        lift(params.sanctions_cost, 2) * relief * previous.baseline_sanctions
        + size * lift(params.deal_trade, 2) * policy.deal
        + assurance * previous.threat * previous.military_burden
    )
    peace = policy.ceasefire * previous.war * previous.war_burden
    offer = credibility * (package + peace)
    price = layer_dot(policy.deal_cut, cut_values, cut)
    net_pull = np.maximum(0.0, offer - price)
    moved = movement(previous, params) if moved is None else moved
    takeup = np.where(net_pull > 0, moved, 0.0)
    war = previous.war * (1.0 - policy.ceasefire * takeup)
    return Bargains(offer, price, net_pull, takeup, relief, assurance, war)
