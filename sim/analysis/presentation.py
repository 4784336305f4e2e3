"""How a report presents its figures: widths, band, labels, and a caption beside each file.

A figure alone does not say which strategies, how many worlds, which horizon or which run
it shows. So every figure gets ``<name>.caption.txt`` beside it: what the figure shows and
how to read its marks, then the facts of the run (strategies and reference, worlds per
strategy, scenario, horizon in months and dates, seed, the swept setting of its facet) and
its source (folder, configuration hash, git commit). The text is ready to adapt into the
paper's caption and keeps a copied PNG traceable to the run that made it.

Each figure is drawn at every width of ``experiment.widths``: ``<name>.pdf/png`` at one
column (3.5 in), ``<name>-wide.pdf/png`` at two (7.2 in).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from sim.analysis.facets import Facet
from sim.analysis.labels import parameter_labels
from sim.common.calendar import month_label, parse_month
from sim.experiment.configuration import Config
from sim.experiment.dataset import Dataset
from sim.experiment.storage import atomic_write_bytes
from sim.publish import style, tables

CAPTION_SUFFIX = ".caption.txt"


@dataclass(frozen=True)
class Presentation:
    """What every figure of one report (one facet of one run or sweep) shares."""

    widths: tuple[str, ...]
    band: str
    reference: str
    outcome: str
    horizon: int
    labels: dict[str, str]
    facts: str


def _source(dataset: Dataset, root: Path) -> str:
    return source_line(root, dataset.manifests[0] if dataset.manifests else {})


def source_line(root: Path, manifest: dict) -> str:
    """Where the results are (relative to the working directory when inside it) and what made them."""
    try:
        where = Path(root).resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        where = Path(Path(root).resolve().name)
    code = manifest.get("code") or {}
    commit = (code.get("commit") or "unknown")[:12]
    dirty = " with uncommitted changes" if code.get("dirty") else ""
    return f"Source: {where} (configuration hash {manifest.get('config_hash', '?')}, commit {commit}{dirty})."


def run_facts(
    dataset: Dataset, config: Config, facet: Facet | None, labels: dict[str, str], root: Path
) -> str:
    """The caption sentences every figure of a report shares."""
    summary = dataset.summary
    strategies = sorted(summary["strategy"].unique())
    reference = config.experiment.reference if config.experiment.reference in strategies else None
    order = style.strategy_order(strategies, reference) if reference else strategies
    named = ", ".join(style.strategy_label(s, reference) for s in order)
    points = summary["point"].nunique() if "point" in summary.columns else 1
    per = f" and design point ({points:,} points)" if points > 1 else ""
    worlds = summary.groupby("strategy").size().min() // max(points, 1)
    scenarios = (
        ", ".join(sorted(summary["scenario"].unique())) if "scenario" in summary else config.scenario.name
    )
    start = parse_month("scenario.start", config.scenario.start)
    end = month_label(start, config.horizon)
    sentences = [
        f"Strategies: {named}.",
        f"{worlds:,} replicate worlds per strategy{per}, paired across strategies "
        f"(common random numbers); scenario {scenarios}; horizon {config.horizon} months "
        f"({config.scenario.start} to {end}); seed {config.seed}.",
    ]
    if facet is not None and facet.settings:
        sentences.append(f"Swept setting of this panel set: {facet.describe(labels)}.")
    sentences.append(_source(dataset, root))
    return " ".join(sentences)


def presentation(
    dataset: Dataset, config: Config, facet: Facet | None = None, root: Path = Path(".")
) -> Presentation:
    """The presentation of one report (of the run or sweep in ``root``) from its configuration."""
    names = [p.name for p in config.design.parameters] + (list(facet.settings) if facet else [])
    labels = parameter_labels(names)
    return _configured(config, labels, run_facts(dataset, config, facet, labels, root))


def run_presentation(root: Path, manifest: dict, config: Config) -> Presentation:
    """The presentation of a run whose tables are not replicate summaries (a calibration, a
    forecast): the configured widths, and its source as the facts every caption ends with."""
    return _configured(config, {}, source_line(root, manifest))


def _configured(config: Config, labels: dict[str, str], facts: str) -> Presentation:
    return Presentation(
        widths=tuple(str(w) for w in config.experiment.widths) or ("one_column",),
        band=str(config.experiment.band),
        reference=config.experiment.reference,
        outcome=str(config.experiment.outcome),
        horizon=config.horizon,
        labels=labels,
        facts=facts,
    )


def write_caption(base: Path, text: str) -> Path:
    path = base.with_name(f"{base.name}{CAPTION_SUFFIX}")
    atomic_write_bytes(path, (text.strip() + "\n").encode("utf-8"))
    return path


def draw(look: Presentation, builder: Callable[[float], Figure], base: Path, description: str) -> list[Path]:
    """Draw ``builder(width)`` at every configured width; save each with its caption."""
    written: list[Path] = []
    for width in look.widths:
        target = base.with_name(f"{base.name}{style.WIDTH_SUFFIX[width]}")
        fig = builder(style.WIDTHS[width])
        written += list(style.save_figure(fig, target))
        written.append(write_caption(target, f"{description} {look.facts}"))
    return written


def write_table(
    look: Presentation, table: tables.Table, base: Path, description: str, notes: Sequence[str] = ()
) -> list[Path]:
    """A table as Markdown and LaTeX, its notes under it and the run's facts in its caption."""
    caption = f"{description} {look.facts}"
    return list(tables.write_table(table, base, caption=caption, notes=notes))
