"""The model's shortcuts (broadcasts, small-axis reductions, deal cuts) give the plain numbers, bit for bit.

Each shortcut exists for speed alone; any difference in a last bit would break the
invariance of a world's run across batches, so each is compared exactly, on values over
sixteen orders of magnitude and both signs, where any other order of operations shows.
"""

import numpy as np
import pytest

from sim.model.agents import BlocState
from sim.model.broadcast import MANY_WORLDS, along_columns, along_layers, along_rows, outer
from sim.model.short_axes import count_nonzero_last, layer_dot, matrix_vector, sum_last, sum_second

MANY = MANY_WORLDS + 88  # enough worlds for the shortcuts to be taken


def spread(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.random(shape) * 10.0 ** rng.integers(-8, 8, shape) * rng.choice([-1.0, 1.0], shape)


@pytest.mark.parametrize("n", [1, 3, 4, 7, 9])
def test_sums_over_short_axes_are_numpys(n):
    values = spread(np.random.default_rng(n), (200, n, n))
    np.testing.assert_array_equal(sum_last(values), values.sum(axis=-1))
    np.testing.assert_array_equal(sum_second(values), values.sum(axis=1))


@pytest.mark.parametrize("n", [1, 4, 9])
def test_nonzero_counts_are_numpys(n):
    rng = np.random.default_rng(n)
    values = spread(rng, (200, 5, n)) * (rng.random((200, 5, n)) < 0.4)
    counts = count_nonzero_last(values)
    np.testing.assert_array_equal(counts, np.count_nonzero(values, axis=-1))
    assert counts.min() == 0 and (n == 1 or counts.max() > 1)  # none and several both occur


@pytest.mark.parametrize("n", [2, 4, 6])
@pytest.mark.parametrize("worlds", [3, MANY])
def test_repeated_factors_are_numpys_broadcasts(n, worlds):
    rng = np.random.default_rng(n)
    rows, columns, square = spread(rng, (worlds, n)), spread(rng, (worlds, n)), (worlds, n, n)
    np.testing.assert_array_equal(along_rows(rows, n), np.broadcast_to(rows[:, :, None], square))
    np.testing.assert_array_equal(along_columns(columns, n), np.broadcast_to(columns[:, None, :], square))
    np.testing.assert_array_equal(outer(rows, columns), rows[:, :, None] * columns[:, None, :])
    np.testing.assert_array_equal(along_layers(rows, 5), np.broadcast_to(rows[:, None], (worlds, 5, n)))


@pytest.mark.parametrize("states", [(3,), (1, 3)])
def test_deal_cuts_of_one_state_scale_its_row_and_column_as_the_outer_product_does(states):
    rng = np.random.default_rng(len(states))
    ties = rng.random((300, 4, 4))
    keep = np.ones((300, 4))
    keep[:, list(states)] = rng.random((300, len(states)))
    cut = ties.copy()
    BlocState._cut(cut, keep, states)
    expected = ties * (keep[:, :, None] * keep[:, None, :])
    off_diagonal = ~np.eye(4, dtype=bool)  # zeroed after the cut
    np.testing.assert_array_equal(cut[:, off_diagonal], expected[:, off_diagonal])
    shrunk = (cut[:, off_diagonal] < ties[:, off_diagonal]).sum()
    assert shrunk >= 300 * 2 * 3  # every tie of a cut state, both ways, shrank


def with_signed_zeros(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    values = spread(rng, shape)
    values[rng.random(shape) < 0.2] = 0.0
    values[rng.random(shape) < 0.1] = -0.0  # einsum's sums turn a product of -0 into +0
    return values


@pytest.mark.parametrize("columns", [(), (2,), (0, 3)])
@pytest.mark.parametrize("worlds", [3, MANY])
def test_matrix_vector_products_are_einsums_bit_for_bit(columns, worlds):
    rng = np.random.default_rng(len(columns))
    matrix = with_signed_zeros(rng, (worlds, 5, 4, 4))[:, 4]  # a strided layer, as the treaty layer is
    vector = np.zeros((worlds, 4))
    vector[:, list(columns)] = with_signed_zeros(rng, (worlds, len(columns)))
    expected = np.einsum("rij,rj->ri", np.ascontiguousarray(matrix), vector)
    np.testing.assert_array_equal(matrix_vector(matrix, vector).view(np.int64), expected.view(np.int64))


@pytest.mark.parametrize("layers", [(), (1,), (1, 2)])
@pytest.mark.parametrize("worlds", [3, MANY])
def test_layer_dots_are_einsums_bit_for_bit(layers, worlds):
    rng = np.random.default_rng(len(layers))
    cuts = np.zeros((worlds, 5, 4))
    cuts[:, list(layers)] = with_signed_zeros(rng, (worlds, len(layers), 4))
    values = with_signed_zeros(rng, (worlds, 5, 4))
    expected = np.einsum("rli,rli->ri", cuts, values)
    np.testing.assert_array_equal(layer_dot(cuts, values, layers).view(np.int64), expected.view(np.int64))
