"""The agents: one class for bloc states, one for the United States.

Each agent is an ordinary Mesa agent whose attributes are NumPy arrays over R replicate
worlds, so one call to ``step`` advances R worlds. States decide from last month's
world (``model.previous``), so the order in which agents act never matters.
Equations are numbered as in docs/ODD.md, section Submodels.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np
from scipy.special import expit

from sim.common.vocabulary import LAYERS
from sim.model.parameters import AdaptiveConfig, ModelParameters, USConfig
from sim.model.strategies import Lever, Policy
from sim.model.world import World, outgoing
from sim.model.worlds import lift

ENERGY, MILITARY, ECONOMIC = (LAYERS.index(name) for name in ("energy", "military", "economic"))
TRADE_LAYERS = [ENERGY, ECONOMIC]


@dataclass
class Incentives:
    """What the US and the patrons put on the table this month, shape (R, n) each."""

    alliance_effect: np.ndarray  # (R,) m_A = 1 + kappa_A * A
    pull: np.ndarray  # US reward offered, discounted by credibility (S3)
    pain: np.ndarray  # coercion a state escapes by defecting (S4)
    compensation: np.ndarray  # what patrons can offset (S5)
    fear: np.ndarray  # fear of abandonment from courted partners (S6)
    pressure: np.ndarray  # total coercion on each state (S7)
    value_change: np.ndarray  # (V - V0) / V0 (S2)
    graph: np.ndarray  # aggregated tie graph A, (R, n, n)
    deal_keep: np.ndarray  # share of each layer's ties a deal leaves a dealing state, (R, L, n)


class BlocState(mesa.Agent):
    """A member of the bloc (CHN, RUS, IRN, PRK, or any state with a data row).

    Its attributes are views into the model's world arrays at column ``index``.
    """

    def __init__(self, model: mesa.Model, code: str, index: int) -> None:
        super().__init__(model)
        self.code = code
        self.index = index

    @property
    def alignment(self) -> np.ndarray:
        return self.model.world.alignment[:, self.index]

    @property
    def sanctions_exposure(self) -> np.ndarray:
        return self.model.world.sanctions[:, self.index]

    @property
    def threat(self) -> np.ndarray:
        return self.model.world.threat[:, self.index]

    @property
    def oil(self) -> np.ndarray:
        return self.model.world.oil[:, self.index]

    @property
    def trust(self) -> np.ndarray:
        """Trust in each partner, (R, n)."""
        return self.model.world.trust[:, self.index, :]

    def step(self) -> None:
        """Decide this month's sanctions exposure, threat, alignment, trust and outgoing ties."""
        model = self.model
        previous, policy, incentives, params = (
            model.previous,
            model.policy,
            model.incentives,
            model.params,
        )
        i = self.index
        world = model.world
        world.sanctions[:, i] = self._next_sanctions(previous, policy, incentives, params)
        world.threat[:, i] = self._next_threat(previous, incentives, params)
        world.alignment[:, i] = self._next_alignment(previous, incentives, params)
        world.trust[:, i, :] = self._next_trust(previous, params)
        world.ties[:, :, i, :] = self._next_ties(previous, policy, incentives, params)

    def _next_sanctions(
        self, previous: World, policy: Policy, incentives: Incentives, params: ModelParameters
    ) -> np.ndarray:
        """S1: exposure relaxes to its baseline plus the share of the gap US sanctions close.

        Swing buyers outside the bloc (India, Turkey) absorb part of a sanctioned state's
        exports and so undercut the new sanctions.
        """
        i = self.index
        base = previous.baseline_sanctions[:, i]
        reach = np.minimum(1.0, policy.sanctions[:, i] * incentives.alliance_effect)
        reach = reach * (1.0 - previous.swing_buyers[:, i])
        target = base + (1.0 - base) * reach
        current = previous.sanctions[:, i]
        return current + params.sanctions_rate * (target - current)

    def _next_threat(self, previous: World, incentives: Incentives, params: ModelParameters) -> np.ndarray:
        """S7: threat relaxes to its start level plus pressure, contagion and alliances, minus deals."""
        i = self.index
        n = previous.alignment.shape[1]
        contagion = np.einsum("rj,rj->r", incentives.graph[:, i, :], incentives.pressure) / (n - 1)
        target = (
            previous.start_threat[:, i]
            + params.threat_from_pressure * incentives.pressure[:, i]
            + params.threat_contagion * contagion
            + params.threat_from_alliances * (previous.alliance - previous.start_alliance)
            - params.threat_relief_from_deals * incentives.pull[:, i]
        )
        current = previous.threat[:, i]
        return current + params.threat_rate * (np.clip(target, 0.0, 1.0) - current)

    def _next_alignment(self, previous: World, incentives: Incentives, params: ModelParameters) -> np.ndarray:
        """S8: bounded-rational choice: log-odds of staying move with the net incentive."""
        i = self.index
        net = (
            incentives.value_change[:, i]
            - incentives.pull[:, i]
            - incentives.pain[:, i]
            + incentives.compensation[:, i]
            + incentives.fear[:, i]
        )
        noise = params.decision_noise * self.model.month_noise[self.model.month, i]
        log_odds = self.model.start_log_odds[:, i] + params.rationality * net + noise
        current = previous.alignment[:, i]
        return current + params.alignment_rate * (expit(log_odds) - current)

    def _next_trust(self, previous: World, params: ModelParameters) -> np.ndarray:
        """S9: trust in a partner follows its baseline, lowered when the partner drifts away."""
        i = self.index
        kept = self.model.this_month("trust kept", lambda: self._trust_kept(previous, params))
        target = previous.baseline_trust[:, i, :] * kept
        target[:, i] = 1.0
        current = previous.trust[:, i, :]
        return current + lift(params.trust_rate, 2) * (target - current)

    @staticmethod
    def _trust_kept(previous: World, params: ModelParameters) -> np.ndarray:
        """1 - psi * drift_j: the share of baseline trust a partner j keeps this month, (R, n)."""
        drift = 1.0 - np.minimum(1.0, previous.alignment / previous.start_alignment)
        return 1.0 - lift(params.trust_sensitivity, 2) * drift

    def _next_ties(
        self, previous: World, policy: Policy, incentives: Incentives, params: ModelParameters
    ) -> np.ndarray:
        """S10: each outgoing tie moves toward a target set by alignment, need and deals, (R, L, n)."""
        i = self.index
        a = previous.alignment
        closeness = np.sqrt(
            a[:, i, None] * a / (previous.start_alignment[:, i, None] * previous.start_alignment)
        )
        target = previous.baseline_ties[:, :, i, :] * closeness[:, None, :]
        need = self._trade_need(previous, policy, incentives, params)
        for layer in TRADE_LAYERS:
            target[:, layer, :] *= need
        target[:, MILITARY, :] += self._war_demand(previous, policy, params)
        keep = incentives.deal_keep
        for layer in self.model.us.cut_layers:  # no deal cuts the other layers: there keep is 1
            target[:, layer, :] *= keep[:, layer, i, None] * keep[:, layer, :]
        np.clip(target, 0.0, 1.0, out=target)
        target[:, :, i] = 0.0
        current = outgoing(previous.ties, i)
        target -= current  # in place: current + rate * (target - current), without temporaries
        target *= lift(params.tie_rate, 3)
        target += current
        return target

    def _trade_need(
        self, previous: World, policy: Policy, incentives: Incentives, params: ModelParameters
    ) -> np.ndarray:
        """Sanctions busting raises trade ties; secondary sanctions make them costly, (R, n).

        A sanctioned state trades more with partners able to absorb the trade (capacity c).
        """
        i = self.index
        capacity = previous.capacity
        rise = self.model.this_month(
            "rise", lambda: np.maximum(0.0, previous.sanctions - previous.start_sanctions)
        )
        busting = 1.0 + lift(params.sanctions_busting, 2) * (
            rise[:, i, None] * capacity + rise * capacity[:, i, None]
        )
        if not self.model.this_month("secondary", lambda: policy.secondary.any()):
            return busting  # no secondary sanctions anywhere: the factor below is exactly 1
        s = previous.sanctions
        exposure = policy.secondary[:, i, None] * s + policy.secondary * s[:, i, None]
        secondary = 1.0 - np.minimum(
            1.0, lift(params.secondary_bite, 2) * incentives.alliance_effect[:, None] * exposure
        )
        return busting * secondary

    def _war_demand(self, previous: World, policy: Policy, params: ModelParameters) -> np.ndarray:
        """Military flows to a state at war grow with its need, the supplier's arms and trust, (R, n)."""
        i = self.index
        change = self.model.this_month(
            "war change", lambda: previous.war * (1.0 - policy.ceasefire) - previous.start_war
        )
        supply = previous.arms_supply[:, i, None]
        return lift(params.war_demand, 2) * change * supply * previous.trust[:, i, :]


class UnitedStates(mesa.Agent):
    """The wedge strategist: turns its levers into this month's policy within its budget."""

    def __init__(
        self,
        model: mesa.Model,
        levers: tuple[Lever, ...],
        us: USConfig,
        adaptive: AdaptiveConfig,
        states: tuple[str, ...],
    ) -> None:
        super().__init__(model)
        replicates = model.replicates
        self.levers = levers
        self.budget = np.broadcast_to(np.asarray(us.budget, dtype=float), (replicates,)).copy()
        self.credibility = per_item([us.deal_credibility.get(code, us.credibility) for code in states])
        self.cut_layers = sorted(
            {layer for lever in levers if lever.kind == "deal" for layer in lever.cut_layers}
        )
        self.intensities = per_item([lever.intensity for lever in levers])
        self.costs = per_item([lever.cost for lever in levers])
        self.cumulative_cost = np.zeros(replicates)
        self.adaptive = adaptive
        self.lever_values = np.zeros((replicates, len(levers)))
        self._alignment_at_review = model.world.alignment.copy()

    def step(self) -> None:
        """Decide this month's policy from last month's observations."""
        model = self.model
        month = model.month
        active = self._active(month)
        if self.adaptive.enabled and month > 0 and month % self.adaptive.review_every == 0:
            self._review()
        intensity = self._allocate(active)
        policy = Policy.zeros(model.replicates, len(model.states))
        for k, lever in enumerate(self.levers):
            policy.add(lever, intensity[:, k])
            policy.spent += lever.cost * intensity[:, k]
        policy.clip()
        self.cumulative_cost += policy.spent
        model.policy = policy

    def _active(self, month: int) -> np.ndarray:
        """(R, K): which levers act this month in which replicate."""
        model = self.model
        active = np.zeros((model.replicates, len(self.levers)), dtype=bool)
        for k, lever in enumerate(self.levers):
            if not lever.in_window(month):
                continue
            if lever.condition is None:
                active[:, k] = True
            else:
                active[:, k] = lever.condition.holds(model.latest, model.aligned_now, model.ever_defected)
        return active

    def _allocate(self, active: np.ndarray) -> np.ndarray:
        """(R, K) effective intensities: all active levers, scaled down to the budget.

        Without budget nothing acts, not even a lever configured to cost nothing.
        """
        requested = self.intensities * active
        costs = self.costs
        if self.adaptive.enabled and len(self.levers):
            share = self.budget_shares(active)
            affordable = np.divide(
                share * self.budget[:, None],
                costs,
                out=np.full_like(share, np.inf),
                where=costs > 0,
            )
            intensity = np.minimum(requested, affordable)
        else:
            demand = (requested * costs).sum(axis=1)
            scale = np.divide(self.budget, demand, out=np.ones_like(demand), where=demand > 0)
            intensity = requested * np.minimum(1.0, scale)[:, None]
        return np.where(self.budget[:, None] > 0, intensity, 0.0)

    def budget_shares(self, active: np.ndarray) -> np.ndarray:
        """Softmax of learnt lever values over the active levers (A1)."""
        scores = np.where(active, self.lever_values / lift(self.adaptive.temperature, 2), -np.inf)
        top = np.max(np.where(active, scores, 0.0), axis=1, keepdims=True)
        weights = np.where(active, np.exp(scores - top), 0.0)
        total = weights.sum(axis=1, keepdims=True)
        return np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)

    def _review(self) -> None:
        """A2: credit each lever with the fall in its target's alignment since the last review."""
        alignment = self.model.world.alignment
        drop = self._alignment_at_review - alignment
        for k, lever in enumerate(self.levers):
            observed = drop.mean(axis=1) if lever.target is None else drop[:, lever.target]
            rate = self.adaptive.learning_rate
            self.lever_values[:, k] = (1.0 - rate) * self.lever_values[:, k] + rate * observed
        self._alignment_at_review = alignment.copy()


def per_item(values: list[float | np.ndarray]) -> np.ndarray:
    """Values of several items (levers, states) as (K,), or (W, K) where worlds differ."""
    if all(np.ndim(value) == 0 for value in values):
        return np.array(values, dtype=float)
    return np.stack(np.broadcast_arrays(*values), axis=-1)
