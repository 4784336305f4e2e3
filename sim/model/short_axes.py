"""Sums and contractions over the short axes of world arrays (states, layers, levers), as NumPy gives them.

A world array is long only along its world axis; its other axes hold a handful of
states, layers or levers. NumPy reduces over such an axis a few numbers at a time, at
two to ten times the cost of whole-array passes over its slices. The reductions here
take those passes and give NumPy's numbers: NumPy adds a row of fewer than eight numbers
left to right, and a reduction over a leading axis one slice after another, as they do.
Longer axes are summed pairwise by NumPy: they are left to it. The contractions
(``matrix_vector``, ``layer_dot``) skip the exact zeros of einsum's sums.
"""

from __future__ import annotations

import numpy as np

from sim.model.broadcast import MANY_WORLDS

SHORT = 8  # rows of this many numbers or more NumPy sums pairwise


def sum_last(values: np.ndarray) -> np.ndarray:
    """``values.sum(axis=-1)``: over the last axis (partners, levers), the same numbers."""
    n = values.shape[-1]
    if n == 1:
        return values[..., 0].copy()
    if n >= SHORT or n < 2:
        return values.sum(axis=-1)
    total = values[..., 0] + values[..., 1]
    for j in range(2, n):
        total += values[..., j]
    return total


def sum_second(values: np.ndarray) -> np.ndarray:
    """``values.sum(axis=1)``: over the second axis of (R, L, ...) (layers, patrons), the same numbers."""
    count = values.shape[1]
    if count >= SHORT or count < 2:
        return values.sum(axis=1)
    total = values[:, 0] + values[:, 1]
    for k in range(2, count):
        total += values[:, k]
    return total


def count_nonzero_last(values: np.ndarray) -> np.ndarray:
    """``np.count_nonzero(values, axis=-1)``, as small integers (fewer than 128 along the axis)."""
    return sum_last((values != 0).view(np.int8))


def nonzero_positions(values: np.ndarray, axis: int) -> list[int]:
    """The positions along a short ``axis`` where ``values`` holds a number other than zero."""
    leading = (slice(None),) * axis
    return [k for k in range(values.shape[axis]) if values[(*leading, k)].any()]


def matrix_vector(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """``np.einsum("rij,rj->ri", matrix, vector)`` for a finite ``matrix``, bit for bit.

    The vectors contracted in a month (a war's need, a deal's take-up, pressure) are often
    zero but in one state. Then each sum holds one product and exact zeros: that product
    alone, from +0 as einsum starts, is the same number, at a third of the cost. A strided
    ``matrix`` (one layer of a world array) needs no contiguous copy for it.
    """
    if len(vector) < MANY_WORLDS:
        return np.einsum("rij,rj->ri", matrix, vector)
    columns = nonzero_positions(vector, 1)
    if len(columns) > 1:
        return np.einsum("rij,rj->ri", np.ascontiguousarray(matrix), vector)
    if not columns:
        return np.zeros(matrix.shape[:-1])
    (column,) = columns
    return _from_zero(matrix[:, :, column] * vector[:, column, None])


def layer_dot(first: np.ndarray, second: np.ndarray, layers: tuple[int, ...]) -> np.ndarray:
    """``np.einsum("rli,rli->ri", first, second)`` for a finite ``second`` and a ``first``
    that is zero outside ``layers``, bit for bit.

    A deal usually cuts one layer: ``first`` (the deal's cuts) is then zero in all other
    layers, and the sum is that layer's product, as in :func:`matrix_vector`.
    """
    if len(layers) > 1 or len(first) < MANY_WORLDS:
        return np.einsum("rli,rli->ri", first, second)
    if not layers:
        return np.zeros(first.shape[:1] + first.shape[2:])
    (layer,) = layers
    return _from_zero(first[:, layer] * second[:, layer])


def _from_zero(product: np.ndarray) -> np.ndarray:
    """``0.0 + product``, in place: einsum's sums start at +0, so a product of -0 comes out +0."""
    product += 0.0
    return product
