"""Reductions over the short axes of world arrays (states, layers, levers), the same numbers as NumPy's.

A world array is long only along its world axis; its other axes hold a handful of
states, layers or levers. NumPy reduces over such an axis a few numbers at a time, at
two to ten times the cost of whole-array passes over its slices. The reductions here
take those passes and give NumPy's numbers: NumPy adds a row of fewer than eight numbers
left to right, and a reduction over a leading axis one slice after another, as they do.
Longer axes are summed pairwise by NumPy: they are left to it.
"""

from __future__ import annotations

import numpy as np

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
