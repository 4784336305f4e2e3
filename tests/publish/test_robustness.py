"""Regret, share best, satisficing and effect per cost against numbers worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.common.errors import ConfigError
from sim.common.goals import parse_goal
from sim.publish import robustness as rb
from sim.publish.tables import to_markdown
from tests.publish.test_tables import assert_shown, parse_markdown

# Members aligned at the horizon in two replicate worlds per (draw, strategy): lower is better.
# Per-draw means:      draw 0   draw 1   draw 2
#   status_quo          4.0      3.0      4.0
#   deal                1.0      2.0      3.0
#   squeeze             2.0      1.0      3.0
ALIGNED = {
    "status_quo": [(4, 4), (3, 3), (4, 4)],
    "deal": [(0, 2), (2, 2), (3, 3)],
    "squeeze": [(2, 2), (1, 1), (2, 4)],
}
COST = {"status_quo": 0.0, "deal": 10.0, "squeeze": 20.0}


def hand_table(draw_column: str = "point") -> pd.DataFrame:
    rows = []
    for strategy, draws in ALIGNED.items():
        for draw, values in enumerate(draws):
            for replicate, aligned in enumerate(values):
                rows.append(
                    {
                        draw_column: draw,
                        "strategy": strategy,
                        "replicate": replicate,
                        "aligned": aligned,
                        "intact": aligned == 4,
                        "defected": aligned < 4,
                        "time_to_defection": 6.0 * (draw + 1) if aligned < 4 else 48.0,
                        "us_cost": COST[strategy],
                        "model.rationality": 1.0 + draw,
                    }
                )
    return pd.DataFrame(rows)


GOAL = parse_goal("robustness.goal", "time_to_defection <= 12")


def test_regret_and_share_best_match_hand_computation() -> None:
    ranking = rb.robust_ranking(hand_table(), "aligned", GOAL, reference="status_quo", resamples=200)
    row = ranking.set_index("strategy")
    # regret per draw: status_quo (3, 2, 1), deal (0, 1, 0), squeeze (1, 0, 0)
    assert row.loc["status_quo", "mean_regret"] == pytest.approx(2.0)
    assert row.loc["deal", "mean_regret"] == pytest.approx(1 / 3)
    assert row.loc["squeeze", "mean_regret"] == pytest.approx(1 / 3)
    assert row.loc["status_quo", "quantile_regret"] == pytest.approx(np.quantile([3, 2, 1], 0.9))
    # best: draw 0 deal, draw 1 squeeze, draw 2 deal and squeeze tied (half each)
    assert row.loc["deal", "share_best"] == pytest.approx(0.5)
    assert row.loc["squeeze", "share_best"] == pytest.approx(0.5)
    assert row.loc["status_quo", "share_best"] == 0.0
    assert ranking["share_best"].sum() == pytest.approx(1.0)
    assert list(ranking["strategy"])[-1] == "status_quo"
    # spread across draws: 5th and 95th percentile of per-draw means
    assert row.loc["deal", "spread_lower"] == pytest.approx(np.quantile([1, 2, 3], 0.05))
    assert row.loc["deal", "spread_upper"] == pytest.approx(np.quantile([1, 2, 3], 0.95))


def test_satisficing_and_effect_per_cost() -> None:
    ranking = rb.robust_ranking(hand_table(), "aligned", GOAL, reference="status_quo", resamples=200)
    row = ranking.set_index("strategy")
    # goal met (a defection by month 12) only in draws 0 and 1 (months 6 and 12), not 2 (month 18)
    assert row.loc["deal", "p_goal"] == pytest.approx(4 / 6)
    assert row.loc["squeeze", "p_goal"] == pytest.approx(4 / 6)
    assert row.loc["status_quo", "p_goal"] == pytest.approx(2 / 6)
    assert row.loc["status_quo", "share_satisficing"] == pytest.approx(1 / 3)
    # effect per unit cost: (mean status quo - mean strategy) / mean cost
    assert row.loc["deal", "effect_per_cost"] == pytest.approx((11 / 3 - 2) / 10)
    assert row.loc["squeeze", "effect_per_cost"] == pytest.approx((11 / 3 - 2) / 20)
    assert np.isnan(row.loc["status_quo", "effect_per_cost"])


def test_intervals_cover_the_estimates_and_reflect_draws() -> None:
    ranking = rb.robust_ranking(hand_table(), "aligned", GOAL, reference="status_quo", resamples=500)
    for name in ("mean_regret", "share_best", "p_goal"):
        assert (ranking[f"{name}_lower"] <= ranking[name] + 1e-12).all()
        assert (ranking[name] <= ranking[f"{name}_upper"] + 1e-12).all()
    deal = ranking.set_index("strategy").loc["deal"]
    assert deal["share_best_upper"] - deal["share_best_lower"] > 0.3  # three draws cannot pin it down


def test_higher_is_better_outcomes_flip_regret() -> None:
    table = hand_table().assign(defected=lambda f: f["aligned"] < 3)
    ranking = rb.robust_ranking(table, "defected", GOAL, reference="status_quo", resamples=100)
    # P(defected) per draw: status_quo (0, 0, 0), deal (1, 1, 0), squeeze (1, 1, .5)
    row = ranking.set_index("strategy")
    assert row.loc["squeeze", "mean_regret"] == pytest.approx(0.0)
    assert row.loc["deal", "mean_regret"] == pytest.approx(0.5 / 3)
    assert row.loc["status_quo", "mean_regret"] == pytest.approx((1 + 1 + 0.5) / 3)
    assert ranking.iloc[0]["strategy"] == "squeeze"


def test_draw_column_from_an_ensemble_works_unchanged() -> None:
    by_point = rb.robust_ranking(hand_table("point"), "aligned", GOAL, reference="status_quo", resamples=50)
    by_draw = rb.robust_ranking(hand_table("draw"), "aligned", GOAL, reference="status_quo", resamples=50)
    pd.testing.assert_frame_equal(by_point, by_draw)


def test_unpaired_tables_are_refused() -> None:
    table = hand_table()
    missing = table.drop(table.index[(table["strategy"] == "deal") & (table["point"] == 1)])
    with pytest.raises(rb.EnsembleError, match="same point"):
        rb.robust_ranking(missing, "aligned", GOAL)
    with pytest.raises(rb.EnsembleError, match="duplicate"):
        rb.robust_ranking(pd.concat([table, table.head(1)]), "aligned", GOAL)
    with pytest.raises(rb.EnsembleError, match="no draw column"):
        rb.robust_ranking(table.drop(columns="point"), "aligned", GOAL)


def test_plausible_draws_follow_the_reference() -> None:
    criterion = parse_goal("robustness.plausible", "intact >= 1")
    assert list(rb.plausible_draws(hand_table(), "status_quo", criterion, 0.5)) == [0, 2]
    assert list(rb.plausible_draws(hand_table(), "status_quo", criterion, 0.0)) == [0, 1, 2]


def test_goals_are_parsed_and_refused() -> None:
    goal = parse_goal("g", "time_to_defection <= 48")
    met = goal.met(np.array([10.0, 48.0, 48.0]), np.array([True, True, False]))
    assert met.tolist() == [True, True, False]  # censored runs never count as early defections
    with pytest.raises(ConfigError, match="unknown outcome"):
        parse_goal("robustness.goal", "cohesiveness < 0.2")
    with pytest.raises(ConfigError, match="cannot read goal"):
        parse_goal("robustness.goal", "aligned is small")


def test_robust_table_shows_intervals_not_p_values() -> None:
    ranking = rb.robust_ranking(hand_table(), "aligned", GOAL, reference="status_quo", resamples=200)
    shown = parse_markdown(to_markdown(rb.robust_table(ranking, "aligned", GOAL)))
    headers = " ".join(shown.columns)
    assert "p (Holm)" not in headers and "d_z" not in headers
    assert "P(a member defects by month 12)" in headers
    deal = shown.set_index("Strategy").loc["deal"]
    value = ranking.set_index("strategy").loc["deal"]
    assert_shown(
        deal["Mean regret [95% CI]"],
        value["mean_regret"],
        value["mean_regret_lower"],
        value["mean_regret_upper"],
    )
    assert deal["Share of draws best [95% CI]"].startswith("0.50")
