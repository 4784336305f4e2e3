"""The adaptive US (A1, A2): learns each lever's own effect and moves its budget toward the best.

Crediting every lever with its target's whole fall of alignment gives two levers on the
same target (tariffs and secondary sanctions on China) the same value forever. Here the
US estimates each lever's own effect by least squares: at each review it regresses the
fall of every member's alignment over the period on the intensities its levers had over
the period (a lever enters the equation of its target; ``alliances`` enters every
member's), with older reviews forgotten at the learning rate. Budget shares are a
softmax of the estimated effect per unit of cost, with a temperature relative to the best
lever's value (so weak effects are not mistaken for equal ones), multiplied by
log-normal jitter drawn from each replicate's own stream: the exploration that makes
levers on one target separable. This is a linear bandit with per-lever credit assignment.
"""

from __future__ import annotations

import numpy as np

from sim.model.parameters import AdaptiveConfig
from sim.model.strategies import Lever
from sim.model.worlds import lift

RIDGE = 1e-4  # keeps the least-squares system solvable before every lever has varied


class LeverLearner:
    """Per-replicate effect estimates of each lever, updated at reviews (A2), and budget shares (A1)."""

    def __init__(
        self,
        levers: tuple[Lever, ...],
        costs: np.ndarray,
        n_states: int,
        config: AdaptiveConfig,
        jitter: np.ndarray,
        alignment: np.ndarray,
    ) -> None:
        replicates, q = alignment.shape[0], len(levers)
        self.config = config
        self.costs = costs  # (Q,), or (W, Q) where worlds price levers differently
        self.design = np.zeros((n_states, q))  # which member's equation each lever enters
        for k, lever in enumerate(levers):
            if lever.target is None:
                self.design[:, k] = 1.0
            else:
                self.design[lever.target, k] = 1.0
        self.jitter = jitter  # (R, reviews, Q) standard normals
        self.gram = np.zeros((replicates, q, q))
        self.moment = np.zeros((replicates, q))
        self.effects = np.zeros((replicates, q))
        self.exposure = np.zeros((replicates, q))
        self.months = 0
        self.reviews = 0
        self.alignment = alignment.copy()

    @property
    def values(self) -> np.ndarray:
        """Estimated fall of alignment per unit of budget, per lever, (R, Q)."""
        return self.effects / np.maximum(self.costs, 1e-9)

    def record(self, intensity: np.ndarray) -> None:
        """Add this month's effective intensities (R, Q) to the period's exposure."""
        self.exposure += intensity
        self.months += 1

    def review(self, alignment: np.ndarray) -> None:
        """A2: update the least-squares estimates with the period just ended."""
        if self.months == 0:
            return
        rate = self.config.learning_rate
        regressors = self.design[None, :, :] * (self.exposure / self.months)[:, None, :]  # (R, n, Q)
        fall = self.alignment - alignment  # (R, n)
        self.gram = (1.0 - lift(rate, 3)) * self.gram + np.einsum("rkq,rkp->rqp", regressors, regressors)
        self.moment = (1.0 - lift(rate, 2)) * self.moment + np.einsum("rkq,rk->rq", regressors, fall)
        q = self.gram.shape[-1]
        system = self.gram + RIDGE * np.eye(q)
        self.effects = np.linalg.solve(system, self.moment[..., None])[..., 0]
        self.alignment = alignment.copy()
        self.exposure[:] = 0.0
        self.months = 0
        self.reviews += 1

    def shares(self, active: np.ndarray) -> np.ndarray:
        """A1: budget shares over the active levers, (R, Q)."""
        values = np.where(active, self.values, 0.0)
        scale = np.max(np.abs(values), axis=1, keepdims=True)
        relative = np.divide(values, scale, out=np.zeros_like(values), where=scale > 0)
        scores = relative / lift(self.config.temperature, 2)
        row = min(self.reviews, self.jitter.shape[1] - 1)
        scores = scores + lift(self.config.exploration, 2) * self.jitter[:, row, :]
        scores = np.where(active, scores, -np.inf)
        top = np.max(np.where(active, scores, 0.0), axis=1, keepdims=True)
        weights = np.where(active, np.exp(scores - top), 0.0)
        total = weights.sum(axis=1, keepdims=True)
        return np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
