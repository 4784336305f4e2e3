"""Every figure function renders from tables alone and saves a non-empty PDF and PNG."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim.experiment import sensitivity_design as design
from sim.publish import colors, figures, style
from sim.publish import sensitivity as se

SOBOL = pd.DataFrame(
    {
        "parameter": ["us.credibility", "us.alliance", "rus.chn_partnership"],
        "S1": [0.31, 0.44, 0.0],
        "S1_conf": [0.05, 0.04, 0.03],
        "ST": [0.56, 0.44, 0.24],
        "ST_conf": [0.06, 0.04, 0.02],
    }
)
MORRIS = pd.DataFrame(
    {
        "parameter": ["us.credibility", "us.alliance", "rus.chn_partnership"],
        "mu": [7.9, -1.9, -0.7],
        "mu_star": [7.9, 7.8, 5.7],
        "mu_star_conf": [1.6, 0.0, 1.5],
        "sigma": [6.3, 7.7, 8.5],
    }
)
ALIGNED = {"CHN": 1.0, "RUS": 0.95, "IRN": 0.8, "PRK": 0.35}


def builders(summary, design_summary, timeseries, ties) -> dict[str, Callable[[], Figure]]:
    return {
        "cohesion_time": lambda: figures.plot_cohesion_over_time(timeseries),
        "cohesion_time_spread": lambda: figures.plot_cohesion_over_time(timeseries, band="percentile"),
        "final_distribution": lambda: figures.plot_final_distribution(summary),
        "tie_heatmaps": lambda: figures.plot_tie_heatmaps(ties, strategy="pyongyang_deal"),
        "tie_heatmaps_layers": lambda: figures.plot_tie_heatmaps(ties, strategy="status_quo", per_layer=True),
        "network": lambda: figures.plot_network(
            ties,
            strategy="pyongyang_deal",
            aligned_start=dict.fromkeys(ALIGNED, 1.0),
            aligned_end=ALIGNED,
        ),
        "network_plain": lambda: figures.plot_network(ties, strategy="status_quo"),
        "phase_diagram": lambda: figures.plot_phase_diagram(design_summary, "us.credibility", "us.alliance"),
        "phase_diagram_binned": lambda: figures.plot_phase_diagram(
            design_summary, "us.credibility", "us.alliance", strategies=["status_quo"], bins=2
        ),
        "sobol": lambda: figures.plot_sobol(SOBOL),
        "morris": lambda: figures.plot_morris(MORRIS),
        "survival": lambda: figures.plot_survival(summary),
    }


FIGURES = [
    "cohesion_time", "cohesion_time_spread", "final_distribution", "tie_heatmaps",
    "tie_heatmaps_layers", "network", "network_plain", "phase_diagram",
    "phase_diagram_binned", "sobol", "morris", "survival",
]  # fmt: skip


@pytest.mark.parametrize("name", FIGURES)
def test_figure_writes_pdf_and_png(
    name: str, tmp_path: Path, summary, design_summary, timeseries, ties
) -> None:
    fig = builders(summary, design_summary, timeseries, ties)[name]()
    assert isinstance(fig, Figure)
    pdf, png = style.save_figure(fig, tmp_path / "figures" / name)
    assert pdf == tmp_path / "figures" / f"{name}.pdf"
    assert pdf.read_bytes()[:4] == b"%PDF" and pdf.stat().st_size > 2000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000
    assert sorted(p.name for p in pdf.parent.iterdir()) == [f"{name}.pdf", f"{name}.png"]


def test_builders_cover_every_figure() -> None:
    assert set(FIGURES) == set(builders(None, None, None, None))


def test_save_figure_keeps_dotted_names_and_is_reproducible(tmp_path: Path) -> None:
    fig = figures.plot_sobol(SOBOL)
    first = style.save_figure(fig, tmp_path / "sobol_us.credibility")
    assert [p.name for p in first] == ["sobol_us.credibility.pdf", "sobol_us.credibility.png"]
    data = first[0].read_bytes()
    style.save_figure(fig, tmp_path / "sobol_us.credibility")
    assert first[0].read_bytes() == data  # no timestamp in the PDF


@pytest.mark.parametrize("width", [style.ONE_COLUMN, style.TWO_COLUMN])
def test_saved_png_is_exactly_the_column_width_at_300_dpi(tmp_path: Path, width: float, timeseries) -> None:
    fig = figures.plot_cohesion_over_time(timeseries, width=width)  # its key lies outside the axes
    _, png = style.save_figure(fig, tmp_path / "over_time")
    image = mpl.image.imread(png)
    assert image.shape[1] == round(width * 300)


def test_style_is_scoped_and_journal_ready() -> None:
    before = mpl.rcParams["font.size"]
    with style.paper_style():
        assert mpl.rcParams["font.size"] == 8
        assert mpl.rcParams["pdf.fonttype"] == 42
        assert not mpl.rcParams["axes.spines.top"] and not mpl.rcParams["axes.spines.right"]
        assert mpl.rcParams["savefig.dpi"] == 300
    assert mpl.rcParams["font.size"] == before
    assert (style.ONE_COLUMN, style.TWO_COLUMN) == (3.5, 7.2)
    fig = figures.plot_survival(pd.DataFrame({
        "scenario": "s", "strategy": ["status_quo", "deal"] * 5,
        "time_to_defection": np.arange(10.0), "defected": True,
    }))  # fmt: skip
    assert fig.get_size_inches()[0] == pytest.approx(style.ONE_COLUMN)


def test_a_named_strategy_keeps_its_colour_whatever_else_is_compared() -> None:
    shipped = list(colors.STRATEGY_COLORS)
    three = ["status_quo", "moscow_deal", "pyongyang_deal"]
    assert style.strategy_colors(shipped)["moscow_deal"] == style.strategy_colors(three)["moscow_deal"]
    assert style.strategy_colors(three)["pyongyang_deal"] == colors.OKABE_ITO["blue"]
    assert style.strategy_colors(["status_quo"])["status_quo"] == "#000000"
    assert len(set(style.strategy_colors(shipped).values())) == len(shipped)
    assert colors.OKABE_ITO["yellow"] not in colors.STRATEGY_COLORS.values()  # too faint on white


def test_strategies_of_ones_own_take_the_next_free_colours() -> None:
    mine = style.strategy_colors(["two_clients", "status_quo", "a_plan", *colors.STRATEGY_COLORS])
    assert mine["a_plan"] == colors.EXTRA_COLORS[0] and mine["two_clients"] == colors.EXTRA_COLORS[1]
    assert not {mine["a_plan"], mine["two_clients"]} & set(colors.STRATEGY_COLORS.values())
    assert style.strategy_order(["b", "status_quo", "a"]) == ["status_quo", "a", "b"]


def test_drawn_lines_carry_their_strategy_colour(timeseries) -> None:
    fig = figures.plot_cohesion_over_time(timeseries)
    drawn = {line.get_label().removesuffix(" (ref.)"): line.get_color() for line in fig.axes[0].get_lines()}
    for strategy in timeseries["strategy"].unique():
        assert mpl.colors.same_color(drawn[strategy.replace("_", " ")], colors.STRATEGY_COLORS[strategy])


def test_tie_figures_ask_which_strategy(ties) -> None:
    with pytest.raises(ValueError, match="strategy"):
        figures.plot_tie_heatmaps(ties)


def test_ishigami_pipeline_end_to_end(tmp_path: Path) -> None:
    problem = design.sobol_problem(["x1", "x2", "x3"], [(-np.pi, np.pi)] * 3)
    x = design.sobol_sample(problem, 256, seed=0)
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    paths = style.save_figure(figures.plot_sobol(se.sobol_indices(problem, y, seed=0)), tmp_path / "s")
    assert all(p.stat().st_size > 0 for p in paths)


def test_survival_marks_the_curves_that_overlap_at_one_and_ends_at_the_horizon(summary) -> None:
    steady = summary.assign(
        defected=summary["defected"].where(summary["strategy"] != "alliance_first", False),
        time_to_defection=summary["time_to_defection"].where(summary["strategy"] != "alliance_first", 48.0),
    )
    fig = figures.plot_survival(steady, horizon=48)
    keys = [text.get_text() for text in fig.legends[0].get_texts()]
    assert "alliance first *" in keys and "pyongyang deal" in keys
    assert any(key.startswith("* never below 0.99") for key in keys)
    assert fig.axes[0].get_xlim() == (0.0, 48.0)
    assert fig.axes[0].get_ylim()[1] > 1.0  # lines at 1 are not clipped by the top of the axes
