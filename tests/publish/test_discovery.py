"""Scenario discovery finds a region planted in synthetic data, and nothing where there is none."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.common.goals import parse_goal
from sim.publish import discovery as sd

NAMES = ["model.deal_value", "model.rationality", "scenario.tie_scale.CHN_PRK", "x4", "x5", "x6"]


def planted(n: int = 400, noise: float = 0.05, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Cases where deal_value > 1.8 and CHN_PRK < 0.9 (ranges 0-3 and 0.25-2), with label noise."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(0, 1, (n, len(NAMES))), columns=NAMES)
    x["model.deal_value"] *= 3
    x["scenario.tie_scale.CHN_PRK"] = 0.25 + 1.75 * x["scenario.tie_scale.CHN_PRK"]
    inside = (x["model.deal_value"] > 1.8) & (x["scenario.tie_scale.CHN_PRK"] < 0.9)
    flip = rng.uniform(size=n) < noise
    return x, (inside.to_numpy() ^ flip)


@pytest.fixture(scope="module")
def box() -> tuple[pd.DataFrame, np.ndarray, sd.PrimResult]:
    x, y = planted()
    return x, y, sd.prim_box(x, y, threshold=0.8, max_dims=3)


def test_prim_recovers_the_planted_box(box) -> None:
    _, y, result = box
    limits = result.limits.set_index("parameter")
    assert set(limits.index) == {"model.deal_value", "scenario.tie_scale.CHN_PRK"}
    assert limits.loc["model.deal_value", "low"] == pytest.approx(1.8, abs=0.2)
    assert limits.loc["scenario.tie_scale.CHN_PRK", "high"] == pytest.approx(0.9, abs=0.15)
    assert result.density >= 0.8 and result.coverage >= 0.7
    assert result.base_rate < 0.3
    assert (limits[["qp_low", "qp_high"]].max(axis=1) < 1e-3).all()
    trajectory = result.trajectory
    assert trajectory["coverage"].iloc[0] == 1.0 and trajectory["density"].iloc[0] == pytest.approx(y.mean())


def test_prim_finds_no_dense_box_in_noise() -> None:
    x, _ = planted()
    y = np.random.default_rng(5).uniform(size=len(x)) < 0.25  # the knock-out: cases unrelated to x
    result = sd.prim_box(x, y, threshold=0.8, max_dims=3)
    assert result.density < 0.6
    sentence = sd.describe_box("moscow_deal", result, "splits the bloc", int(y.sum()), len(y))
    assert "weak" in sentence


def test_cart_and_feature_scores_agree_with_prim() -> None:
    x, y = planted()
    scores = sd.feature_scores(x, y)
    assert set(scores["parameter"].head(2)) == {"model.deal_value", "scenario.tie_scale.CHN_PRK"}
    leaf = sd.cart_leaf(x, y)
    assert set(leaf.parameters) >= {"model.deal_value", "scenario.tie_scale.CHN_PRK"}
    assert leaf.density >= 0.8
    assert "model.deal_value > 1.8" in leaf.rule or "model.deal_value > 1.7" in leaf.rule


def test_plain_language_summary_names_the_conditions(box) -> None:
    _, y, result = box
    sentence = sd.describe_box("pyongyang_deal", result, "splits the bloc", int(y.sum()), len(y))
    assert sentence.startswith("The Pyongyang deal splits the bloc when ")
    assert "deal value is above 1.8" in sentence or "deal value is above 1.7" in sentence
    assert "ties CHN→PRK (scale) is below" in sentence
    assert "weak" not in sentence
    assert sd.describe_box("moscow_deal", None, "splits the bloc", 0, 40).endswith("no region to find.")


def test_cases_are_lifts_over_the_reference() -> None:
    rows = []
    for draw, (p_wedge, p_ref) in enumerate([(1.0, 0.0), (1.0, 1.0), (0.5, 0.0), (0.0, 0.0)]):
        for strategy, p in (("pyongyang_deal", p_wedge), ("status_quo", p_ref)):
            for replicate in range(4):
                rows.append(
                    {"point": draw, "strategy": strategy, "replicate": replicate,
                     "intact": replicate >= 4 * p, "model.deal_value": draw / 3}
                )  # fmt: skip
    cases = sd.discovery_cases(
        pd.DataFrame(rows),
        "pyongyang_deal",
        "status_quo",
        parse_goal("s", "intact < 1"),
        0.5,
        ["model.deal_value"],
    )
    assert cases.y.tolist() == [True, False, True, False]  # draw 1 splits without the deal too
    assert cases.p_wedge.tolist() == [1.0, 1.0, 0.5, 0.0]
