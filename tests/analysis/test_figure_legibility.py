"""Every figure the analyses draw is legible as printed: no two labels overlap, none is
cut off, the file is exactly one or two journal columns wide, and a caption file says
what the figure shows and from which run."""

from __future__ import annotations

import pytest

from sim.analysis.presentation import CAPTION_SUFFIX
from sim.publish import style
from tests.publish.legibility import cut_off_labels, drawn_texts, overlapping_labels

pytestmark = pytest.mark.slow  # nine small runs and their analyses, about a minute on two cores

EXPECTED_KINDS = {
    "compare_strategies": {"final_aligned", "aligned_over_time", "survival", "ties_", "network_"},
    "phase_diagram": {"phase_diagram"},
    "budget_frontier": {"frontier"},
    "sensitivity": {"sobol_"},
    "screening": {"morris_"},
    "hindcast": {"hindcast"},
    "robustness": {"robust_comparison", "cost_effect"},
    "calibrate": {"pattern_check", "pairwise"},
    "forecast_2025": {"forecast", "forecast_check"},
}
INFERENCE = ("calibrate", "forecast_2025")  # their captions name the run, not strategies and worlds
FULL_WIDTH_ONLY = ("hindcast", "robust_comparison", "discovery_")  # three or five panels side by side


def test_every_figure_type_is_drawn_at_both_widths(drawn_figures):
    for experiment, kinds in EXPECTED_KINDS.items():
        names = [d.name for d in drawn_figures if d.experiment == experiment]
        for kind in kinds:
            assert any(n.startswith(kind) and n.endswith("-wide") for n in names), (experiment, kind)
            if not kind.startswith(FULL_WIDTH_ONLY):
                assert any(n.startswith(kind) and not n.endswith("-wide") for n in names), (experiment, kind)


def test_a_caption_beside_each_figure_names_strategies_worlds_and_horizon(drawn_figures):
    for d in drawn_figures:
        caption = d.path.with_name(f"{d.name}{CAPTION_SUFFIX}").read_text(encoding="utf-8")
        assert f"Source: {d.path.parents[1].name} (configuration hash" in caption, d.name
        if d.experiment in INFERENCE:
            continue
        assert "Strategies: " in caption and "replicate worlds per strategy" in caption, d.name
        assert "horizon " in caption and " months (" in caption, d.name
    compare = next(d for d in drawn_figures if d.name == "survival")
    text = compare.path.with_name(f"survival{CAPTION_SUFFIX}").read_text(encoding="utf-8")
    assert "status quo (ref.), adaptive, alliance first" in text and "12 replicate worlds" in text
    assert "horizon 24 months (2025-01 to 2027-01)" in text
    assert f"Source: {compare.path.parents[1].name} (configuration hash" in text
    assert "commit unknown" not in text  # the tests run inside the project's git checkout


def test_no_two_labels_overlap(drawn_figures):
    problems = {f"{d.experiment}/{d.name}": overlapping_labels(d.figure) for d in drawn_figures}
    assert not {name: pairs for name, pairs in problems.items() if pairs}


def test_no_label_is_cut_off(drawn_figures):
    problems = {f"{d.experiment}/{d.name}": cut_off_labels(d.figure) for d in drawn_figures}
    assert not {name: texts for name, texts in problems.items() if texts}


def test_files_are_exactly_one_or_two_columns_wide(drawn_figures):
    for d in drawn_figures:
        expected = style.TWO_COLUMN if d.name.endswith("-wide") else style.ONE_COLUMN
        assert d.figure.get_figwidth() == pytest.approx(expected), d.name


def test_the_overlap_check_sees_colliding_labels():
    """Knock-out: labels placed on top of each other are reported."""
    fig = style.new_figure(style.ONE_COLUMN)
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, "first label")
    ax.text(0.52, 0.5, "second label")
    assert overlapping_labels(fig) == [("first label", "second label")]
    assert len(drawn_texts(fig)) >= 2
