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
from sim.publish import figures, style
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


def test_png_resolution_is_300_dpi(tmp_path: Path) -> None:
    fig = figures.plot_morris(MORRIS)
    _, png = style.save_figure(fig, tmp_path / "morris")
    image = mpl.image.imread(png)
    width_in = fig.get_size_inches()[0]
    assert image.shape[1] == pytest.approx(width_in * 300, rel=0.15)  # bbox tight trims a bit


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


def test_strategy_colours_are_stable_and_reference_is_black() -> None:
    colors = style.strategy_colors(["b_deal", "status_quo", "a_deal"])
    assert colors["status_quo"] == "#000000"
    assert colors == style.strategy_colors(["a_deal", "b_deal", "status_quo", "a_deal"])
    assert style.strategy_order(["b", "status_quo", "a"]) == ["status_quo", "a", "b"]


def test_tie_figures_ask_which_strategy(ties) -> None:
    with pytest.raises(ValueError, match="strategy"):
        figures.plot_tie_heatmaps(ties)


def test_ishigami_pipeline_end_to_end(tmp_path: Path) -> None:
    problem = design.sobol_problem(["x1", "x2", "x3"], [(-np.pi, np.pi)] * 3)
    x = design.sobol_sample(problem, 256, seed=0)
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    paths = style.save_figure(figures.plot_sobol(se.sobol_indices(problem, y, seed=0)), tmp_path / "s")
    assert all(p.stat().st_size > 0 for p in paths)
