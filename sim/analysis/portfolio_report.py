"""The portfolio report: the Pareto front of the study, and the front against the named strategies.

Reads the study journal only (the search already ran every candidate and the named
strategies on the same plausible draws). The comparison uses per-draw means, so its
intervals resample draws; the front was chosen on these draws, so its scores are
optimistic: check a front portfolio on fresh draws with the robustness experiment (each
front portfolio is written as a strategy file for that purpose, docs/robustness.md).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from sim.analysis.presentation import write_caption
from sim.common.goals import lower_is_better, parse_goal
from sim.experiment.configuration import plain, rehydrate
from sim.experiment.portfolio_space import build_portfolio, from_params, parse_menu
from sim.experiment.portfolios import robust_value
from sim.experiment.storage import atomic_write_bytes, write_parquet
from sim.experiment.study import open_study
from sim.publish import robustness as rb
from sim.publish import style, tables
from sim.publish.figures.portfolios import plot_pareto
from sim.publish.robustness import Cube


def _save(fig, path: Path) -> list[Path]:
    paths = list(style.save_figure(fig, path))
    plt.close(fig)
    return paths


def portfolio_report(root: Path, out: Path) -> list[Path]:
    """Pareto figure and tables, a robust ranking of the front with the named strategies, and
    each front portfolio as a strategy file."""
    study = open_study(root)
    attrs = study.user_attrs
    config = rehydrate(attrs["config"])
    settings, outcome = config.portfolio, str(config.experiment.outcome)
    menu = parse_menu(settings.menu, config.scenario.states)
    finished = [t for t in study.trials if t.state.name == "COMPLETE"]
    if not finished:
        raise FileNotFoundError(f"{root}: the study has no finished trial yet")
    front = distinct_front(study.best_trials)
    trials = pd.DataFrame(
        {
            "trial": [t.number for t in finished],
            "value": [t.values[0] for t in finished],
            "cost": [t.values[1] for t in finished],
            "front": [t.number in front for t in finished],
            "levers": [t.user_attrs.get("levers", "") for t in finished],
            "worker": [t.user_attrs.get("worker") for t in finished],
        }
    )
    write_parquet(trials, out / "trials.parquet")
    words = rb.outcome_words(outcome)
    if settings.statistic == "mean":
        objective = f"mean {words} over plausible draws"
    else:
        objective = f"{settings.quantile:g}-quantile of {words} over draws"
    named = pd.DataFrame(
        [
            {
                "strategy": name,
                "value": robust_value(
                    np.asarray(v["outcome"]), outcome, str(settings.statistic), settings.quantile
                ),
                "cost": float(np.mean(v["cost"])),
            }
            for name, v in attrs["named"].items()
        ]
    )
    caption = _pareto_caption(root, config, trials, objective)
    written = _pareto_figures(trials, named, objective, config, caption, out)
    best = [t for t in finished if t.number in front]
    written += _front_table(best, out)
    written += _comparison(attrs, compared(best, settings.compare), config, out)
    for trial in best:
        strategy = build_portfolio(f"portfolio_{trial.number}", menu, settings, from_params(trial.params))
        path = out / "portfolios" / f"portfolio_{trial.number}.yaml"
        atomic_write_bytes(path, OmegaConf.to_yaml(plain(strategy)).encode())
        written.append(path)
    return written


def _pareto_figures(
    trials: pd.DataFrame, named: pd.DataFrame, objective: str, config, caption: str, out: Path
) -> list[Path]:
    """The Pareto figure at every width of ``experiment.widths`` (``pareto_front``,
    ``pareto_front-wide``), each with its caption."""
    written: list[Path] = []
    for width in [str(w) for w in config.experiment.widths] or ["one_column"]:
        base = out / f"pareto_front{style.WIDTH_SUFFIX[width]}"
        fig = plot_pareto(trials, named, objective=objective, width=style.WIDTHS[width])
        written += _save(fig, base)
        written.append(write_caption(base, caption))
    return written


def _pareto_caption(root: Path, config, trials: pd.DataFrame, objective: str) -> str:
    """What the Pareto figure shows and which search made it (the figure alone says neither)."""
    return (
        "Every finished trial of the portfolio search (grey dots), the Pareto front of the robust "
        "outcome against mean US cost (step line and vermillion dots, one per distinct portfolio) "
        "and the named strategies on the same plausible draws (blue squares, the adaptive strategy "
        f"filled). Vertical axis: {objective}. {len(trials)} finished trials, "
        f"{int(trials['front'].sum())} portfolios on the front; horizon {config.horizon} months "
        f"({config.scenario.start} start), scenario {config.scenario.name}, seed "
        f"{config.portfolio.seed}. Source: {Path(root).resolve().name} (the Optuna study in it)."
    )


def distinct_front(trials: list) -> set[int]:
    """Trial numbers of the Pareto front, one per distinct portfolio (the first found)."""
    seen: dict[str, int] = {}
    for trial in sorted(trials, key=lambda t: t.number):
        seen.setdefault(trial.user_attrs.get("levers", str(trial.params)), trial.number)
    return set(seen.values())


def compared(best: list, count: int) -> list:
    """At most ``count`` front portfolios that use a lever: the one with the best robust outcome
    and the rest spread evenly along the cost axis."""
    acting = sorted((t for t in best if t.user_attrs.get("levers") != "no levers"), key=lambda t: t.values[1])
    if len(acting) <= count:
        return acting
    top = min(acting, key=lambda t: t.values[0])
    for points in (count, count - 1):
        spread = {acting[round(k)].number: acting[round(k)] for k in np.linspace(0, len(acting) - 1, points)}
        spread[top.number] = top
        if len(spread) <= count:
            break
    return sorted(spread.values(), key=lambda t: t.values[1])


def _front_table(best: list, out: Path) -> list[Path]:
    columns = (
        tables.Column("Portfolio", "Portfolio", "l"),
        tables.Column("Levers (intensity, start month)", "Levers (intensity, start month)", "l"),
        tables.Column("Robust outcome", "Robust outcome"),
        tables.Column("Mean US cost", "Mean US cost"),
    )
    rows = tuple(
        (
            f"portfolio {t.number}",
            t.user_attrs.get("levers", ""),
            tables.format_number(t.values[0]),
            tables.format_number(t.values[1]),
        )
        for t in sorted(best, key=lambda t: t.values[1])
    )
    return list(tables.write_table(tables.Table(columns, rows), out / "pareto_front"))


def _comparison(attrs: dict, best: list, config, out: Path) -> list[Path]:
    """Robust ranking of the named strategies and the front portfolios on the search's draws."""
    results = {name: values for name, values in attrs["named"].items()}
    results.update({f"portfolio_{t.number}": t.user_attrs for t in best})
    names = list(results)
    draws = np.asarray(attrs["draws"])

    def cube(field: str) -> Cube:
        values = np.array([results[name][field] for name in names], dtype=float).T[:, :, None]
        return Cube(draws, tuple(names), values)

    outcome = str(config.experiment.outcome)
    robust = config.robustness
    ranking = rb.ranking_from_cubes(
        cube("outcome"),
        cube("goal"),
        cube("cost"),
        lower=lower_is_better(outcome),
        reference=config.experiment.reference,
        goal_level=robust.goal_level,
        quantile=robust.regret_quantile,
        resamples=robust.resamples,
    )
    write_parquet(ranking, out / "portfolio_ranking.parquet")
    goal = parse_goal("robustness.goal", robust.goal)
    table = rb.robust_table(ranking, outcome, goal, quantile=robust.regret_quantile)
    caption = (
        f"Pareto-front portfolios and named strategies on the same {len(draws)} plausible draws "
        "(the draws the search used: front scores are optimistic)."
    )
    return list(tables.write_table(table, out / "portfolio_ranking", caption=caption, label="tab:portfolios"))
