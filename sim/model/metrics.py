"""Outcome metrics of R worlds at once; formulas in docs/ODD.md (section Observation).

The headline outcomes are political: members aligned (the primary metric), whether the
bloc is intact, mean alignment and, in the run summary, months to the first defection.
Tie densities per layer and their weighted mean (``cohesion``) are reported beside them:
a lever that cuts trade volume lowers density without moving anyone's alignment.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.common.vocabulary import LAYERS
from sim.model.parameters import ModelParameters
from sim.model.spectrum import bloc_connectivity
from sim.model.values import dependence, partner_total, symmetric_strength, tie_values, weighted_values
from sim.model.world import World
from sim.model.worlds import lift

if TYPE_CHECKING:
    from sim.model.incentives import Incentives


def layer_weights(model: ModelParameters) -> np.ndarray:
    """phi_l in layer order: (L,), or (W, L) when worlds weigh layers differently."""
    weights = [model.layer_weights[layer] for layer in LAYERS]
    if all(np.ndim(weight) == 0 for weight in weights):
        return np.array(weights)
    return np.stack(np.broadcast_arrays(*weights), axis=-1)


def _weighted_layers(phi: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """sum_l phi_l S_l[i, j], (R, n, n), with common or per-world layer weights."""
    return np.einsum("l,rlij->rij" if phi.ndim == 1 else "rl,rlij->rij", phi, strength)


def aggregate_graph(strength: np.ndarray, model: ModelParameters) -> np.ndarray:
    """A[i, j] = sum_l phi_l S_l[i, j] / sum_l phi_l: the undirected tie graph, (R, n, n)."""
    phi = layer_weights(model)
    return _weighted_layers(phi / phi.sum(axis=-1, keepdims=True), strength)


@dataclass(frozen=True)
class Relations:
    """What the equations read from one snapshot of the ties, computed once per snapshot.

    The symmetric strengths and the tie graph enter several equations of a month;
    computing them once per snapshot instead of once per use gives the same numbers at a
    fraction of the cost.
    """

    strength: np.ndarray  # S, (R, L, n, n)
    graph: np.ndarray  # A, (R, n, n)

    @classmethod
    def of(cls, world: World, model: ModelParameters) -> Relations:
        strength = symmetric_strength(world.ties)
        return cls(strength, aggregate_graph(strength, model))


def layer_density(ties: np.ndarray) -> np.ndarray:
    """Mean directed tie weight over ordered pairs i != j, per layer: (R, L)."""
    n = ties.shape[-1]
    return ties.sum(axis=(-1, -2)) / (n * (n - 1))


def algebraic_connectivity(graph: np.ndarray) -> np.ndarray:
    """Second-smallest eigenvalue of the Laplacian D - A; zero when the bloc splits.

    For four states, whole-array arithmetic over worlds instead of a LAPACK call per
    world (:mod:`sim.model.spectrum`; equal to ``eigvalsh`` to about 1e-15, docs/ODD.md
    4.11). Other sizes use ``eigvalsh``.
    """
    if graph.shape[-1] == 4:
        return bloc_connectivity(graph)
    laplacian = -graph.copy()
    n = graph.shape[-1]
    diagonal = np.arange(n)
    laplacian[:, diagonal, diagonal] = 0.0
    laplacian[:, diagonal, diagonal] = -laplacian.sum(axis=-1)
    return np.linalg.eigvalsh(laplacian)[:, 1]


def _partitions(n: int) -> np.ndarray:
    """All two-coalition splits of n members (member 0 fixed on side 0): (P, n, n) distances."""
    labels = np.array([(0, *rest) for rest in itertools.product((0, 1), repeat=n - 1)])
    return (labels[:, :, None] != labels[:, None, :]).astype(float)


def alignment_energy(
    graph: np.ndarray, aligned: np.ndarray, model: ModelParameters
) -> tuple[np.ndarray, np.ndarray]:
    """Axelrod-Bennett energy of the current split and its distance to the minimum.

    E = sum_{i != j} p_ij d_ij / (n (n - 1)) (the mean over pairs), with propensity
    p_ij = A_ij - p0 and d_ij = 1 when i and j sit on different sides (aligned or not).
    Frustration E - min_partition E >= 0 is zero when the observed configuration is the most stable one.
    """
    n = graph.shape[-1]
    pairs = n * (n - 1)
    propensity = graph - lift(model.affinity_threshold, 3)
    diagonal = np.arange(n)
    propensity[:, diagonal, diagonal] = 0.0
    current = (aligned[:, :, None] != aligned[:, None, :]).astype(float)
    energy = np.einsum("rij,rij->r", propensity, current) / pairs
    lowest = np.einsum("rij,pij->rp", propensity, _partitions(n)).min(axis=1) / pairs
    return energy, energy - lowest


def measure(
    world: World, model: ModelParameters, relations: Relations | None = None
) -> dict[str, np.ndarray]:
    """All bloc-level metrics of the current month, each (R,) (``relations``: of this world, if known)."""
    graph = (relations or Relations.of(world, model)).graph
    density = layer_density(world.ties)
    phi = layer_weights(model)
    aligned = world.alignment >= lift(model.aligned_threshold, 2)
    connectivity = algebraic_connectivity(graph)
    energy, frustration = alignment_energy(graph, aligned, model)
    out = {
        "cohesion": (density * (phi / phi.sum(axis=-1, keepdims=True))).sum(axis=1),
        **{f"density_{layer}": density[:, index] for index, layer in enumerate(LAYERS)},
        "connectivity": connectivity,
        "aligned": aligned.sum(axis=1).astype(float),
        "mean_alignment": world.alignment.mean(axis=1),
        "intact": (aligned.all(axis=1) & (connectivity > model.connectivity_floor)).astype(float),
        "energy": energy,
        "frustration": frustration,
    }
    return out


def measure_states(
    world: World,
    model: ModelParameters,
    relations: Relations | None = None,
    incentives: Incentives | None = None,
    rents: np.ndarray | None = None,
    scratch: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Per-state metrics of the current month, each (R, n).

    ``net_pull``, ``compensation`` and ``takeup`` are the terms of the defection condition
    that acted in the month just ended (0 at month 0); ``rents``, the world's rent rates
    if already known; ``scratch``, an array shaped like the ties to work in.
    """
    strength = (relations or Relations.of(world, model)).strength
    values = tie_values(world, strength, model, rents, out=scratch)
    weighted = weighted_values(world, values, model, out=values)
    partners = partner_total(weighted)  # the partner part of S2
    zeros = np.zeros_like(world.alignment)
    return {
        "alignment": world.alignment,
        "dependence": dependence(world, partners, model),
        "threat": world.threat,
        "sanctions": world.sanctions,
        "net_pull": zeros if incentives is None else incentives.bargains.net_pull,
        "compensation": zeros if incentives is None else incentives.binding.received,
        "takeup": zeros if incentives is None else incentives.bargains.takeup,
    }
