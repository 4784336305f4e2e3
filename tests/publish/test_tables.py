"""Numbers in the Markdown/LaTeX tables equal statistics computed directly from the data."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.publish import statistics as st
from sim.publish import tables as tb

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def parse_markdown(text: str) -> pd.DataFrame:
    """Read a pipe table back into strings (header row, alignment row, body)."""
    lines = [line.strip() for line in text.strip().splitlines()]
    cells = [[c.strip() for c in line.strip("|").split(" | ")] for line in lines]
    assert all(re.fullmatch(r"\|(:?-+:?\|)+", line) for line in lines[1:2])
    return pd.DataFrame(cells[2:], columns=cells[0])


def numbers(cell: str) -> list[tuple[float, float]]:
    """Each number in a cell with its rounding tolerance (half a unit in the last place)."""
    found = []
    for token in NUMBER.findall(cell):
        decimals = len(token.split(".")[1]) if "." in token else 0
        found.append((float(token), 0.5 * 10.0**-decimals + 1e-12))
    return found


def assert_shown(cell: str, *expected: float) -> None:
    got = numbers(cell)
    assert len(got) == len(expected), (cell, expected)
    for (value, tol), want in zip(got, expected, strict=True):
        assert abs(value - want) <= tol, (cell, expected)


@pytest.fixture(scope="module")
def ranking(summary) -> pd.DataFrame:
    return st.strategy_ranking(summary, n_resamples=999, seed=3)


def test_ranking_markdown_numbers_match_direct_statistics(summary, ranking) -> None:
    table = parse_markdown(tb.to_markdown(tb.ranking_table(ranking))).set_index("Strategy")
    assert list(table.index) == [s.replace("_", " ") for s in ranking["strategy"]]
    ref = summary[summary["strategy"] == "status_quo"].set_index("replicate")
    for strategy, rows in summary.groupby("strategy"):
        shown = table.loc[strategy.replace("_", " ")]
        mean_ci = st.bootstrap_interval(rows["cohesion"].to_numpy(), n_resamples=999, seed=3)
        assert rows["cohesion"].mean() == pytest.approx(mean_ci[0])
        assert_shown(shown["Cohesion [95% CI]"], *mean_ci)
        k, n = int(rows["intact"].sum()), len(rows)
        ci = stats.binomtest(k, n).proportion_ci(method="wilson")
        assert_shown(shown["P(intact at the horizon) [95% CI]"], k / n, ci.low, ci.high)
        k, n = int(rows["defected"].sum()), len(rows)
        ci = stats.binomtest(k, n).proportion_ci(method="wilson")
        assert_shown(shown["P(any defection by the horizon) [95% CI]"], k / n, ci.low, ci.high)
        assert_shown(shown["US cost (budget units)"], rows["us_cost"].mean())
        if strategy == "status_quo":
            assert shown["Δ vs status quo [95% CI]"] == "ref."
            continue
        diff = rows.set_index("replicate")["cohesion"] - ref["cohesion"]
        diff_ci = st.bootstrap_interval(diff.sort_index().to_numpy(), n_resamples=999, seed=3)
        assert diff_ci[0] == pytest.approx(diff.mean())
        assert_shown(shown["Δ vs status quo [95% CI]"], *diff_ci)
        cost = rows["us_cost"].mean()
        if cost > 0:
            assert_shown(shown["Δ per unit of US cost"], diff_ci[0] / cost)
    # simulation outputs carry Monte Carlo intervals, not significance tests (issue 14)
    assert not {"p (Holm)", "d_z", "r_rb"} & set(table.columns)
    assert "across draws" not in " ".join(table.columns)  # one point: no parameter spread


def test_ranking_reports_spread_across_design_points(design_summary) -> None:
    ranking = st.strategy_ranking(
        design_summary, n_resamples=199, seed=3, design=["us.credibility", "us.alliance"]
    )
    table = parse_markdown(tb.to_markdown(tb.ranking_table(ranking))).set_index("Strategy")
    for strategy, rows in design_summary.groupby("strategy"):
        means = rows.groupby(["us.credibility", "us.alliance"])["cohesion"].mean()
        cell = table.loc[strategy.replace("_", " "), "Cohesion across draws (5–95%)"]
        assert_shown(cell, means.quantile(0.05), means.quantile(0.95))


def test_ranking_median_time_matches_kaplan_meier(summary, ranking) -> None:
    table = parse_markdown(tb.to_markdown(tb.ranking_table(ranking))).set_index("Strategy")
    for strategy, rows in summary.groupby("strategy"):
        sf = stats.ecdf(
            stats.CensoredData(
                uncensored=rows.loc[rows["defected"], "time_to_defection"],
                right=rows.loc[~rows["defected"], "time_to_defection"],
            )
        ).sf
        below = sf.quantiles[sf.probabilities <= 0.5]
        cell = table.loc[strategy.replace("_", " "), "Median months to first defection"]
        if below.size:
            assert_shown(cell, below.min())
        else:
            assert cell == tb.NOT_REACHED


def test_latex_is_booktabs_and_matches_markdown(ranking) -> None:
    table = tb.ranking_table(ranking)
    tex = tb.to_latex(table, caption="Strategies ranked by wedge effect.", label="tab:rank")
    for command in (r"\toprule", r"\midrule", r"\bottomrule", r"\begin{tabular}{rlrrrrrrr}"):
        assert command in tex
    assert r"\label{tab:rank}" in tex and r"\caption{" in tex
    body = tex.split(r"\midrule")[1].split(r"\bottomrule")[0].strip().splitlines()
    assert len(body) == len(ranking)
    for line, row in zip(body, table.rows, strict=True):
        cells = [c.strip() for c in line.removesuffix(r"\\").split("&")]
        plain = [c.replace("$-$", "-").replace("$<$", "<").replace("--", tb.MISSING) for c in cells]
        assert plain == list(row)
    assert "_" not in "".join(body).replace(r"\_", "")  # names escaped for LaTeX


def test_sensitivity_tables() -> None:
    sobol = pd.DataFrame(
        {"parameter": ["a_b", "c"], "S1": [0.1, 0.62], "S1_conf": [0.02, 0.04],
         "ST": [0.2, 0.7], "ST_conf": [0.01, 0.05]}
    )  # fmt: skip
    shown = parse_markdown(tb.to_markdown(tb.sensitivity_table(sobol, labels={"c": "the c (unit)"})))
    assert shown["Configuration key"].tolist() == ["c", "a_b"]  # most influential first
    assert shown["Parameter"].tolist() == ["the c (unit)", "a b"]
    assert_shown(shown.loc[0, "S1 [95% CI]"], 0.62, 0.58, 0.66)
    assert_shown(shown.loc[1, "ST [95% CI]"], 0.2, 0.19, 0.21)
    assert r"a\_b" in tb.to_latex(tb.sensitivity_table(sobol))
    morris = pd.DataFrame(
        {"parameter": ["x1", "x2"], "mu": [1, 2], "mu_star": [7.95, 12.3],
         "mu_star_conf": [1.66, 0.5], "sigma": [6.31, 1.0]}
    )  # fmt: skip
    shown = parse_markdown(tb.to_markdown(tb.sensitivity_table(morris)))
    assert shown["Configuration key"].tolist() == ["x2", "x1"]
    assert_shown(shown.loc[1, "μ* [95% CI]"], 7.95, 6.29, 9.61)
    with pytest.raises(ValueError, match="Sobol"):
        tb.sensitivity_table(pd.DataFrame({"parameter": ["x"]}))


def test_number_formatting() -> None:
    assert tb.format_interval(0.6234, 0.5812, 0.6621) == "0.623 [0.581, 0.662]"
    assert tb.format_interval(-0.0012, -0.01, 0.0076) == "-0.0012 [-0.0100, 0.0076]"
    assert tb.format_interval(1234.5, 1000, 1500) == "1234 [1000, 1500]"
    assert tb.format_interval(0.5, np.nan, np.nan) == "0.500"
    assert tb.format_number(np.nan) == tb.MISSING
    assert tb.format_number(-0.0001, 2) == "0.00"
    assert tb.format_number(np.inf) == "∞"
    assert tb.format_pvalue(0.0004) == "< 0.001" and tb.format_pvalue(0.0123) == "0.012"
    assert tb.latex_cell("-0.5 [-1.0, 0.2] < a_b & 50%") == (r"$-$0.5 [$-$1.0, 0.2] $<$ a\_b \& 50\%")
    assert tb.latex_cell("max-pressure") == "max-pressure"


def test_write_table_is_atomic_and_complete(tmp_path: Path, ranking) -> None:
    md, tex = tb.write_table(tb.ranking_table(ranking), tmp_path / "out" / "ranking.v1")
    assert (md.name, tex.name) == ("ranking.v1.md", "ranking.v1.tex")
    assert md.read_text(encoding="utf-8").startswith("| Rank |")
    assert tex.read_text(encoding="utf-8").startswith(r"\begin{tabular}")
    assert sorted(p.name for p in md.parent.iterdir()) == ["ranking.v1.md", "ranking.v1.tex"]


def test_the_horizon_names_the_probability_columns_and_notes_explain_the_terms(tmp_path, ranking) -> None:
    table = tb.ranking_table(ranking, horizon=48)
    headers = [column.markdown for column in table.columns]
    assert "P(intact at month 48) [95% CI]" in headers
    assert "P(any defection by month 48) [95% CI]" in headers
    md, tex = tb.write_table(
        table, tmp_path / "ranking", caption="Ranked 50% faster.", notes=tb.ranking_notes()
    )
    text = md.read_text(encoding="utf-8")
    assert "n.r. (not reached)" in text and "P(any defection)" in text and "budget units" in text
    assert r"\caption{Ranked 50\% faster." in tex.read_text(encoding="utf-8")


def test_labels(ranking) -> None:
    table = tb.ranking_table(ranking, labels={"pyongyang_deal": "Pyongyang deal"})
    shown = parse_markdown(tb.to_markdown(table)).set_index("Strategy")
    assert "Pyongyang deal" in shown.index and "moscow deal" in shown.index
    assert np.isfinite(
        ranking.set_index("strategy").loc["pyongyang_deal", "rank_biserial"]
    )  # kept in the data
