"""The project's figure style: sizes, colours, strategy order, panels, and atomic output.

Figures are built on ``matplotlib.figure.Figure`` directly (no pyplot state, safe under
any backend, nothing to close) inside the project style, sized for one- or two-column
journals. ``save_figure`` writes PDF and PNG atomically so a crashed rebuild never leaves
a half-written figure in a paper folder.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.style
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.experiment.storage import atomic_write_bytes
from sim.publish import statistics as st

STYLE_PATH = Path(__file__).with_name("style") / "paper.mplstyle"
ONE_COLUMN = 3.5  # inches: single-column width of most journals
TWO_COLUMN = 7.2  # inches: full text width
GOLDEN = 0.618
DPI = 300
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
_REFERENCE_COLOR = OKABE_ITO["black"]
_STRATEGY_PALETTE = [c for k, c in OKABE_ITO.items() if k not in {"black"}] + ["#999999"]
SEQUENTIAL_CMAP = "cividis"  # perceptually uniform and colour-vision-deficiency safe


@contextmanager
def paper_style() -> Iterator[None]:
    """Apply the project style only while a figure is built or saved (no global side effect)."""
    with mpl.style.context(STYLE_PATH):
        yield


def use_paper_style() -> None:
    """Make the project style the session default (for notebooks and ad-hoc plots)."""
    mpl.style.use(STYLE_PATH)


def _atomic_savefig(fig: Figure, target: Path, fmt: str, dpi: int) -> None:
    """Render in memory, then write through a temporary file and a rename (readers never
    see a partial file)."""
    buffer = io.BytesIO()
    metadata = {"CreationDate": None} if fmt == "pdf" else None  # reproducible PDFs
    fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    atomic_write_bytes(target, buffer.getvalue())


def save_figure(
    fig: Figure,
    path_without_suffix: str | os.PathLike[str],
    *,
    formats: Sequence[str] = ("pdf", "png"),
    dpi: int = DPI,
) -> tuple[Path, ...]:
    """Write ``fig`` as vector PDF and 300-dpi PNG next to each other; return the paths.

    The suffix is appended (not substituted), so names containing dots such as
    ``sobol_us.credibility`` survive. Parent folders are created.
    """
    base = Path(path_without_suffix)
    base.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    with paper_style():
        for fmt in formats:
            target = base.with_name(f"{base.name}.{fmt}")
            _atomic_savefig(fig, target, fmt, dpi)
            paths.append(target)
    return tuple(paths)


def new_figure(width: float, height: float | None = None) -> Figure:
    """New styled figure (call inside ``paper_style``); default height keeps a golden ratio."""
    return Figure(figsize=(width, height if height is not None else width * GOLDEN))


def pretty(name: object) -> str:
    """Human label from a config name: ``pyongyang_deal`` -> ``pyongyang deal``."""
    return str(name).replace("_", " ")


def strategy_order(strategies: Iterable[str], reference: str = st.REFERENCE) -> list[str]:
    """Reference first, then alphabetical: the same order in every figure and table."""
    names = sorted(set(strategies))
    return ([reference] if reference in names else []) + [s for s in names if s != reference]


def strategy_colors(strategies: Iterable[str], reference: str = st.REFERENCE) -> dict[str, str]:
    """Fixed colour per strategy: black for the reference, Okabe-Ito for the rest.

    Colours depend only on the set of strategy names, so all figures of one sweep agree.
    """
    order = [s for s in strategy_order(strategies, reference) if s != reference]
    colors = {s: _STRATEGY_PALETTE[i % len(_STRATEGY_PALETTE)] for i, s in enumerate(order)}
    if reference in set(strategies):
        colors[reference] = _REFERENCE_COLOR
    return colors


def scenario_panels(frame: pd.DataFrame, scenario: str | None) -> list[tuple[str | None, pd.DataFrame]]:
    """Panels to draw: the chosen scenario, or one per scenario present."""
    if "scenario" not in frame.columns:
        return [(None, frame)]
    if scenario is not None:
        chosen = frame[frame["scenario"] == scenario]
        if chosen.empty:
            raise ValueError(f"scenario {scenario!r} not found")
        return [(scenario, chosen)]
    return [(name, part) for name, part in frame.groupby("scenario", sort=True)]


def one_strategy(frame: pd.DataFrame, strategy: str | None) -> pd.DataFrame:
    """Rows of one strategy; the caller must choose when several are present."""
    if "strategy" not in frame.columns:
        return frame
    present = sorted(frame["strategy"].unique())
    if strategy is None:
        if len(present) > 1:
            raise ValueError(f"several strategies present, pass strategy= one of {present}")
        return frame
    if strategy not in present:
        raise ValueError(f"strategy {strategy!r} not in {present}")
    return frame[frame["strategy"] == strategy]


def panel_title(ax: Axes, scenario: str | None, many: bool) -> None:
    """Name the scenario only when a figure has several scenario panels."""
    if many and scenario is not None:
        ax.set_title(pretty(scenario))


def as_dates(values: pd.Series) -> pd.Series:
    """'YYYY-MM' strings to timestamps (first of the month) for a real date axis."""
    return pd.to_datetime(values.astype(str), format="%Y-%m")


def date_axis(ax: Axes) -> None:
    """Compact date ticks that do not collide at 3.5 in."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def draw_strategy_lines(
    ax: Axes,
    frame: pd.DataFrame,
    x: str,
    colors: dict[str, str],
    reference: str,
    *,
    mean: str = "mean",
    lower: str = "lower",
    upper: str = "upper",
    steps: bool = False,
    label: bool = True,
    **line_style: object,
) -> None:
    """One line and its uncertainty band per strategy, in the shared strategy order and colours.

    ``steps=True`` draws step functions (survival curves); dates in ``x`` are drawn on a
    real date axis by the caller.
    """
    for strategy in strategy_order(frame["strategy"], reference):
        line = frame[frame["strategy"] == strategy]
        xs = as_dates(line[x]) if x == "date" else line[x]
        color = colors[strategy]
        name = pretty(strategy) if label else None
        if steps:
            ax.step(xs, line[mean], where="post", color=color, label=name, **line_style)
            ax.fill_between(xs, line[lower], line[upper], step="post", color=color, alpha=0.18, lw=0)
        else:
            ax.plot(xs, line[mean], color=color, label=name, **line_style)
            ax.fill_between(xs, line[lower], line[upper], color=color, alpha=0.2, lw=0)


def legend_below(fig: Figure, ax: Axes) -> None:
    """The strategies' legend under the panels, in the order they were drawn."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(3, len(labels)))
