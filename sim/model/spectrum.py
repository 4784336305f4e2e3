"""The algebraic connectivity of a four-state bloc in whole-array passes over worlds.

LAPACK's ``eigvalsh`` pays a fixed cost per 4 x 4 matrix, which at ten thousand worlds
a month was a seventh of a run. For four states the Laplacian's zero eigenvector (all
ones) is known, so its other three eigenvalues are those of a 3 x 3 symmetric matrix
(:func:`deflated_laplacian`), whose eigenvalues have a closed (trigonometric) form. That
form loses about half the digits of the smallest eigenvalue where it nearly coincides
with the middle one; those worlds alone are finished by Jacobi rotations, accurate to
rounding there too. Which path a world takes depends only on its own matrix, so a
world's value does not depend on the worlds computed beside it.
"""

from __future__ import annotations

import numpy as np

# Worlds whose two smallest deflated eigenvalues are this close in angle (phi below;
# 0 when they coincide) take the Jacobi path: above it the closed form's error stays
# within a few units in the last place of the eigenvalues' spread.
CLOSE_ANGLE = 0.1
JACOBI_SWEEPS = 5  # cyclic sweeps of a 3 x 3 matrix: 4 reach rounding in tests, one more for margin


def bloc_connectivity(graph: np.ndarray) -> np.ndarray:
    """lambda_2 of the Laplacian of four-node graphs (R, 4, 4), symmetric with zero diagonal, (R,)."""
    deflated = deflated_laplacian(graph)
    smallest, angle = closed_form_smallest(deflated)
    close = np.flatnonzero(angle < CLOSE_ANGLE)
    if close.size:
        smallest[close] = np.min(jacobi_eigenvalues(deflated[close]), axis=-1)
    return smallest


def deflated_laplacian(graph: np.ndarray) -> np.ndarray:
    """H^T L H for the Laplacian L of a four-node graph, (R, 3, 3).

    H's columns are (1, 1, -1, -1)/2, (1, -1, 1, -1)/2 and (1, -1, -1, 1)/2: orthonormal
    and orthogonal to the all-ones vector, so H^T L H has L's three other eigenvalues.
    Since h^T L h' = sum_{i<j} A_ij (h_i - h_j)(h'_i - h'_j), every entry is a signed sum
    of the six edge weights.
    """
    a, b, c = graph[:, 0, 1], graph[:, 0, 2], graph[:, 0, 3]
    d, e, f = graph[:, 1, 2], graph[:, 1, 3], graph[:, 2, 3]
    deflated = np.empty((graph.shape[0], 3, 3))
    deflated[:, 0, 0] = b + c + d + e
    deflated[:, 1, 1] = a + c + d + f
    deflated[:, 2, 2] = a + b + e + f
    deflated[:, 0, 1] = deflated[:, 1, 0] = c - d
    deflated[:, 0, 2] = deflated[:, 2, 0] = b - e
    deflated[:, 1, 2] = deflated[:, 2, 1] = a - f
    return deflated


def closed_form_smallest(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smallest eigenvalue of symmetric 3 x 3 matrices and the angle phi, both (R,).

    The eigenvalues are q + 2 p cos(phi + 2 pi k / 3), k = 0, 1, 2, with q the mean of the
    diagonal, p the spread and cos(3 phi) = det((M - q I) / p) / 2 (Smith 1961); the
    smallest is k = 1. phi = 0 where the two smallest coincide (and where all three do).
    """
    a, b, c = matrix[:, 0, 0], matrix[:, 1, 1], matrix[:, 2, 2]
    d, e, f = matrix[:, 0, 1], matrix[:, 0, 2], matrix[:, 1, 2]
    q = (a + b + c) / 3.0
    a, b, c = a - q, b - q, c - q
    p = np.sqrt((a * a + b * b + c * c + 2.0 * (d * d + e * e + f * f)) / 6.0)
    determinant = a * (b * c - f * f) - d * (d * c - f * e) + e * (d * f - b * e)
    spread = 2.0 * p * p * p
    ratio = np.divide(determinant, spread, out=np.ones_like(p), where=spread > 0)
    angle = np.arccos(np.clip(ratio, -1.0, 1.0)) / 3.0
    return q + 2.0 * p * np.cos(angle + 2.0 * np.pi / 3.0), angle


def jacobi_eigenvalues(matrix: np.ndarray) -> np.ndarray:
    """Eigenvalues of symmetric 3 x 3 matrices, (R, 3) unsorted, by cyclic Jacobi rotations.

    Each rotation zeroes one off-diagonal entry (Golub and Van Loan, Algorithm 8.5.2); a
    fixed number of sweeps treats every world alike. Accurate to rounding for repeated or
    close eigenvalues too.
    """
    m = {(i, j): matrix[:, i, j].copy() for i in range(3) for j in range(i, 3)}
    for _ in range(JACOBI_SWEEPS):
        for p, q, r in ((0, 1, 2), (0, 2, 1), (1, 2, 0)):
            _rotate(m, p, q, r)
    return np.stack([m[0, 0], m[1, 1], m[2, 2]], axis=-1)


def _rotate(m: dict[tuple[int, int], np.ndarray], p: int, q: int, r: int) -> None:
    """One Jacobi rotation in the (p, q) plane of every world's matrix (upper triangle in ``m``).

    t = tan of the rotation angle, the smaller root of t^2 + 2 theta t - 1 = 0 with
    theta = (m_qq - m_pp) / (2 m_pq), written without dividing by m_pq (0 where m_pq is).
    """
    off, diff = m[p, q], m[q, q] - m[p, p]
    denominator = np.abs(diff) + np.hypot(diff, 2.0 * off)
    t = np.divide(np.copysign(2.0, diff) * off, denominator, out=np.zeros_like(off), where=denominator > 0)
    cos = 1.0 / np.sqrt(t * t + 1.0)
    sin = t * cos
    m[p, p] = m[p, p] - t * off
    m[q, q] = m[q, q] + t * off
    m[p, q] = np.zeros_like(off)
    rp, rq = m[min(r, p), max(r, p)], m[min(r, q), max(r, q)]
    m[min(r, p), max(r, p)] = cos * rp - sin * rq
    m[min(r, q), max(r, q)] = sin * rp + cos * rq
