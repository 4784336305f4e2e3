"""What each state weighs this month (S2-S6, S11), every term in % of its own GDP.

Computed once a month from last month's world and this month's US policy, before any
state decides, so that decisions are synchronous. ``Incentives.net`` is the net
incentive to stay in the bloc U_i of S8; the ODD's section "Defection condition" reads
it term by term.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.bargains import Bargains, strike_bargains
from sim.model.metrics import aggregate_graph
from sim.model.parameters import ModelParameters
from sim.model.patrons import Binding, bind_clients
from sim.model.references import References
from sim.model.short_axes import matrix_vector, nonzero_positions, sum_last, sum_second
from sim.model.strategies import Policy
from sim.model.values import (
    ECONOMIC,
    ENERGY,
    TREATY,
    bloc_value,
    partner_weights,
    staying_sanctions,
    staying_strength,
    symmetric_strength,
    tie_values,
    weighted_values,
)
from sim.model.world import World
from sim.model.worlds import lift


@dataclass
class Incentives:
    """The month's incentives, shape (R, n) unless noted; money terms in % of each state's GDP."""

    alliance_effect: np.ndarray  # (R,) mu_A = 1 + kappa_A A
    strength: np.ndarray  # (R, L, n, n) symmetric tie strength S
    graph: np.ndarray  # (R, n, n) aggregated tie graph A
    weighted: np.ndarray  # (R, L, n, n) T_ij P_l[i, j] (1 + kappa_s s_i c_j)
    value_change: np.ndarray  # Delta V_i = V_i - V0_i (S2)
    bargains: Bargains  # offers, prices, take-up (S3)
    pain: np.ndarray  # H_i: coercion escaped by defecting (S4)
    binding: Binding  # patron counter-offers and their cost (S5)
    fear: np.ndarray  # F_i: abandonment fear (S6)
    entrapment: np.ndarray  # E_i - E0_i: change of entrapment fear (S11)
    pressure: np.ndarray  # pi_i in [0, 1]: total coercion intensity (S7)

    @property
    def net(self) -> np.ndarray:
        """S8: U_i = Delta V_i - N_i - H_i + K_i + F_i - (E_i - E0_i) - (patron spending)_i."""
        return (
            self.value_change
            - self.bargains.net_pull
            - self.pain
            + self.binding.received
            + self.fear
            - self.entrapment
            - self.binding.spent
        )

    @property
    def need(self) -> np.ndarray:
        """What the US puts on the table against staying: net pull plus escapable pain."""
        return self.bargains.net_pull + self.pain


def start_values(world: World, params: ModelParameters) -> tuple[np.ndarray, np.ndarray]:
    """V0 (S2) and E0 (S11) of the start world: the references of the net incentive."""
    strength = symmetric_strength(world.ties)
    weighted = weighted_values(world, tie_values(world, strength, params), params)
    alliance_effect = 1.0 + lift(params.alliance_multiplier, 1) * world.alliance
    graph = aggregate_graph(strength, params)
    fear = entrapment(world, world.war, graph, strength, alliance_effect, params)
    return bloc_value(world, weighted, params), fear


def assess(
    previous: World,
    policy: Policy,
    credibility: np.ndarray,
    references: tuple[np.ndarray, np.ndarray],
    params: ModelParameters,
    strength: np.ndarray | None = None,
    graph: np.ndarray | None = None,
    kept: References | None = None,
    moved: np.ndarray | None = None,
) -> Incentives:
    """S2-S6 and S11 from last month's world and this month's policy (``strength`` and
    ``graph``: the snapshot's symmetric strengths and tie graph, if already known; ``kept``:
    the run's reference ties and strengths, if the model keeps them; ``moved``, the states'
    movement toward defection, if already known)."""
    kept = References() if kept is None else kept
    start_value, start_entrapment = references
    alliance_effect = 1.0 + lift(params.alliance_multiplier, 1) * previous.alliance
    strength = symmetric_strength(previous.ties) if strength is None else strength
    graph = aggregate_graph(strength, params) if graph is None else graph
    staying = staying_sanctions(previous)
    weights = partner_weights(previous, params, staying)
    rents = kept.rents(previous, params)
    staying_ties = staying_strength(previous, strength)  # a new array, filled in place below
    values = tie_values(previous, staying_ties, params, rents, out=staying_ties)
    weighted = weighted_values(previous, values, params, weights=weights, out=values)
    # the baseline ties' strengths price deal cuts and weigh secondary sanctions: where
    # neither acts this month nothing reads them
    baseline_strength = None
    if policy.deal_cut.any() or policy.secondary.any():
        baseline_strength = kept.baseline_strength(previous)
    cut_values = np.zeros(policy.deal_cut.shape)  # a layer no deal names has no price
    cut = tuple(nonzero_positions(policy.deal_cut, 1))
    if cut:
        baseline = kept.values(previous, params, cut)
        weighted_cuts = weighted_values(previous, baseline, params, weights=weights)
        cut_values[:, list(cut)] = sum_last(weighted_cuts)
    bargains = strike_bargains(previous, policy, credibility, alliance_effect, cut_values, cut, params, moved)
    pain = lift(params.coercion_relief, 2) * coercion(
        previous, policy, strength, baseline_strength, alliance_effect, params
    )
    partner_values = sum_second(weighted)  # [i, j]: what j is worth to i, so [p, c] for patrons
    binding = bind_clients(
        bargains.net_pull + pain,
        partner_values,
        previous.trust,
        previous.alignment,
        previous.capacity,
        previous.gdp,
        params,
    )
    fear = lift(params.abandonment_response, 2) * matrix_vector(partner_values, bargains.takeup)
    trapped = entrapment(previous, bargains.war, graph, strength, alliance_effect, params)
    return Incentives(
        alliance_effect=alliance_effect,
        strength=strength,
        graph=graph,
        weighted=weighted,
        value_change=bloc_value(previous, weighted, params) - start_value,
        bargains=bargains,
        pain=pain,
        binding=binding,
        fear=fear,
        entrapment=trapped - start_entrapment,
        pressure=np.minimum(1.0, policy.sanctions + policy.secondary + policy.trade),
    )


def coercion(
    previous: World,
    policy: Policy,
    strength: np.ndarray,
    baseline: np.ndarray | None,
    alliance_effect: np.ndarray,
    params: ModelParameters,
) -> np.ndarray:
    """S4: C_i = L (s_i - sbar_i)+ + kappa_trade mu_A u^X_i X_i + kappa_2 mu_A u^2_i X_i b_i, % GDP, (R, n).

    Sanctions above their baseline cost their share of the sanctions loss L; tariffs and
    export controls put a share of exports to the US and its allies X_i at risk;
    secondary sanctions put X_i at risk in proportion to b_i, the share of the state's
    bloc trade ties (on their baseline) that runs to sanctioned partners, weighted by the
    partners' exposure. ``strength`` and ``baseline`` are the symmetric strengths of the
    current and the baseline ties (``baseline`` may be None where no secondary sanctions act).

    The term of a lever that acts nowhere this month is exactly zero and is skipped.
    """
    extra = np.maximum(0.0, previous.sanctions - previous.baseline_sanctions)
    pain = lift(params.sanctions_cost, 2) * extra
    exports = previous.western_exports
    reach = alliance_effect[:, None]
    if policy.trade.any():
        pain = pain + lift(params.trade_pain, 2) * reach * policy.trade * exports
    if policy.secondary.any():
        if baseline is None:
            raise ValueError("coercion: secondary sanctions act, but no baseline strengths were given")
        trading = strength[:, ENERGY] + strength[:, ECONOMIC]
        usual = (baseline[:, ENERGY] + baseline[:, ECONOMIC]).sum(axis=2)
        busted = np.einsum("rij,rj->ri", trading, previous.sanctions)
        share = np.divide(busted, usual, out=np.zeros_like(busted), where=usual > 0)
        pain = pain + lift(params.secondary_bite, 2) * reach * policy.secondary * exports * share
    return pain


def entrapment(
    world: World,
    war: np.ndarray,
    graph: np.ndarray,
    strength: np.ndarray,
    alliance_effect: np.ndarray,
    params: ModelParameters,
) -> np.ndarray:
    """S11: E_i = sum_j w_j [kappa_Ee mu_A A_ij X_i + kappa_Em S_treaty,ij M_i], % GDP, (R, n).

    The fear of being dragged into a partner's war: its exports to the US and its allies
    are exposed in proportion to how closely it is tied to a state at war (secondary
    sanctions, reputational cost; larger the stronger the US alliances), and its defence
    effort in proportion to its treaty obligations to it.
    """
    economic = lift(params.entrapment_economic, 2) * alliance_effect[:, None] * world.western_exports
    military = lift(params.entrapment_military, 2) * world.military_burden
    tied = matrix_vector(graph, war)
    bound = matrix_vector(strength[:, TREATY], war)
    return economic * tied + military * bound
