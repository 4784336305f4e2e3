"""Faster paths of the month's arithmetic against the direct computation they replace: the
four-state bloc's connectivity without a LAPACK call per world, and sums over partners."""

import numpy as np
import pytest

from sim.model.metrics import algebraic_connectivity
from sim.model.spectrum import deflated_laplacian
from sim.model.values import partner_total, sum_last, sum_second

WORLDS = 2_000


def laplacian_eigenvalues(graph: np.ndarray) -> np.ndarray:
    """All eigenvalues of D - A by LAPACK, ascending, (R, n)."""
    laplacian = -graph.copy()
    diagonal = np.arange(graph.shape[-1])
    laplacian[:, diagonal, diagonal] = 0.0
    laplacian[:, diagonal, diagonal] = -laplacian.sum(axis=-1)
    return np.linalg.eigvalsh(laplacian)


def undirected(weights: np.ndarray) -> np.ndarray:
    graph = (weights + weights.transpose(0, 2, 1)) / 2
    graph[:, np.arange(4), np.arange(4)] = 0.0
    return graph


def graphs(kind: str) -> np.ndarray:
    rng = np.random.default_rng(7)
    weights = rng.random((WORLDS, 4, 4))
    if kind == "two blocs":  # disconnected: lambda_2 = 0
        weights *= np.array([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]])
    elif kind == "complete, equal weights":  # lambda_2 = lambda_3 = lambda_4
        weights = np.ones_like(weights) * rng.random((WORLDS, 1, 1))
    elif kind == "star":  # a repeated eigenvalue, perturbed
        weights = np.array([[0, 1, 1, 1], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]]) + 1e-9 * weights
    return undirected(weights)


@pytest.mark.parametrize("kind", ["random", "two blocs", "complete, equal weights", "star"])
def test_connectivity_equals_the_second_laplacian_eigenvalue_to_rounding(kind):
    graph = graphs(kind)
    expected = laplacian_eigenvalues(graph)[:, 1]
    np.testing.assert_allclose(algebraic_connectivity(graph), expected, rtol=0, atol=1e-13)


def test_the_deflated_matrix_keeps_the_three_other_eigenvalues():
    graph = graphs("random")
    deflated = np.linalg.eigvalsh(deflated_laplacian(graph))
    np.testing.assert_allclose(deflated, laplacian_eigenvalues(graph)[:, 1:], rtol=0, atol=1e-13)


def test_a_worlds_connectivity_does_not_depend_on_the_worlds_beside_it():
    # star graphs take the rotations, most random ones the closed form: a batch mixes both
    mixed = np.concatenate([graphs("star")[:25], graphs("random")[:25]])
    graph = mixed[np.random.default_rng(1).permutation(50)]
    alone = np.concatenate([algebraic_connectivity(graph[w : w + 1]) for w in range(50)])
    np.testing.assert_array_equal(alone, algebraic_connectivity(graph)[:50])
    np.testing.assert_array_equal(algebraic_connectivity(graph[::-1])[::-1], algebraic_connectivity(graph))


@pytest.mark.parametrize("partners", [1, 2, 4, 7, 9])
def test_partner_totals_are_numpys_sums_bit_for_bit(partners):
    rng = np.random.default_rng(partners)
    shape = (300, 5, partners, partners)
    # magnitudes over sixteen orders and both signs: any other order of addition shows
    values = rng.random(shape) * 10.0 ** rng.integers(-8, 8, shape) * rng.choice([-1.0, 1.0], shape)
    np.testing.assert_array_equal(partner_total(values), values.sum(axis=(1, 3)))
    np.testing.assert_array_equal(sum_last(values), values.sum(axis=3))
    np.testing.assert_array_equal(sum_second(values), values.sum(axis=1))
