"""The project's figure style: sizes, colours, strategy order, keys, and atomic output.

Figures are built on ``matplotlib.figure.Figure`` directly (no pyplot state, safe under
any backend, nothing to close) inside the project style, sized for one-column (3.5 in) or
two-column (7.2 in) journals: the saved file has exactly that width (constrained layout,
no tight bounding box that would grow it). Every strategy keeps its colour in every figure
(:mod:`sim.publish.colors`). ``save_figure`` writes PDF and PNG atomically so a crashed
rebuild never leaves a half-written figure in a paper folder.

In a notebook, ``use_paper_style()`` makes the style the default in one line.
"""

from __future__ import annotations

import io
import os
import textwrap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.style
import matplotlib.ticker as mticker
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.experiment.storage import atomic_write_bytes
from sim.publish import statistics as st
from sim.publish.colors import OKABE_ITO, strategy_colors  # noqa: F401 (part of the style)

STYLE_PATH = Path(__file__).with_name("style") / "paper.mplstyle"
ONE_COLUMN = 3.5  # inches: single-column width of most journals
TWO_COLUMN = 7.2  # inches: full text width
WIDTHS = {"one_column": ONE_COLUMN, "two_column": TWO_COLUMN}
"""Figure widths by name, as ``experiment.widths`` selects them."""
WIDTH_SUFFIX = {"one_column": "", "two_column": "-wide"}
"""File name suffix of each width: ``survival.pdf`` (one column), ``survival-wide.pdf`` (two)."""
GOLDEN = 0.618
DPI = 300
SEQUENTIAL_CMAP = "cividis"  # perceptually uniform and colour-vision-deficiency safe
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
NARROW = 5.0  # inches: figures up to this width put their keys under the panels


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


def label_of(name: str, labels: Mapping[str, str] | None) -> str:
    """The reader label of a parameter or column: from ``labels`` when given, else its words."""
    return (labels or {}).get(name, pretty(name))


def strategy_order(strategies: Iterable[str], reference: str = st.REFERENCE) -> list[str]:
    """Reference first, then alphabetical: the order in which lines are drawn and tables read."""
    names = sorted(set(strategies))
    return ([reference] if reference in names else []) + [s for s in names if s != reference]


def strategy_label(name: str, reference: str | None = None) -> str:
    """``status quo (ref.)`` for the reference, the name in words for the others."""
    return f"{pretty(name)} (ref.)" if name == reference else pretty(name)


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


def few_ticks(ax: Axes, axis: str = "x", n: int = 5) -> None:
    """At most ``n`` ticks with short labels (``0.25``, not ``0.2500``), so they never touch."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(mticker.MaxNLocator(nbins=n, steps=[1, 2, 2.5, 5, 10]))
    target.set_major_formatter(mticker.FormatStrFormatter("%g"))


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
    markers: bool = False,
    notes: Mapping[str, str] | None = None,
    **line_style: object,
) -> None:
    """One line and its uncertainty band per strategy, in the shared strategy order and colours.

    ``steps=True`` draws step functions (survival curves); dates in ``x`` are drawn on a
    real date axis by the caller. The reference is drawn first, underneath, dashed, so a
    strategy that matches it stays visible on top of it; ``markers=True`` gives every
    strategy its own marker, which shows where lines coincide. ``notes`` are appended to
    a strategy's key entry (a footnote mark, say).
    """
    for index, strategy in enumerate(strategy_order(frame["strategy"], reference)):
        line = frame[frame["strategy"] == strategy]
        xs = as_dates(line[x]) if x == "date" else line[x]
        color = colors[strategy]
        own = dict(line_style)
        if markers:
            own.setdefault("marker", MARKERS[index % len(MARKERS)])
        if strategy == reference:
            own.setdefault("ls", (0, (4, 2)))
        name = strategy_label(strategy, reference) if label else None
        if name and notes and strategy in notes:
            name = f"{name}{notes[strategy]}"
        if steps:
            ax.step(xs, line[mean], where="post", color=color, label=name, **own)
            ax.fill_between(xs, line[lower], line[upper], step="post", color=color, alpha=0.18, lw=0)
        else:
            ax.plot(xs, line[mean], color=color, label=name, **own)
            ax.fill_between(xs, line[lower], line[upper], color=color, alpha=0.2, lw=0)


def band_key(text: str) -> Patch:
    """A key entry for the shaded bands (what the shading is)."""
    return Patch(facecolor="#777777", alpha=0.3, lw=0, label=text)


def _end_value(handle: object) -> float:
    """Last finite y value of a drawn line (for ordering the key like the lines)."""
    if not isinstance(handle, Line2D):
        return float("-inf")
    values = pd.to_numeric(pd.Series(handle.get_ydata()), errors="coerce").dropna()
    return float(values.iloc[-1]) if len(values) else float("-inf")


def legend_in_line_order(
    fig: Figure, ax: Axes, *, extra: Sequence[Artist] = (), title: str | None = None
) -> None:
    """The strategies' key in the order the lines end (highest first), so that it reads
    like the figure; ``extra`` entries (the band, a contour) follow.

    Two-column figures put it right of the panels in one column; one-column figures under
    them in two columns, filled top to bottom, left column first.
    """
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(handles)), key=lambda i: -_end_value(handles[i]))
    entries = [handles[i] for i in order] + list(extra)
    names = [labels[i] for i in order] + [str(e.get_label()) for e in extra]
    if fig.get_figwidth() > NARROW:
        fig.legend(entries, names, loc="outside right upper", ncols=1, title=title)
    else:
        ncols = 1 if len(entries) <= 3 else 2
        fig.legend(entries, names, loc="outside lower center", ncols=ncols, title=title, fontsize=7)


def at_horizon(horizon: int | None) -> str:
    """``at month 48`` when the horizon is known, else ``at the horizon``."""
    return f"at month {horizon}" if horizon is not None else "at the horizon"


def key_height(entries: int, width: float) -> float:
    """Extra figure height (inches) a key of ``entries`` lines under the panels needs."""
    if width > NARROW:
        return 0.0
    rows = entries if entries <= 3 else -(-entries // 2)
    return 0.15 + 0.15 * rows


def two_lines(text: str) -> str:
    """A tick label whose unit goes on a second line: ``deal value\n(utility)``."""
    return text.replace(" (", "\n(", 1)


def axis_label(text: str, width: float, chars_per_inch: float = 13.0) -> str:
    """An axis label that fits ``width`` inches: the unit in parentheses moves to its own line,
    and a name still too long is wrapped at word boundaries."""
    limit = max(int(width * chars_per_inch), 12)
    if len(text) <= limit:
        return text
    name, bracket, unit = text.partition(" (")
    lines = textwrap.wrap(name, limit) if len(name) > limit else [name]
    return "\n".join([*lines, f"({unit}"] if bracket else lines)
