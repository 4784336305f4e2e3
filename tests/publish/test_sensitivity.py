"""Sensitivity analysis against known answers (Ishigami) and input validation."""

from __future__ import annotations

import numpy as np
import pytest

from sim.experiment import sensitivity_design as design
from sim.publish import sensitivity as se

ISHIGAMI_S1 = (0.314, 0.442, 0.0)
ISHIGAMI_ST = (0.558, 0.442, 0.244)


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami & Homma (1990) test function on [-pi, pi]^3 (x4, if present, is inert)."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


@pytest.fixture
def problem() -> dict:
    return design.sobol_problem(["x1", "x2", "x3"], [(-np.pi, np.pi)] * 3)


def test_sobol_recovers_ishigami_indices(problem: dict) -> None:
    x = design.sobol_sample(problem, 2**13, seed=1)
    assert x.shape == (design.sobol_sample_size(problem, 2**13), 3)
    indices = se.sobol_indices(problem, ishigami(x), seed=1)
    assert list(indices.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert list(indices["parameter"]) == ["x1", "x2", "x3"]
    np.testing.assert_allclose(indices["S1"], ISHIGAMI_S1, atol=0.05)
    np.testing.assert_allclose(indices["ST"], ISHIGAMI_ST, atol=0.05)
    assert (indices["S1_conf"] > 0).all() and (indices["ST_conf"] > 0).all()


def test_sobol_second_order_design_round_trips(problem: dict) -> None:
    x = design.sobol_sample(problem, 2**10, seed=2, calc_second_order=True)
    assert x.shape == (2**10 * 8, 3)
    indices = se.sobol_indices(problem, ishigami(x), seed=2, calc_second_order=True)
    np.testing.assert_allclose(indices["ST"], ISHIGAMI_ST, atol=0.1)
    with pytest.raises(ValueError, match="multiple of"):
        se.sobol_indices(problem, ishigami(x)[:-1], seed=2, calc_second_order=True)


def test_sample_frame_names_columns(problem: dict) -> None:
    frame = design.sample_frame(problem, design.sobol_sample(problem, 8, seed=0))
    assert list(frame.columns) == ["x1", "x2", "x3"]
    assert frame.to_numpy().min() >= -np.pi and frame.to_numpy().max() <= np.pi


def test_morris_ranks_ishigami_x1_first_and_dummy_last() -> None:
    # With 4 levels x1 and x2 tie analytically (mu* 7.70 vs 7.875), so use a finer grid.
    problem = design.sobol_problem(["x1", "x2", "x3", "dummy"], [(-np.pi, np.pi)] * 4)
    for seed in (0, 1, 2):
        x = design.morris_sample(problem, 100, seed=seed, num_levels=8)
        indices = se.morris_indices(problem, x, ishigami(x), seed=seed, num_levels=8)
        assert list(indices.columns) == ["parameter", "mu", "mu_star", "mu_star_conf", "sigma"]
        ranked = indices.sort_values("mu_star", ascending=False)["parameter"].tolist()
        assert ranked[0] == "x1"
        assert ranked[-1] == "dummy"
        assert indices.set_index("parameter").loc["dummy", "mu_star"] == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize("n", [0, 1, 3, 1000, 2.0, True])
def test_sobol_sample_rejects_non_power_of_two(problem: dict, n: object) -> None:
    with pytest.raises(ValueError, match="power of two"):
        design.sobol_sample(problem, n, seed=0)  # type: ignore[arg-type]


def test_problem_and_outputs_are_validated(problem: dict) -> None:
    with pytest.raises(ValueError, match="names but"):
        design.sobol_problem(["a", "b"], [(0, 1)])
    with pytest.raises(ValueError, match="low < high"):
        design.sobol_problem(["a"], [(1, 0)])
    with pytest.raises(ValueError, match="unique"):
        design.sobol_problem(["a", "a"], [(0, 1), (0, 1)])
    x = design.morris_sample(problem, 4, seed=0)
    y = ishigami(x)
    with pytest.raises(ValueError, match="expected"):
        se.morris_indices(problem, x, y[:-1], seed=0)
    y[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        se.morris_indices(problem, x, y, seed=0)
    with pytest.raises(ValueError, match="even"):
        design.morris_sample(problem, 4, seed=0, num_levels=5)
