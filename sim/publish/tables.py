"""Paper tables (Markdown and LaTeX booktabs) from ranking and sensitivity frames.

A table is formatted once into strings (``Table``) and then emitted in either syntax, so
the Markdown a researcher reads in a notebook and the LaTeX in the paper show the same
rounded numbers. Numbers keep three significant digits; intervals read
"0.623 [0.581, 0.662]". The emitters are a few lines each, so no templating dependency
(jinja2, which pandas' ``to_latex`` needs) is required. Files are written atomically.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.experiment.storage import atomic_write_bytes
from sim.publish.statistics import REFERENCE

MISSING = "–"  # en dash; emitted as "--" in LaTeX
NOT_REACHED = "n.r."


@dataclass(frozen=True)
class Column:
    """One table column: its Markdown and LaTeX headers and alignment ('l' or 'r')."""

    markdown: str
    latex: str
    align: str = "r"


@dataclass(frozen=True)
class Table:
    """Formatted table: every cell already a string, ready for either emitter."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]

    def to_frame(self) -> pd.DataFrame:
        """The formatted cells as a frame (Markdown headers), handy in notebooks."""
        return pd.DataFrame(list(self.rows), columns=[c.markdown for c in self.columns])


# ----------------------------------------------------------------- number formatting


def _finite(x: object) -> bool:
    """True for a real, finite number (NaN/None/inf are shown as words, not digits)."""
    try:
        return math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def decimals_for(*values: float, digits: int = 3, max_decimals: int = 6) -> int:
    """Decimals giving ``digits`` significant digits to the largest magnitude among values.

    Sharing decimals across an estimate and its bounds keeps an interval readable.
    """
    finite = [abs(float(v)) for v in values if _finite(v) and float(v) != 0]
    if not finite:
        return min(digits - 1, max_decimals)
    magnitude = math.floor(math.log10(max(finite)))
    return max(0, min(max_decimals, digits - 1 - magnitude))


def format_number(x: float, decimals: int | None = None, *, digits: int = 3, na: str = MISSING) -> str:
    """One number with fixed decimals (default: ``digits`` significant digits)."""
    if x is None or pd.isna(x):
        return na
    value = float(x)
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    places = decimals_for(value, digits=digits) if decimals is None else decimals
    text = f"{value:.{places}f}"
    return text[1:] if re.fullmatch(r"-0\.?0*", text) else text  # no "-0.00"


def format_interval(estimate: float, lower: float, upper: float, *, digits: int = 3) -> str:
    """'estimate [lower, upper]' with shared decimals; bounds omitted if unavailable."""
    if not _finite(estimate):
        return format_number(estimate)
    places = decimals_for(estimate, lower, upper, digits=digits)
    text = format_number(estimate, places)
    if _finite(lower) and _finite(upper):
        text += f" [{format_number(lower, places)}, {format_number(upper, places)}]"
    return text


def format_probability(estimate: float, lower: float, upper: float, *, decimals: int = 3) -> str:
    """A probability and its interval with fixed decimals: '0.020 [0.015, 0.027]'."""
    if not _finite(estimate):
        return format_number(estimate)
    bounds = ""
    if _finite(lower) and _finite(upper):
        bounds = f" [{format_number(lower, decimals)}, {format_number(upper, decimals)}]"
    return format_number(estimate, decimals) + bounds


def format_range(lower: float, upper: float, *, digits: int = 3) -> str:
    """'0.120 to 0.340' with shared decimals; a dash when either end is missing."""
    if not (_finite(lower) and _finite(upper)):
        return MISSING
    places = decimals_for(lower, upper, digits=digits)
    return f"{format_number(lower, places)} to {format_number(upper, places)}"


def format_pvalue(p: float, *, threshold: float = 0.001) -> str:
    """p-value with three decimals, or '< 0.001' (tiny p-values are not more meaningful)."""
    if not _finite(p):
        return MISSING
    return f"< {threshold:g}" if p < threshold else f"{float(p):.3f}"


# ----------------------------------------------------------------- emitters


def to_markdown(table: Table) -> str:
    """GitHub-flavoured Markdown table (pipes in cells escaped)."""
    rule = {"l": ":---", "r": "---:", "c": ":---:"}

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", r"\|") for c in cells) + " |"

    out = [line([c.markdown for c in table.columns])]
    out.append("|" + "|".join(rule[c.align] for c in table.columns) + "|")
    out.extend(line(row) for row in table.rows)
    return "\n".join(out) + "\n"


_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


GREEK = {"Δ": r"\Delta", "μ": r"\mu", "σ": r"\sigma", "×": r"\times", "→": r"\to"}


def latex_cell(text: str) -> str:
    """Escape LaTeX specials, then typeset minus signs, '<', dashes and infinity properly."""
    out = "".join(_TEX_SPECIAL.get(ch, ch) for ch in text.replace("−", "-"))
    out = re.sub(r"(?<![\w.])-(?=[\d∞])", "$-$", out)
    out = out.replace("<", "$<$").replace("∞", r"$\infty$").replace(MISSING, "--")
    for letter, command in GREEK.items():
        out = out.replace(letter, f"${command}$")
    return out


def to_latex(table: Table, *, caption: str | None = None, label: str | None = None) -> str:
    """booktabs ``tabular`` (needs ``\\usepackage{booktabs}``), wrapped in a ``table``
    float when a caption or label is given."""
    spec = "".join(c.align for c in table.columns)
    body = [rf"\begin{{tabular}}{{{spec}}}", r"\toprule"]
    body.append(" & ".join(c.latex for c in table.columns) + r" \\")
    body.append(r"\midrule")
    body.extend(" & ".join(latex_cell(cell) for cell in row) + r" \\" for row in table.rows)
    body += [r"\bottomrule", r"\end{tabular}"]
    if caption is None and label is None:
        return "\n".join(body) + "\n"
    wrapped = [r"\begin{table}[htbp]", r"\centering"]
    if caption is not None:
        wrapped.append(rf"\caption{{{caption}}}")
    if label is not None:
        wrapped.append(rf"\label{{{label}}}")
    return "\n".join([*wrapped, *body, r"\end{table}"]) + "\n"


def write_table(
    table: Table,
    path_without_suffix: str | os.PathLike[str],
    *,
    caption: str | None = None,
    label: str | None = None,
    notes: Sequence[str] = (),
) -> tuple[Path, Path]:
    """Write ``<path>.md`` and ``<path>.tex`` atomically; return both paths.

    The caption and the ``notes`` (what the columns' terms mean) follow the Markdown table
    as paragraphs and form the LaTeX caption (escaped).
    """
    base = Path(path_without_suffix)
    md, tex = base.with_name(f"{base.name}.md"), base.with_name(f"{base.name}.tex")
    text = " ".join([*([caption] if caption else []), *notes])
    markdown = to_markdown(table) + (f"\n{text}\n" if text else "")
    atomic_write_bytes(md, markdown.encode("utf-8"))
    latex_caption = latex_cell(text) if text else None
    atomic_write_bytes(tex, to_latex(table, caption=latex_caption, label=label).encode("utf-8"))
    return md, tex


# ----------------------------------------------------------------- project tables


def _label(name: object) -> str:
    """Config name to reader label: ``status_quo`` -> ``status quo``."""
    return str(name).replace("_", " ")


def _namer(labels: Mapping[str, str] | Callable[[str], str] | None) -> Callable[[str], str]:
    """Label function from a mapping (unmapped names fall back to ``_label``) or callable."""
    if labels is None:
        return _label
    if isinstance(labels, Mapping):
        return lambda s: labels.get(s, _label(s))
    return labels


def ranking_table(
    ranking: pd.DataFrame,
    metric: str = "cohesion",
    reference: str = REFERENCE,
    *,
    labels: Mapping[str, str] | Callable[[str], str] | None = None,
    digits: int = 3,
    horizon: int | None = None,
) -> Table:
    """Strategy ranking (from ``statistics.strategy_ranking``) as a formatted table.

    Columns: [scenario], rank, strategy, mean metric [95% Monte Carlo CI], difference vs the
    reference [CI], the spread of per-point means across the design's parameter draws
    (5-95%, only when there are several points), P(intact at the horizon) [CI], P(any
    defection by the horizon) [CI], median months to first defection ("n.r." = survival
    stayed above 0.5), mean US cost and the difference vs the reference per unit of US
    cost. No p-values or effect sizes: with thousands of
    simulated worlds any difference is "significant", so they measure the number of runs,
    not the strength of a wedge (they stay in ranking.parquet). :func:`ranking_notes`
    explains the terms.
    """
    show = _namer(labels)
    multi = "scenario" in ranking.columns and ranking["scenario"].nunique() > 1
    spread = "spread_lower" in ranking.columns and ranking["spread_lower"].notna().any()
    ref = _label(reference)
    name = _label(metric).capitalize()
    when = f"at month {horizon}" if horizon is not None else "at the horizon"
    until = f"month {horizon}" if horizon is not None else "the horizon"
    columns = [
        Column("Rank", "Rank"),
        Column("Strategy", "Strategy", "l"),
        Column(f"{name} [95% CI]", f"{name} [95\\% CI]"),
        Column(f"Δ vs {ref} [95% CI]", f"$\\Delta$ vs {ref} [95\\% CI]"),
        Column(f"P(intact {when}) [95% CI]", f"P(intact {when}) [95\\% CI]"),
        Column(f"P(any defection by {until}) [95% CI]", f"P(any defection by {until}) [95\\% CI]"),
        Column("Median months to first defection", "Median months to first defection"),
        Column("US cost (budget units)", "US cost (budget units)"),
        Column("Δ per unit of US cost", "$\\Delta$ per unit of US cost"),
    ]
    if spread:
        columns.insert(4, Column(f"{name} across draws (5–95%)", f"{name} across draws (5--95\\%)"))
    if multi:
        columns.insert(0, Column("Scenario", "Scenario", "l"))
    rows = []
    for _, r in ranking.iterrows():
        is_ref = r["strategy"] == reference
        pair = (r["mean_diff"], r["diff_lower"], r["diff_upper"])
        intact = (r.get("p_intact"), r.get("p_intact_lower"), r.get("p_intact_upper"))
        ever = (r.get("p_defected"), r.get("p_defected_lower"), r.get("p_defected_upper"))
        cells = [
            str(int(r["rank"])),
            show(r["strategy"]),
            format_interval(r["mean"], r["mean_lower"], r["mean_upper"], digits=digits),
            "ref." if is_ref else format_interval(*pair, digits=digits),
            format_probability(*intact),
            format_probability(*ever),
            format_number(r.get("median_time_to_defection"), 1, na=NOT_REACHED),
            format_number(r.get("mean_us_cost"), digits=digits),
            MISSING if is_ref else format_number(r.get("effect_per_cost"), digits=digits),
        ]
        if spread:
            cells.insert(4, format_range(r["spread_lower"], r["spread_upper"], digits=digits))
        if multi:
            cells.insert(0, _label(r["scenario"]))
        rows.append(tuple(cells))
    return Table(tuple(columns), tuple(rows))


def ranking_notes(reference: str = REFERENCE) -> tuple[str, ...]:
    """What the ranking table's terms mean, printed under it."""
    return (
        f"Δ: paired difference from {_label(reference)} over the same replicate worlds "
        "(common random numbers), with a bootstrap interval. No p-values or effect sizes: "
        "with thousands of simulated worlds any difference is significant (they stay in "
        "ranking.parquet). Across draws (when shown): 5th to 95th percentile of the means "
        "at each of the design's parameter draws.",
        "P(intact): share of worlds in which, at the horizon, every member is aligned and "
        "the bloc's tie graph is connected. P(any defection): share of worlds in which a "
        "member fell below the alignment threshold at any time (one minus the survival "
        "curve at the horizon); a member can defect and return, so the two need not add up "
        "to one.",
        "Median months to first defection: where the Kaplan-Meier survival curve falls to "
        "one half; n.r. (not reached): it stays above one half to the horizon.",
        "US cost: budget units spent over the run, the sum of each month's lever costs "
        "times their intensities (the default budget is 1 unit a month).",
    )


def sensitivity_table(
    indices: pd.DataFrame, *, digits: int = 3, labels: Mapping[str, str] | None = None
) -> Table:
    """Sobol (S1, ST) or Morris (mu*, sigma) indices, most influential parameter first.

    Intervals are estimate +/- SALib's half-width ``*_conf``. Parameters read as their
    ``labels`` (config path -> label), with the configuration key beside them.
    """
    show = _namer(labels)
    name = Column("Parameter", "Parameter", "l")
    key = Column("Configuration key", "Configuration key", "l")

    def interval(row: pd.Series, key: str) -> str:
        est, half = row[key], row[f"{key}_conf"]
        return format_interval(est, est - half, est + half, digits=digits)

    if {"S1", "ST"} <= set(indices.columns):
        data = indices.sort_values("ST", ascending=False)
        columns = (
            name,
            key,
            Column("S1 [95% CI]", r"$S_1$ [95\% CI]"),
            Column("ST [95% CI]", r"$S_T$ [95\% CI]"),
        )
        rows = [
            (show(r["parameter"]), str(r["parameter"]), interval(r, "S1"), interval(r, "ST"))
            for _, r in data.iterrows()
        ]
    elif {"mu_star", "sigma"} <= set(indices.columns):
        data = indices.sort_values("mu_star", ascending=False)
        columns = (name, key, Column("μ* [95% CI]", r"$\mu^*$ [95\% CI]"), Column("σ", r"$\sigma$"))
        rows = [
            (
                show(r["parameter"]),
                str(r["parameter"]),
                interval(r, "mu_star"),
                format_number(r["sigma"], digits=digits),
            )
            for _, r in data.iterrows()
        ]
    else:
        raise ValueError("indices need S1/ST (Sobol) or mu_star/sigma (Morris) columns")
    return Table(columns, tuple(rows))
