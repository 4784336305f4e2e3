"""Mapping parameters (one entry per layer) that are one number or one number per world.

A behavioural constant may be a scalar (every world shares it) or an array over the
leading world axis (``sim.model.worlds.lift`` shapes those); a mapping of such constants
becomes one array with a key axis here, so both cases broadcast against state arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

# Below this many worlds NumPy's own broadcasting is the faster: the shortcuts here and in
# sim.model.short_axes take more calls, which cost more than the shorter loops save.
MANY_WORLDS = 512


def keyed(mapping: Mapping[str, float | np.ndarray], keys: Sequence[str], ndim: int) -> np.ndarray:
    """A mapping parameter (one entry per layer or lever) as an array whose key axis is the
    second of an ``ndim``-dimensional state array: (K, 1, ...) or, per world, (W, K, 1, ...)."""
    values = np.stack(np.broadcast_arrays(*(np.asarray(mapping[key], dtype=float) for key in keys)), axis=-1)
    trailing = ndim - 2  # the state axes after the key axis
    return np.reshape(values, values.shape + (1,) * trailing)


def times(full: np.ndarray, factor: np.ndarray | float, out: np.ndarray | None = None) -> np.ndarray:
    """``full * factor`` (``factor`` broadcast to ``full``'s shape) in a new array laid out
    like ``full``, or in ``out`` (an array of that layout no longer needed, ``full`` itself
    or ``factor`` included).

    The same numbers; but for a (R, L, n, n) array times a factor broadcast along some
    of its axes, NumPy's own choice of output and loop order is about five times slower
    than filling an array of ``full``'s layout.
    """
    return np.multiply(full, factor, out=np.empty_like(full) if out is None else out)


def along_rows(factor: np.ndarray, n: int) -> np.ndarray:
    """``factor[..., :, None]`` broadcast to rows of ``n``, as a contiguous array, (..., n, n).

    Multiplying a strided slice of (R, L, n, n) values by the broadcast view steps four
    numbers at a time; by the repeated array, sixteen: the same numbers at half the cost.
    """
    return np.repeat(factor, n, axis=-1).reshape(*factor.shape, n)


def along_columns(factor: np.ndarray, n: int) -> np.ndarray:
    """``factor[..., None, :]`` broadcast to ``n`` rows, as a contiguous array, (..., n, n)."""
    return np.tile(factor, n).reshape(*factor.shape[:-1], n, factor.shape[-1])


def outer(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """``rows[..., :, None] * columns[..., None, :]``, (..., n, n): the same numbers.

    NumPy multiplies the broadcast views four numbers at a time; the repeated and tiled
    arrays, sixteen, in a third of the time (in batches of ``MANY_WORLDS`` worlds or more).
    """
    if rows.shape[0] < MANY_WORLDS:
        return rows[..., :, None] * columns[..., None, :]
    n = rows.shape[-1]
    product = along_rows(rows, n)
    return np.multiply(product, along_columns(columns, n), out=product)


def along_layers(factor: np.ndarray, layers: int) -> np.ndarray:
    """``factor[:, None]`` broadcast to ``layers`` along a new second axis, as a contiguous array.

    For a (R, L, n) array the broadcast view steps n numbers at a time. For a (R, L, n, n)
    array the repeated factor pays only where a new array is made anyway: multiplying into
    the repeated factor costs two thirds of the broadcast product, but multiplying in place
    by the broadcast view costs less than writing the repeated factor.
    """
    return np.repeat(factor[:, None], layers, axis=1)
