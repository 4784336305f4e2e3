"""The agents: one class for bloc states, one for the United States.

Each agent is an ordinary Mesa agent whose attributes are NumPy arrays over R replicate
worlds, so one call advances R worlds. States decide from last month's world
(``model.previous``), so the order in which they act never matters, and the bloc
states' equations run for all states at once (``BlocState.decide`` and
``decide_ties``), state i's decision in column (or row) i.
Equations are numbered as in docs/ODD.md, section Submodels.
"""

from __future__ import annotations

import mesa
import numpy as np
from scipy.special import expit

from sim.model.adaptive import LeverLearner
from sim.model.broadcast import along_columns, along_layers, outer
from sim.model.incentives import Incentives
from sim.model.parameters import AdaptiveConfig, ModelParameters, USConfig
from sim.model.short_axes import matrix_vector, sum_last
from sim.model.strategies import REWARD_LEVERS, Lever, Policy
from sim.model.values import MILITARY, TRADE_LAYERS
from sim.model.world import World
from sim.model.worlds import lift


class BlocState(mesa.Agent):
    """A member of the bloc (CHN, RUS, IRN, PRK, or any state with a data row).

    Its attributes are views into the model's world arrays at column ``index``; its
    decisions are the class's equations for all states, column ``index``.
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

    @classmethod
    def decide(cls, model: mesa.Model) -> None:
        """S1, S7, S8, S9 and the own factor for every state at once; column i (row i of
        trust) is state i's decision, read from last month's world only.

        A state's own column of a (R, n) array is every n-th number of it; the same
        equations for all states together run in contiguous whole-array passes at a
        third of the cost and give the same numbers (as S10, below).
        """
        previous, policy, incentives, params = model.previous, model.policy, model.incentives, model.params
        world = model.world
        world.sanctions = cls._next_sanctions(previous, policy, incentives, params)
        world.threat = cls._next_threat(previous, incentives, params)
        world.alignment = cls._next_alignment(model, previous, incentives, params)
        world.trust = cls._next_trust(previous, params)
        world.own_factor = cls._next_own_factor(model, previous, policy, incentives, params)

    @staticmethod
    def _next_sanctions(
        previous: World, policy: Policy, incentives: Incentives, params: ModelParameters
    ) -> np.ndarray:
        """S1: exposure relaxes to its baseline plus the share of the gap US sanctions close,
        minus the relief of a deal as far as it is taken up, (R, n).

        Swing buyers outside the bloc (India, Turkey) absorb part of a sanctioned state's
        exports and so undercut the new sanctions.
        """
        base = previous.baseline_sanctions
        reach = np.minimum(1.0, policy.sanctions * incentives.alliance_effect[:, None])
        reach = reach * (1.0 - previous.swing_buyers)
        deal = incentives.bargains
        lifted = deal.relief * deal.takeup * base
        target = np.maximum(0.0, base + (1.0 - base) * reach - lifted)
        current = previous.sanctions
        return current + lift(params.sanctions_rate, 2) * (target - current)

    @staticmethod
    def _next_threat(previous: World, incentives: Incentives, params: ModelParameters) -> np.ndarray:
        """S7: threat relaxes to its start level plus pressure, contagion and alliances, minus
        the security assurance of a deal as far as it is taken up, (R, n)."""
        n = previous.alignment.shape[1]
        contagion = matrix_vector(incentives.graph, incentives.pressure) / (n - 1)
        deal = incentives.bargains
        start = previous.start_threat
        alliances = lift(params.threat_from_alliances, 1) * (previous.alliance - previous.start_alliance)
        target = (
            start
            + lift(params.threat_from_pressure, 2) * incentives.pressure
            + lift(params.threat_contagion, 2) * contagion
            + alliances[:, None]
            - deal.assurance * deal.takeup * start
        )
        current = previous.threat
        return current + lift(params.threat_rate, 2) * (np.clip(target, 0.0, 1.0) - current)

    @staticmethod
    def _next_alignment(
        model: mesa.Model, previous: World, incentives: Incentives, params: ModelParameters
    ) -> np.ndarray:
        """S8: bounded-rational choice: log-odds of staying move with the net incentive U_i
        (% GDP), (R, n)."""
        noise = lift(params.decision_noise, 2) * model.month_noise[model.month].T
        log_odds = model.start_log_odds + lift(params.rationality, 2) * incentives.net + noise
        current = previous.alignment
        return current + lift(params.alignment_rate, 2) * (expit(log_odds) - current)

    @staticmethod
    def _next_trust(previous: World, params: ModelParameters) -> np.ndarray:
        """S9: trust in a partner follows its baseline, lowered when the partner drifts away
        and, lastingly, when it has abandoned this state (an event records the abandonment), (R, n, n)."""
        drift = 1.0 - np.minimum(1.0, previous.alignment / previous.start_alignment)
        kept = 1.0 - lift(params.trust_sensitivity, 2) * drift  # the share of baseline trust j keeps
        target = previous.baseline_trust * along_columns(kept, kept.shape[-1])
        abandoned = lift(params.abandonment_persistence, 3) * previous.abandonment
        target = np.clip(target - abandoned, 0.0, 1.0)
        diagonal = np.arange(target.shape[-1])
        target[:, diagonal, diagonal] = 1.0
        current = previous.trust
        return current + lift(params.trust_rate, 3) * (target - current)

    @classmethod
    def decide_ties(cls, model: mesa.Model) -> None:
        """S10 for every state at once: each outgoing tie moves toward a target set by
        alignment, need and deals; row i of the (R, L, n, n) ties is state i's decision.

        A state's outgoing ties are rows of four numbers per world and layer, which NumPy
        handles slowly one row at a time; the same equation for all states together runs
        in whole-array passes and gives the same numbers. Like every decision it reads
        only last month's world, so it may follow the states' other decisions.
        """
        previous, policy, incentives, params = model.previous, model.policy, model.incentives, model.params
        a = previous.alignment
        closeness = outer(a, a)
        np.sqrt(np.divide(closeness, model.start_closeness, out=closeness), out=closeness)
        # the baseline, with the treaty layer at the legal commitment in force
        baseline = model.kept_references.ties(previous)
        target = along_layers(closeness, baseline.shape[1])  # this month's new ties array
        np.multiply(baseline, target, out=target)
        need = cls._trade_need(previous, policy, incentives, params)
        for layer in TRADE_LAYERS if need is not None else ():
            target[:, layer] *= need
        war = cls._war_demand(previous, incentives, params)
        if war is not None:
            target[:, MILITARY] += war
        keep = model.this_month("deal keep", lambda: cls._deal_keep(policy, incentives))
        for layer, states in model.us.cut_targets.items():  # elsewhere keep is 1
            cls._cut(target[:, layer], keep[:, layer], states)
        np.clip(target, 0.0, 1.0, out=target)
        diagonal = np.arange(a.shape[1])
        target[:, :, diagonal, diagonal] = 0.0
        target -= previous.ties  # in place: W + rate * (target - W), without temporaries
        target *= lift(params.tie_rate, 4)
        target += previous.ties
        model.world.ties = target  # a new array: nothing else holds this month's ties yet

    @staticmethod
    def _cut(ties: np.ndarray, keep: np.ndarray, states: tuple[int, ...]) -> None:
        """Scale one layer's targets (R, n, n) by zeta_i zeta_j, the deal cuts of both ends, in place.

        Only the states a deal may cut have zeta below 1 (exactly 1 elsewhere). Where that is
        a single state, its row and its column are scaled by its zeta instead of the whole
        layer by the outer product: the same numbers off the diagonal, which is zeroed after.
        """
        if len(states) == 1:
            (state,) = states
            factor = keep[:, state, None]
            ties[:, state, :] *= factor
            ties[:, :, state] *= factor
        else:
            ties *= outer(keep, keep)

    @staticmethod
    def _deal_keep(policy: Policy, incentives: Incentives) -> np.ndarray:
        """zeta: the share of each layer's ties a deal leaves its target as far as taken up, (R, L, n)."""
        return 1.0 - policy.deal_cut * along_layers(incentives.bargains.takeup, policy.deal_cut.shape[1])

    @classmethod
    def _next_own_factor(
        cls,
        model: mesa.Model,
        previous: World,
        policy: Policy,
        incentives: Incentives,
        params: ModelParameters,
    ) -> np.ndarray:
        """The factor each state's own drift and cuts put on its ties, followed at the tie rate, (R, L, n).

        It is the factor S10 puts on both directions of each tie for the state's own
        alignment and its own deal cuts; the value of staying divides it out (S2).
        """
        closeness = np.sqrt(previous.alignment / previous.start_alignment)
        keep = model.this_month("deal keep", lambda: cls._deal_keep(policy, incentives))
        current = previous.own_factor
        return current + lift(params.tie_rate, 3) * (along_layers(closeness, keep.shape[1]) * keep - current)

    @staticmethod
    def _trade_need(
        previous: World, policy: Policy, incentives: Incentives, params: ModelParameters
    ) -> np.ndarray | None:
        """Sanctions busting raises trade ties i->j; secondary sanctions make them costly, (R, n, n).

        A sanctioned state trades more with partners able to absorb the trade (capacity c).
        None when the factor is exactly 1 everywhere (no rise of sanctions, no secondary ones).
        """
        capacity = previous.capacity
        rise = np.maximum(0.0, previous.sanctions - previous.start_sanctions)
        if not rise.any() and not policy.secondary.any():
            return None
        busting = 1.0 + lift(params.sanctions_busting, 3) * (outer(rise, capacity) + outer(capacity, rise))
        if not policy.secondary.any():
            return busting  # no secondary sanctions anywhere: the factor below is exactly 1
        s, secondary = previous.sanctions, policy.secondary
        exposure = outer(secondary, s) + outer(s, secondary)
        cost = lift(params.secondary_bite, 3) * incentives.alliance_effect[:, None, None] * exposure
        return busting * (1.0 - np.minimum(1.0, cost))

    @staticmethod
    def _war_demand(previous: World, incentives: Incentives, params: ModelParameters) -> np.ndarray | None:
        """Military flows i->j to a state j at war grow with its need (net of a ceasefire taken
        up), i's arms and i's trust, (R, n, n); None when no state's war need has changed."""
        change = incentives.bargains.war - previous.start_war
        if not change.any():
            return None
        supply = previous.arms_supply
        return outer(supply, lift(params.war_demand, 2) * change) * previous.trust


class UnitedStates(mesa.Agent):
    """The wedge strategist: turns its levers into this month's policy within its budget.

    Coercion and alliance levers cost their price times their intensity. Reward levers
    (deals, ceasefires) cost their price times their intensity times the take-up of their
    target: the US pays for what is taken up. The budget is allocated before the states
    respond, pricing rewards at the most they can be taken up this month (how far their
    target has moved), so spending never exceeds the budget.
    """

    def __init__(
        self,
        model: mesa.Model,
        levers: tuple[Lever, ...],
        us: USConfig,
        adaptive: AdaptiveConfig,
        states: tuple[str, ...],
        jitter: np.ndarray | None = None,
    ) -> None:
        super().__init__(model)
        replicates = model.replicates
        self.levers = levers
        self.budget = np.broadcast_to(np.asarray(us.budget, dtype=float), (replicates,)).copy()
        self.credibility = per_item([us.deal_credibility.get(code, us.credibility) for code in states])
        self.cut_targets = cut_targets(levers)
        self.intensities = per_item([lever.intensity for lever in levers])
        self.costs = per_item([lever.cost for lever in levers])
        self.rewarded = np.array([lever.kind in REWARD_LEVERS for lever in levers], dtype=bool)
        self.targets = np.array([-1 if lever.target is None else lever.target for lever in levers], dtype=int)
        self.cumulative_cost = np.zeros(replicates)
        self.adaptive = adaptive
        self.intensity = np.zeros((replicates, len(levers)))
        self.learner = (
            LeverLearner(levers, self.costs, len(states), adaptive, jitter, model.world.alignment)
            if adaptive.enabled and jitter is not None
            else None
        )

    @property
    def lever_values(self) -> np.ndarray:
        """(R, Q): learnt fall of alignment per unit of budget of each lever (adaptive only)."""
        if self.learner is None:
            return np.zeros_like(self.intensity)
        return self.learner.values

    def step(self) -> None:
        """Decide this month's policy from last month's observations."""
        model = self.model
        month = model.month
        active = self._active(month)
        if self.learner is not None and month > 0 and month % self.adaptive.review_every == 0:
            self.learner.review(model.world.alignment)
        self.intensity = self._allocate(active)
        if self.learner is not None:
            self.learner.record(self.intensity)
        policy = Policy.zeros(model.replicates, len(model.states))
        for k, lever in enumerate(self.levers):
            policy.add(lever, self.intensity[:, k])
        policy.spent += sum_last(self.intensity * self.costs * ~self.rewarded)
        policy.clip()
        model.policy = policy

    def pay_rewards(self, takeup: np.ndarray) -> None:
        """Add the cost of this month's rewards as far as their targets took them up, and the
        month's whole spending to the running total."""
        policy = self.model.policy
        policy.spent += sum_last(self.intensity * self.costs * self._reward_factor(takeup))
        self.cumulative_cost += policy.spent

    def _reward_factor(self, takeup: np.ndarray) -> np.ndarray:
        """(R, Q): take-up of each reward lever's target; 0 for the other levers."""
        targeted = np.where(self.targets >= 0, self.targets, 0)
        return np.where(self.rewarded, takeup[:, targeted], 0.0)

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
        most = self._reward_factor(self.model.movement())
        costs = np.where(self.rewarded, self.costs * most, self.costs)
        if self.learner is not None and len(self.levers):
            share = self.learner.shares(active)
            affordable = np.divide(
                share * self.budget[:, None],
                costs,
                out=np.full_like(share, np.inf),
                where=costs > 0,
            )
            intensity = np.minimum(requested, affordable)
        else:
            demand = sum_last(requested * costs)
            scale = np.divide(self.budget, demand, out=np.ones_like(demand), where=demand > 0)
            intensity = requested * np.minimum(1.0, scale)[:, None]
        return np.where(self.budget[:, None] > 0, intensity, 0.0)


def cut_targets(levers: tuple[Lever, ...]) -> dict[int, tuple[int, ...]]:
    """For each layer some deal cuts, the states whose ties in it a deal may cut."""
    targets: dict[int, set[int]] = {}
    for lever in levers:
        if lever.kind == "deal":
            for layer in lever.cut_layers:
                targets.setdefault(layer, set()).add(lever.target)
    return {layer: tuple(sorted(states)) for layer, states in sorted(targets.items())}


def per_item(values: list[float | np.ndarray]) -> np.ndarray:
    """Values of several items (levers, states) as (K,), or (W, K) where worlds differ."""
    if all(np.ndim(value) == 0 for value in values):
        return np.array(values, dtype=float)
    return np.stack(np.broadcast_arrays(*values), axis=-1)
