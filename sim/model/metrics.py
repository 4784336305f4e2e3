"""Cohesion metrics of R worlds at once; formulas in docs/ODD.md (section Observation).

``cohesion`` (the weighted density of the aggregated tie graph) is the primary metric.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from sim.common.vocabulary import LAYERS
from sim.model.parameters import ModelParameters
from sim.model.world import World
from sim.model.worlds import lift


def layer_weights(model: ModelParameters) -> np.ndarray:
    """phi_l in layer order: (L,), or (W, L) when worlds weigh layers differently."""
    weights = [model.layer_weights[layer] for layer in LAYERS]
    if all(np.ndim(weight) == 0 for weight in weights):
        return np.array(weights)
    return np.stack(np.broadcast_arrays(*weights), axis=-1)


def _weighted_layers(phi: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """sum_l phi_l S_l[i, j], (R, n, n), with common or per-world layer weights."""
    return np.einsum("l,rlij->rij" if phi.ndim == 1 else "rl,rlij->rij", phi, strength)


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


def aggregate_graph(strength: np.ndarray, model: ModelParameters) -> np.ndarray:
    """A[i, j] = sum_l phi_l S_l[i, j] / sum_l phi_l: the undirected tie graph, (R, n, n)."""
    phi = layer_weights(model)
    return _weighted_layers(phi / phi.sum(axis=-1, keepdims=True), strength)


@dataclass(frozen=True)
class Relations:
    """What the equations read from one snapshot of the ties, computed once per snapshot.

    The symmetric strengths, the tie graph and partner values enter several equations
    of a month; computing them once per snapshot instead of once per use gives the same
    numbers at a fraction of the cost.
    """

    strength: np.ndarray  # S, (R, L, n, n)
    graph: np.ndarray  # A, (R, n, n)
    partner_value: np.ndarray  # P, (R, n, n)

    @classmethod
    def of(cls, world: World, model: ModelParameters) -> Relations:
        strength = symmetric_strength(world.ties)
        return cls(strength, aggregate_graph(strength, model), partner_value(world, model, strength))


def layer_density(ties: np.ndarray) -> np.ndarray:
    """Mean directed tie weight over ordered pairs i != j, per layer: (R, L)."""
    n = ties.shape[-1]
    return ties.sum(axis=(-1, -2)) / (n * (n - 1))


def algebraic_connectivity(graph: np.ndarray) -> np.ndarray:
    """Second-smallest eigenvalue of the Laplacian D - A; zero when the bloc splits."""
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


def partner_value(world: World, model: ModelParameters, strength: np.ndarray | None = None) -> np.ndarray:
    """P[i, j] = sum_l phi_l(i) S_l[i, j]: what partner j is worth to i, (R, n, n).

    Energy ties weigh more for states whose budget or supply rides on bloc oil.
    """
    strength = symmetric_strength(world.ties) if strength is None else strength
    phi = layer_weights(model)
    energy = LAYERS.index("energy")
    value = _weighted_layers(phi, strength)
    oil_bonus = (
        lift(model.oil_amplifier, 3) * world.oil[:, :, None] * lift(phi[..., energy], 3) * strength[:, energy]
    )
    return value + oil_bonus


def bloc_value(world: World, model: ModelParameters, relations: Relations | None = None) -> np.ndarray:
    """sum_j trust_ij P_ij (1 + kappa_s s_i c_j): what the partners are worth to each state, (R, n).

    Sanctions raise a partner's worth in proportion to what it can absorb (its capacity
    c_j): a sanctioned state needs buyers and suppliers that can replace the West.
    """
    scarcity = (
        1.0 + lift(model.sanctions_dependence, 3) * world.sanctions[:, :, None] * world.capacity[:, None, :]
    )
    weights = world.trust * _off_diagonal(world) * scarcity
    relations = relations or Relations.of(world, model)
    return np.einsum("rij,rij->ri", weights, relations.partner_value)


def dependence(world: World, model: ModelParameters, relations: Relations | None = None) -> np.ndarray:
    """Share of a state's valued relations that lie inside the bloc, (R, n).

    Sanctions shrink outside options (1 - s_i), so a sanctioned state depends more on
    partners even before its ties change.
    """
    inside = bloc_value(world, model, relations)
    outside = lift(model.outside_options, 2) * (1.0 - world.sanctions)
    return inside / (inside + outside)


def _off_diagonal(world: World) -> np.ndarray:
    n = world.trust.shape[-1]
    return 1.0 - np.eye(n)


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
        "intact": (aligned.all(axis=1) & (connectivity > model.connectivity_floor)).astype(float),
        "energy": energy,
        "frustration": frustration,
    }
    return out


def measure_states(
    world: World, model: ModelParameters, relations: Relations | None = None
) -> dict[str, np.ndarray]:
    """Per-state metrics of the current month, each (R, n)."""
    return {
        "alignment": world.alignment,
        "dependence": dependence(world, model, relations),
        "threat": world.threat,
        "sanctions": world.sanctions,
    }
