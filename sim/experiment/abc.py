"""Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), a batch at a time.

Toni et al. (2009) with the adaptive tolerance of Del Moral et al. (2012) and the
perturbation kernel of Beaumont et al. (2009): generation 0 samples the prior; each later
generation sets its tolerance to a quantile of the previous distances, proposes particles
by perturbing the previous population with a Gaussian of twice its weighted covariance,
keeps those within the tolerance and weights them by prior over proposal density.
Candidates are simulated in batches (``simulate`` takes a whole batch of points), which is
what lets the model advance many parameter draws at once.

The sampler works on the unit cube, where every prior is uniform; it knows nothing of the
model. Its state after each generation is plain arrays and the generator's state, so a
run resumes from the last finished generation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import multivariate_normal

Simulator = Callable[
    [np.ndarray], tuple[np.ndarray, np.ndarray]
]  # z (M, d) -> distances (M,), summaries (M, K)


@dataclass
class SmcSettings:
    """How hard the sampler works; all counts are per generation."""

    population: int = 64
    generations: int = 4
    batch: int = 128
    max_batches: int = 8
    quantile: float = 0.5
    min_epsilon: float = 0.0
    min_acceptance: float = 0.0


@dataclass
class Generation:
    """One population: unit-cube points, normalised weights, distances and summaries."""

    index: int
    z: np.ndarray
    weights: np.ndarray
    distances: np.ndarray
    summaries: np.ndarray
    epsilon: float
    simulations: int
    accepted: int
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def acceptance(self) -> float:
        return self.accepted / max(self.simulations, 1)

    def effective_size(self) -> float:
        return float(1.0 / np.sum(self.weights**2))


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / np.sum(weights)
    return float(values[order][min(np.searchsorted(cumulative, q), len(values) - 1)])


def kernel_covariance(previous: Generation) -> np.ndarray:
    """Twice the weighted covariance of the previous population (Beaumont et al. 2009).

    With few particles per dimension the sample covariance is near singular and the
    importance weights collapse onto a handful of particles, so it is shrunk toward its
    diagonal by the share dimensions / effective population size (at most all the way).
    """
    covariance = np.atleast_2d(np.cov(previous.z, rowvar=False, aweights=previous.weights))
    shrink = min(1.0, previous.z.shape[1] / previous.effective_size())
    covariance = (1.0 - shrink) * covariance + shrink * np.diag(np.diag(covariance))
    return 2.0 * covariance + 1e-10 * np.eye(previous.z.shape[1])


def first_generation(
    simulate: Simulator, dim: int, settings: SmcSettings, rng: np.random.Generator
) -> Generation:
    """Generation 0: the prior, every particle kept (tolerance infinite)."""
    z = rng.uniform(size=(settings.population, dim))
    distances, summaries = simulate(z)
    weights = np.full(settings.population, 1.0 / settings.population)
    return Generation(
        0, z, weights, distances, summaries, float("inf"), settings.population, settings.population
    )


def _propose(
    previous: Generation, covariance: np.ndarray, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, int]:
    """``count`` perturbed particles inside the unit cube, and how many draws that took."""
    accepted: list[np.ndarray] = []
    drawn = 0
    while sum(len(block) for block in accepted) < count:
        parents = rng.choice(len(previous.z), size=count, p=previous.weights)
        moved = previous.z[parents] + rng.multivariate_normal(
            np.zeros(previous.z.shape[1]), covariance, size=count
        )
        drawn += count
        accepted.append(moved[((moved >= 0.0) & (moved <= 1.0)).all(axis=1)])
    return np.concatenate(accepted)[:count], drawn


def next_generation(
    previous: Generation, simulate: Simulator, settings: SmcSettings, rng: np.random.Generator
) -> Generation:
    """One SMC step: tolerance from the previous distances, batches until the population is full.

    If the batches allowed run out first, the tolerance is raised to the distance of the
    population-th best candidate of this generation, so the population stays full and the
    tolerance reported is the one actually used.
    """
    epsilon = weighted_quantile(previous.distances, previous.weights, settings.quantile)
    covariance = kernel_covariance(previous)
    candidates, distances, summaries = [], [], []
    simulations = 0
    for _ in range(settings.max_batches):
        z, _drawn = _propose(previous, covariance, settings.batch, rng)
        d, s = simulate(z)
        candidates.append(z)
        distances.append(d)
        summaries.append(s)
        simulations += len(z)
        if int(np.sum(np.concatenate(distances) <= epsilon)) >= settings.population:
            break
    z, d, s = np.concatenate(candidates), np.concatenate(distances), np.concatenate(summaries)
    keep = np.flatnonzero(d <= epsilon)
    if len(keep) < settings.population:
        keep = np.argsort(d, kind="stable")[: settings.population]
        epsilon = float(d[keep].max())
    keep = keep[np.argsort(d[keep], kind="stable")][: settings.population]
    weights = _weights(z[keep], previous, covariance)
    return Generation(previous.index + 1, z[keep], weights, d[keep], s[keep], epsilon, simulations, len(keep))


def _weights(z: np.ndarray, previous: Generation, covariance: np.ndarray) -> np.ndarray:
    """Prior over proposal density; the prior is uniform on the cube, so 1 over the mixture."""
    density = np.zeros(len(z))
    for parent, weight in zip(previous.z, previous.weights, strict=True):
        density += weight * multivariate_normal.pdf(z, mean=parent, cov=covariance, allow_singular=True)
    weights = 1.0 / np.maximum(density, 1e-300)
    return weights / weights.sum()


def should_stop(generation: Generation, settings: SmcSettings) -> bool:
    return (
        generation.index + 1 >= settings.generations
        or generation.epsilon <= settings.min_epsilon
        or (generation.index > 0 and generation.acceptance < settings.min_acceptance)
    )


def run_smc(
    simulate: Simulator,
    dim: int,
    settings: SmcSettings,
    rng: np.random.Generator,
    history: list[Generation] | None = None,
    on_generation: Callable[[Generation, np.random.Generator], None] | None = None,
) -> list[Generation]:
    """Run (or resume, given the finished ``history``) until a stopping rule holds."""
    history = list(history or [])
    if not history:
        history.append(first_generation(simulate, dim, settings, rng))
        if on_generation:
            on_generation(history[-1], rng)
    while not should_stop(history[-1], settings):
        history.append(next_generation(history[-1], simulate, settings, rng))
        if on_generation:
            on_generation(history[-1], rng)
    return history


def resample(generation: Generation, count: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``count`` equally weighted draws from a weighted population (systematic)."""
    positions = (rng.uniform() + np.arange(count)) / count
    cumulative = np.cumsum(generation.weights)
    cumulative[-1] = 1.0
    return np.searchsorted(cumulative, positions)
