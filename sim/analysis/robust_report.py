"""The robustness report: the robust ranking over the ensemble, then scenario discovery per wedge.

Reads the gathered dataset only. Draws in which the reference strategy breaks the
plausibility criterion (by default: with no US action the bloc does not stay intact in
most worlds, contrary to the 2025 situation) are set aside before anything is computed;
their number is written to ``ensemble.json`` and stated in the tables' captions.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pandas as pd

from sim.analysis import descriptions as say
from sim.analysis.presentation import Presentation, draw
from sim.common.goals import Goal, parse_goal
from sim.experiment.configuration import Config
from sim.experiment.dataset import Dataset, IncompleteSweepError
from sim.experiment.storage import atomic_write_bytes, write_json, write_parquet
from sim.publish import discovery as sd
from sim.publish import robustness as rb
from sim.publish import tables
from sim.publish.discovery import short
from sim.publish.figures.discovery import plot_discovery
from sim.publish.figures.robustness import plot_cost_effect, plot_robust_comparison

log = logging.getLogger("sim")
EVENT_WORDS = {"intact < 1": "splits the bloc (it is not intact at the horizon)"}


def ensemble_parameters(dataset: Dataset, config: Config) -> list[str]:
    """The uncertain parameters, as columns of the summary: the design's, or those of the
    model's own ensemble (``scenario.uncertainty``: parameters or the columns of its file)."""
    names = [spec.name for spec in config.design.parameters]
    names += [spec.name for spec in config.scenario.uncertainty.parameters]
    drawn = [c for c in dataset.summary.columns if c.startswith(("model.", "scenario.", "strategy."))]
    return [name for name in dict.fromkeys(names + drawn) if name in dataset.summary.columns]


def plausible_summary(dataset: Dataset, config: Config) -> tuple[pd.DataFrame, dict]:
    """The summary restricted to plausible draws, and what was kept."""
    summary = dataset.summary
    key = rb.draw_key(summary)
    robust = config.robustness
    criterion = parse_goal("robustness.plausible", robust.plausible)
    reference = config.experiment.reference
    kept = rb.plausible_draws(summary, reference, criterion, robust.plausible_level, key)
    total = summary[key].nunique()
    if len(kept) < 2:
        raise IncompleteSweepError(
            f"only {len(kept)} of {total} draws are plausible ({reference} meets '{criterion}' in at "
            f"least {robust.plausible_level:.0%} of worlds); draw more (design.samples) or lower "
            "robustness.plausible_level"
        )
    info = {
        "draws": int(total),
        "plausible_draws": len(kept),
        "plausible": f"{reference}: P({criterion}) >= {robust.plausible_level}",
        "replicates_per_draw": int(summary.groupby([key, "strategy"]).size().iloc[0]),
        "strategies": sorted(summary["strategy"].unique()),
        "parameters": ensemble_parameters(dataset, config),
    }
    return summary[summary[key].isin(kept)], info


def robustness_report(dataset: Dataset, config: Config, out: Path, look: Presentation) -> list[Path]:
    """Robust ranking (table, figures) and scenario discovery of every wedge.

    The three-panel comparison and the discovery figures need the full text width and are
    drawn at two columns only (``<name>-wide``); the cost-effect plot at every width.
    """
    summary, info = plausible_summary(dataset, config)
    robust = config.robustness
    outcome = str(config.experiment.outcome)
    goal = parse_goal("robustness.goal", robust.goal)
    ranking = rb.robust_ranking(
        summary,
        outcome,
        goal,
        reference=config.experiment.reference,
        goal_level=robust.goal_level,
        quantile=robust.regret_quantile,
        resamples=robust.resamples,
    )
    write_parquet(ranking, out / "robust_ranking.parquet")
    write_json({**info, "outcome": outcome, "goal": str(goal)}, out / "ensemble.json")
    caption = (
        f"Strategies ranked by mean regret in {rb.outcome_words(outcome)} over {info['plausible_draws']} "
        f"plausible parameter draws of {info['draws']} x {info['replicates_per_draw']} replicate worlds."
    )
    table = rb.robust_table(ranking, outcome, goal, quantile=robust.regret_quantile)
    written = list(
        tables.write_table(
            table, out / "robust_ranking", caption=f"{caption} {look.facts}", label="tab:robust"
        )
    )
    regrets = rb.regret_frame(summary, outcome)
    written += draw(
        replace(look, widths=("two_column",)),
        lambda w: plot_robust_comparison(
            ranking,
            regrets,
            outcome=rb.outcome_words(outcome),
            goal=rb.goal_words(goal),
            reference=look.reference,
            quantile=robust.regret_quantile,
            width=w,
        ),
        out / "robust_comparison",
        say.robust_comparison(robust.regret_quantile),
    )
    written += draw(
        look,
        lambda w: plot_cost_effect(
            ranking, outcome=rb.outcome_words(outcome), reference=look.reference, width=w
        ),
        out / "cost_effect",
        say.cost_effect(outcome),
    )
    written += discovery_report(summary, config, info, out, look)
    return written


def discovery_report(
    summary: pd.DataFrame, config: Config, info: dict, out: Path, look: Presentation
) -> list[Path]:
    """PRIM, CART and feature scores per wedge; a Markdown page of plain-language findings."""
    robust = config.robustness
    split = parse_goal("robustness.split", robust.split)
    reference = config.experiment.reference
    event = EVENT_WORDS.get(str(split), f"makes '{split}' happen")
    wedges = [s for s in sorted(summary["strategy"].unique()) if s != reference]
    written: list[Path] = []
    findings = []
    for wedge in wedges:
        cases = sd.discovery_cases(summary, wedge, reference, split, robust.case_lift, info["parameters"])
        result = sd.prim_box(
            cases.x,
            cases.y,
            robust.prim_threshold,
            robust.prim_max_dims,
            robust.prim_max_qp,
            robust.prim_min_coverage,
        )
        sentence = sd.describe_box(wedge, result, event, int(cases.y.sum()), len(cases.y), robust.prim_max_qp)
        cart = sd.cart_leaf(cases.x, cases.y)
        findings.append(_finding(wedge, cases, result, cart, sentence))
        if result is None:
            continue
        scores = sd.feature_scores(cases.x, cases.y)
        limits = _limits_with_scores(result.limits, scores, cart)
        write_parquet(limits, out / f"discovery_{wedge}.parquet")
        write_parquet(result.trajectory.reset_index(names="box"), out / f"peeling_{wedge}.parquet")
        written += list(
            tables.write_table(
                _limits_table(limits), out / f"discovery_{wedge}", caption=f"{sentence} {look.facts}"
            )
        )
        written += draw(
            replace(look, widths=("two_column",)),
            lambda w, r=result, s=scores, v=wedge: plot_discovery(
                r.trajectory, r.chosen, r.limits, s, title=_title(v), width=w
            ),
            out / f"discovery_{wedge}",
            say.discovery(wedge, sentence),
        )
    frame = pd.DataFrame(findings)
    write_parquet(frame, out / "discovery_summary.parquet")
    written.append(_write_findings(frame, split, robust.case_lift, reference, info, out / "discovery.md"))
    return written


def _title(wedge: str) -> str:
    return f"Where the {sd.STRATEGY_WORDS.get(wedge, wedge.replace('_', ' '))} splits the bloc"


def _finding(wedge: str, cases: sd.Cases, result, cart, sentence: str) -> dict:
    return {
        "strategy": wedge,
        "cases": int(cases.y.sum()),
        "draws": len(cases.y),
        "coverage": result.coverage if result else float("nan"),
        "density": result.density if result else float("nan"),
        "restricted": ", ".join(result.limits["parameter"]) if result else "",
        "cart_rule": cart.rule if cart else "",
        "cart_density": cart.density if cart else float("nan"),
        "cart_coverage": cart.coverage if cart else float("nan"),
        "summary": sentence,
    }


def _limits_with_scores(limits: pd.DataFrame, scores: pd.DataFrame, cart) -> pd.DataFrame:
    ranks = {name: k + 1 for k, name in enumerate(scores["parameter"])}
    used = set(cart.parameters) if cart else set()
    return limits.assign(
        score_rank=[ranks.get(p) for p in limits["parameter"]],
        in_cart=[p in used for p in limits["parameter"]],
    )


def _limits_table(limits: pd.DataFrame) -> tables.Table:
    columns = (
        tables.Column("Parameter", "Parameter", "l"),
        tables.Column("Range in ensemble", "Range in ensemble"),
        tables.Column("Box", "Box"),
        tables.Column("Quasi-p", "Quasi-$p$"),
        tables.Column("Feature-score rank", "Feature-score rank"),
        tables.Column("In CART rule", "In CART rule"),
    )
    rows = []
    for _, r in limits.iterrows():
        qps = [q for q in (r["qp_low"], r["qp_high"]) if pd.notna(q)]
        rows.append(
            (
                short(r["parameter"]),
                f"{tables.format_number(r['full_low'])} to {tables.format_number(r['full_high'])}",
                f"{tables.format_number(r['low'])} to {tables.format_number(r['high'])}",
                tables.format_pvalue(max(qps)) if qps else tables.MISSING,
                str(r["score_rank"]),
                "yes" if r["in_cart"] else "no",
            )
        )
    return tables.Table(columns, tuple(rows))


def _write_findings(
    frame: pd.DataFrame, split: Goal, lift: float, reference: str, info: dict, path: Path
) -> Path:
    lines = [
        "# Scenario discovery: where each wedge splits the bloc",
        "",
        f"A draw is a case for a wedge when the wedge raises P({split}) over {reference.replace('_', ' ')} "
        f"by at least {lift:g} in that draw's worlds; {info['plausible_draws']} plausible draws of "
        f"{info['draws']}, {info['replicates_per_draw']} worlds each. PRIM box (coverage, density); "
        "CART's richest leaf as a cross-check.",
        "",
    ]
    for _, row in frame.iterrows():
        lines.append(f"- {row['summary']}")
        if row["cart_rule"]:
            lines.append(
                f"  CART: {row['cart_rule']} (density {row['cart_density']:.0%}, "
                f"coverage {row['cart_coverage']:.0%})."
            )
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode())
    return path
