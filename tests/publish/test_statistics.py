"""Statistics sanity: known shifts are detected, nulls are not, intervals cover the truth,
Kaplan-Meier matches the empirical survival function and respects censoring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.publish import statistics as st


def paired_summary(shift: float, n: int = 40, seed: int = 0) -> pd.DataFrame:
    """status_quo and one other strategy sharing a large common shock per replicate."""
    rng = np.random.default_rng(seed)
    shock = rng.normal(0, 0.2, n)  # common random numbers: much larger than the shift
    rows = []
    for strategy, delta in (("status_quo", 0.0), ("wedge", shift)):
        values = 0.6 + shock + delta + rng.normal(0, 0.02, n)
        rows += [
            {"strategy": strategy, "scenario": "s", "replicate": r, "cohesion": v}
            for r, v in enumerate(values)
        ]
    return pd.DataFrame(rows)


# ----------------------------------------------------------------- paired comparisons


def test_paired_test_detects_known_shift() -> None:
    result = st.paired_differences(paired_summary(-0.03), n_resamples=1999)
    row = result.iloc[0]
    assert row["strategy"] == "wedge" and row["n_pairs"] == 40
    assert row["p_value"] < 1e-4
    assert row["diff_lower"] < -0.03 < row["diff_upper"]
    assert row["diff_upper"] < 0
    assert row["cohens_dz"] < -0.8 and row["rank_biserial"] < -0.8


def test_paired_test_is_quiet_under_the_null() -> None:
    rejections = [
        st.paired_differences(paired_summary(0.0, seed=s), n_resamples=199).iloc[0]["p_value"] < 0.05
        for s in range(60)
    ]
    assert np.mean(rejections) <= 0.15


def test_unpaired_comparison_would_miss_the_shift() -> None:
    """Why pairing matters: the common shock swamps the shift in an unpaired test."""
    data = paired_summary(-0.03)
    a = data.loc[data["strategy"] == "wedge", "cohesion"]
    b = data.loc[data["strategy"] == "status_quo", "cohesion"]
    assert stats.mannwhitneyu(a, b).pvalue > 0.05
    assert st.paired_differences(data, n_resamples=199).iloc[0]["p_value"] < 1e-4


def test_all_zero_differences_are_handled() -> None:
    data = paired_summary(0.0)
    data.loc[data["strategy"] == "wedge", "cohesion"] = data.loc[
        data["strategy"] == "status_quo", "cohesion"
    ].to_numpy()
    row = st.paired_differences(data).iloc[0]
    assert row["p_value"] == 1.0
    assert row["mean_diff"] == row["diff_lower"] == row["diff_upper"] == 0.0
    assert row["cohens_dz"] == 0.0 and row["rank_biserial"] == 0.0


def test_effect_sizes_match_their_definitions() -> None:
    d = np.array([1.0, 2.0, -0.5, 3.0, 0.0])
    assert st.cohens_dz(d) == pytest.approx(d.mean() / d.std(ddof=1))
    # zero dropped; ranks of |1, 2, -0.5, 3| = 2, 3, 1, 4 -> (9 - 1) / 10
    assert st.rank_biserial(d) == pytest.approx(0.8)
    assert st.cohens_dz([0.1, 0.1, 0.1]) == np.inf
    assert np.isnan(st.cohens_dz([1.0]))
    assert st.wilcoxon_pvalue(d) == pytest.approx(stats.wilcoxon(d[d != 0]).pvalue)


def test_pairing_uses_replicate_and_design_columns_not_row_order(design_summary) -> None:
    shuffled = design_summary.sample(frac=1.0, random_state=3).reset_index(drop=True)
    a = st.paired_differences(design_summary, n_resamples=199)
    b = st.paired_differences(shuffled, n_resamples=199)
    pd.testing.assert_frame_equal(a, b)
    assert (a["n_pairs"] == 4 * 15).all()
    # direct computation on the design keys
    keys = ["scenario", "us.credibility", "us.alliance", "replicate"]
    ref = design_summary[design_summary["strategy"] == "status_quo"].set_index(keys)["cohesion"]
    wedge = design_summary[design_summary["strategy"] == "pyongyang_deal"].set_index(keys)
    expected = (wedge["cohesion"] - ref.loc[wedge.index]).mean()
    got = a.set_index("strategy").loc["pyongyang_deal", "mean_diff"]
    assert got == pytest.approx(expected)


def test_pairing_rejects_ambiguous_rows(summary) -> None:
    with pytest.raises(ValueError, match="not unique"):
        st.paired_differences(pd.concat([summary, summary.iloc[:1]]))
    with pytest.raises(ValueError, match="reference"):
        st.paired_differences(summary, reference="nothing")


def test_holm_adjustment() -> None:
    np.testing.assert_allclose(st.holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    assert np.isnan(st.holm([np.nan, 0.5])[0])


# ----------------------------------------------------------------- intervals cover the truth


def test_bootstrap_mean_interval_covers_truth() -> None:
    rng = np.random.default_rng(10)
    hits = []
    for _ in range(200):
        x = rng.beta(6, 3, size=40)  # skewed, bounded like cohesion; mean 2/3
        _, lo, hi = st.bootstrap_interval(x, n_resamples=999, seed=1)
        hits.append(lo <= 6 / 9 <= hi)
    assert 0.88 <= np.mean(hits) <= 0.99


def test_bootstrap_median_and_degenerate_samples() -> None:
    est, lo, hi = st.bootstrap_interval(np.arange(101.0), "median", n_resamples=999)
    assert est == 50 and lo < 50 < hi
    assert st.bootstrap_interval([0.4, 0.4, 0.4]) == (0.4, 0.4, 0.4)
    assert all(np.isnan(st.bootstrap_interval([np.nan])))
    # reproducible given the seed
    x = np.random.default_rng(0).normal(size=30)
    assert st.bootstrap_interval(x, seed=5) == st.bootstrap_interval(x, seed=5)


def test_bootstrap_summary_columns(summary) -> None:
    table = st.bootstrap_summary(summary, n_resamples=499)
    assert list(table.columns) == [
        "scenario", "strategy", "n", "mean", "mean_lower", "mean_upper",
        "median", "median_lower", "median_upper",
    ]  # fmt: skip
    direct = summary.groupby("strategy")["cohesion"].agg(["mean", "median"])
    np.testing.assert_allclose(table.set_index("strategy")[["mean", "median"]], direct.loc[table["strategy"]])
    assert (table["mean_lower"] <= table["mean"]).all() and (table["mean"] <= table["mean_upper"]).all()


def test_paired_interval_covers_true_shift() -> None:
    hits = [
        (lambda r: r["diff_lower"] <= -0.03 <= r["diff_upper"])(
            st.paired_differences(paired_summary(-0.03, seed=s), n_resamples=499).iloc[0]
        )
        for s in range(100)
    ]
    assert 0.87 <= np.mean(hits) <= 1.0


@pytest.mark.parametrize("method", ["wilson", "exact"])
def test_intact_interval_covers_truth(method: str) -> None:
    rng = np.random.default_rng(4)
    hits = []
    for _ in range(1000):
        k = int(rng.binomial(50, 0.9))
        _, lo, hi = st.proportion_interval(k, 50, method=method)
        hits.append(lo <= 0.9 <= hi)
    assert 0.92 <= np.mean(hits) <= 0.995


def test_intact_probability_table(summary) -> None:
    table = st.intact_probability(summary).set_index("strategy")
    direct = summary.groupby("strategy")["intact"].agg(["sum", "size", "mean"])
    np.testing.assert_allclose(table["p_intact"], direct.loc[table.index, "mean"])
    for name, row in table.iterrows():
        ci = stats.binomtest(int(direct.loc[name, "sum"]), int(direct.loc[name, "size"]))
        ci = ci.proportion_ci(method="wilson")
        assert (row["p_lower"], row["p_upper"]) == pytest.approx((ci.low, ci.high))


# ----------------------------------------------------------------- survival


def km_frame(times, events, group: str = "a") -> pd.DataFrame:
    return pd.DataFrame({"scenario": "s", "strategy": group, "time_to_defection": times, "defected": events})


def test_km_equals_one_minus_ecdf_without_censoring() -> None:
    times = np.random.default_rng(0).exponential(20, 200)
    km = st.kaplan_meier(km_frame(times, True))
    assert km["time"].iloc[0] == 0 and km["survival"].iloc[0] == 1
    expected = np.array([(times > t).mean() for t in km["time"]])
    np.testing.assert_allclose(km["survival"], expected)
    assert (km["lower"] <= km["survival"] + 1e-12).all()
    assert (km["survival"] <= km["upper"] + 1e-12).all()
    assert km[["lower", "upper"]].stack().between(0, 1).all()


def test_km_handles_censoring() -> None:
    km = st.kaplan_meier(km_frame([1, 2, 3, 4, 5], [True, False, True, True, False]))
    curve = dict(zip(km["time"], km["survival"], strict=True))
    # 5 at risk: 4/5; censored at 2; 3 at risk: x 2/3; 2 at risk: x 1/2; censored at 5
    assert curve[1] == pytest.approx(0.8)
    assert curve[3] == pytest.approx(0.8 * 2 / 3)
    assert curve[4] == pytest.approx(0.8 * 2 / 3 / 2)
    assert curve[5] == pytest.approx(curve[4])
    naive = 1 - np.mean(np.array([1, 2, 3, 4, 5]) <= 4)  # treats censoring as defection
    assert curve[4] > naive


def test_km_all_censored_and_median() -> None:
    data = pd.concat([km_frame([48.0] * 10, False, "never"), km_frame(np.arange(1.0, 11.0), True, "all")])
    km = st.kaplan_meier(data)
    never = km[km["strategy"] == "never"]
    assert (never["survival"] == 1).all() and never["time"].max() == 48
    median = st.median_survival(km).set_index("strategy")["median_time"]
    assert np.isnan(median["never"])
    assert median["all"] == 5.0


def test_km_interval_covers_truth() -> None:
    rng = np.random.default_rng(7)
    t0, rate, horizon = 12.0, 1 / 30, 48.0
    truth = np.exp(-rate * t0)
    hits = []
    for _ in range(200):
        t = rng.exponential(1 / rate, 80)
        censor = rng.uniform(6, horizon, 80)  # random drop-out plus the horizon
        observed = np.minimum(t, censor)
        km = st.kaplan_meier(km_frame(observed, t <= censor))
        at = km[km["time"] <= t0].iloc[-1]
        hits.append(at["lower"] <= truth <= at["upper"])
    assert 0.88 <= np.mean(hits) <= 0.99


# ----------------------------------------------------------------- time series and ranking


def test_timeseries_band(timeseries) -> None:
    band = st.timeseries_band(timeseries)
    assert list(band.columns) == [
        "scenario", "strategy", "step", "date", "n", "mean", "lower", "upper",
    ]  # fmt: skip
    direct = timeseries.groupby(["strategy", "step"])["cohesion"].mean()
    got = band.set_index(["strategy", "step"])["mean"]
    np.testing.assert_allclose(got, direct.loc[got.index])
    assert (band["lower"] <= band["mean"] + 1e-12).all()
    assert (band["mean"] <= band["upper"] + 1e-12).all()
    spread = st.timeseries_band(timeseries, band="percentile")
    assert (spread["upper"] - spread["lower"]).mean() > (band["upper"] - band["lower"]).mean()
    with pytest.raises(ValueError, match="band"):
        st.timeseries_band(timeseries, band="sd")


def test_strategy_ranking_orders_best_wedge_first(summary) -> None:
    ranking = st.strategy_ranking(summary, n_resamples=499)
    assert ranking["strategy"].tolist()[:2] == ["pyongyang_deal", "moscow_deal"]
    assert ranking["rank"].tolist() == [1, 2, 3, 4]
    assert ranking["mean"].is_monotonic_increasing
    ref = ranking.set_index("strategy").loc["status_quo"]
    assert np.isnan(ref["mean_diff"]) and np.isnan(ref["p_value"])
    deal = ranking.set_index("strategy").loc["pyongyang_deal"]
    assert deal["diff_upper"] < 0 and deal["p_holm"] < 0.001
    for column in ("p_intact", "median_time_to_defection", "mean_us_cost", "cohens_dz"):
        assert column in ranking.columns


def test_strategy_ranking_per_scenario(two_scenario_summary) -> None:
    ranking = st.strategy_ranking(two_scenario_summary, n_resamples=199)
    assert len(ranking) == 8
    assert ranking.groupby("scenario")["rank"].apply(list).tolist() == [[1, 2, 3, 4]] * 2
