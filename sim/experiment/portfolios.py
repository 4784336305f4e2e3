"""Optimised wedge portfolios: a multi-objective Optuna search, robust over the ensemble.

Each candidate portfolio (:mod:`sim.experiment.portfolio_space`) runs on every plausible
draw of the ensemble (the experiment's design, as in the robustness experiment) with the
same replicate worlds; its objectives are a robust statistic of the outcome over draws
(the mean, or a quantile of the bad tail) and the mean US cost. The study lives in
``study.journal`` in the run or sweep directory (:mod:`sim.experiment.study`): every Hydra
job is one worker, workers share the study, and a killed search resumes where it stopped.
The named strategies run once on the same draws and are stored with the study, so the
report compares the Pareto front with them (and with the adaptive US) on equal terms.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import optuna
from mesa import Agent
from tqdm.auto import tqdm

from sim.common.errors import ConfigError
from sim.common.goals import Goal, lower_is_better, parse_goal
from sim.experiment.configuration import Config, load_strategy, plain
from sim.experiment.designs import POINT, build_design
from sim.experiment.portfolio_space import build_portfolio, from_trial, parse_menu
from sim.experiment.provenance import code_version, config_hash, package_versions
from sim.experiment.runner import check_design, with_point
from sim.experiment.storage import now, write_json
from sim.experiment.study import open_study, run_worker
from sim.model.bloc_model import BlocModel
from sim.model.parameters import RunConfig, StrategyConfig
from sim.model.worlds import Worlds

log = logging.getLogger("sim")
IGNORED = ("trials", "worker", "compare")  # settings a resumed or parallel search may change
SEARCH_SETTINGS = ("scenario", "model", "design", "replicates", "horizon", "seed", "first_replicate")
JUDGED_BY = {
    "experiment": ("outcome", "reference", "strategies"),
    "robustness": ("goal", "plausible", "plausible_level"),
}


@dataclass(frozen=True)
class Ensemble:
    """The draws a candidate is evaluated on, and what it is judged by."""

    base: RunConfig
    points: list[dict[str, float]]
    draws: list[int]
    first_replicate: int
    outcome: str
    goal: Goal


@dataclass(frozen=True)
class DrawResults:
    """Per-draw means over the replicate worlds."""

    outcome: np.ndarray
    cost: np.ndarray
    goal: np.ndarray

    def as_attrs(self) -> dict[str, list[float]]:
        return {name: [float(v) for v in getattr(self, name)] for name in ("outcome", "cost", "goal")}


def ensemble(config: Config) -> Ensemble:
    """Every draw of the experiment's design (all chunks: a worker evaluates the whole ensemble)."""
    check_design(config)
    base = RunConfig(**{f.name: getattr(config, f.name) for f in dataclasses.fields(RunConfig)})
    base = dataclasses.replace(base, record_timeseries=False, record_ties=False)
    design = build_design(dataclasses.replace(config.design, chunk=0, chunk_size=0))
    points = [{k: v for k, v in row.items() if k != POINT} for row in design.to_dict("records")]
    return Ensemble(
        base,
        points,
        [int(p) for p in design[POINT]],
        config.first_replicate,
        str(config.experiment.outcome),
        parse_goal("robustness.goal", config.robustness.goal),
    )


def run_draws(strategy: StrategyConfig, ensemble: Ensemble, draws: list[int]) -> dict[str, np.ndarray]:
    """The per-replicate summary of one strategy on the given draws, all in one batch of
    worlds (replicate r of a draw is the same world as in a design chunk or alone); the
    ``point`` column names each row's draw."""
    names = list(ensemble.points[0]) if ensemble.points else []
    values = {name: [ensemble.points[index][name] for index in draws] for name in names}
    replicates = np.arange(ensemble.first_replicate, ensemble.first_replicate + ensemble.base.replicates)
    worlds = Worlds.product(values, replicates, point_ids=draws)
    run = with_point(dataclasses.replace(ensemble.base, strategy=strategy), {})
    model = BlocModel(run, worlds=worlds).run()
    summary = model.recorder.summary()
    Agent._ids.pop(model, None)  # Mesa 3.3 keeps every model otherwise (mesa/mesa#3179)
    return {**summary, POINT: worlds.point[model.recorder.world_index("summary")]}


def evaluate(strategy: StrategyConfig, ensemble: Ensemble, draws: list[int]) -> DrawResults:
    """Per-draw mean outcome, mean US cost and P(goal) of ``strategy`` on the given draws."""
    summary = run_draws(strategy, ensemble, draws)
    met = ensemble.goal.met(summary[ensemble.goal.outcome], summary["defected"])
    means = {
        name: _per_draw(summary[POINT], values, draws)
        for name, values in (
            ("outcome", summary[ensemble.outcome]),
            ("cost", summary["us_cost"]),
            ("goal", met),
        )
    }
    return DrawResults(means["outcome"], means["cost"], means["goal"])


def _per_draw(points: np.ndarray, values: np.ndarray, draws: list[int]) -> np.ndarray:
    """Mean of ``values`` over the worlds of each draw, in the order of ``draws``."""
    values = np.asarray(values, dtype=float)
    return np.array([values[points == draw].mean() for draw in draws])


def plausible(config: Config, ensemble: Ensemble) -> list[int]:
    """Indices of draws where the reference strategy meets the plausibility criterion."""
    robust = config.robustness
    criterion = parse_goal("robustness.plausible", robust.plausible)
    every = list(range(len(ensemble.points)))
    summary = run_draws(load_strategy(config.experiment.reference), ensemble, every)
    share = _per_draw(summary[POINT], criterion.met(summary[criterion.outcome], summary["defected"]), every)
    kept = [index for index in every if share[index] >= robust.plausible_level]
    if len(kept) < 2:
        raise ConfigError(
            "design.samples",
            f"only {len(kept)} of {len(ensemble.points)} draws are plausible under '{criterion}'",
            "more draws, or a lower robustness.plausible_level",
        )
    return kept


def robust_value(values: np.ndarray, outcome: str, statistic: str, quantile: float) -> float:
    """The mean over draws, or the quantile of the bad tail (high when lower is better)."""
    if statistic == "mean":
        return float(np.mean(values))
    q = quantile if lower_is_better(outcome) else 1 - quantile
    return float(np.quantile(values, q))


def directions(outcome: str) -> list[str]:
    return ["minimize" if lower_is_better(outcome) else "maximize", "minimize"]


def identity(config: Config) -> str:
    """What a study is about: the world and ensemble its candidates run on, what they are
    judged by, and the search space (not the settings a resumed or parallel worker may change)."""
    resolved = plain(config)
    subject = {key: resolved[key] for key in SEARCH_SETTINGS}
    for group, keys in JUDGED_BY.items():
        subject[group] = {key: resolved[group][key] for key in keys}
    subject["portfolio"] = {k: v for k, v in resolved["portfolio"].items() if k not in IGNORED}
    return config_hash(subject)


def prepare_study(config: Config, directory: Path) -> optuna.Study:
    """Open (or create) the study; refuse one made for another configuration; store the
    plausible draws and the named strategies' results once."""
    settings = config.portfolio
    sampler = optuna.samplers.TPESampler(seed=settings.seed + settings.worker, multivariate=True, group=True)
    study = open_study(directory, directions(str(config.experiment.outcome)), sampler)
    attrs = study.user_attrs
    if "identity" in attrs and attrs["identity"] != identity(config):
        raise ConfigError(
            "hydra.sweep.dir",
            f"{directory} holds a study of another configuration; it is kept as it is",
            "a new directory (hydra.sweep.dir=... or hydra.run.dir=...) for a new search",
        )
    if "identity" not in attrs:
        study.set_user_attr("identity", identity(config))
        study.set_user_attr("config", plain(config))
    points = ensemble(config)
    if "draws" not in study.user_attrs:
        study.set_user_attr("draws", plausible(config, points))
    if settings.worker == 0 and "named" not in study.user_attrs:
        draws = study.user_attrs["draws"]
        names = tqdm(config.experiment.strategies, desc="named strategies", leave=False)
        named = {name: evaluate(load_strategy(name), points, draws).as_attrs() for name in names}
        study.set_user_attr("named", named)
    return study


def objective(config: Config, study: optuna.Study):
    """The two objectives of a candidate: robust outcome over plausible draws, mean US cost."""
    points = ensemble(config)
    menu = parse_menu(config.portfolio.menu, config.scenario.states)
    draws = study.user_attrs["draws"]
    settings = config.portfolio

    def evaluate_trial(trial: optuna.Trial) -> tuple[float, float]:
        strategy = build_portfolio(f"portfolio_{trial.number}", menu, settings, from_trial(trial))
        results = evaluate(strategy, points, draws)
        for name, values in results.as_attrs().items():
            trial.set_user_attr(name, values)
        trial.set_user_attr("levers", strategy.description)
        value = robust_value(results.outcome, points.outcome, str(settings.statistic), settings.quantile)
        return value, float(results.cost.mean())

    return evaluate_trial


def execute_search(config: Config, output: Path, search_root: Path) -> int:
    """One worker of the search: the study sits in ``search_root``, provenance in ``output``."""
    parse_menu(config.portfolio.menu, config.scenario.states)
    started = now()
    study = prepare_study(config, search_root)
    ran = run_worker(study, objective(config, study), config.portfolio.trials, config.portfolio.worker)
    record = {
        "worker": config.portfolio.worker,
        "trials_run": ran,
        "study": str(search_root / "study.journal"),
        "code": code_version(),
        "versions": package_versions(),
        "started": started,
        "finished": now(),
    }
    write_json(record, Path(output) / "worker.json")
    log.info("worker %d ran %d trials of the study in %s", config.portfolio.worker, ran, search_root)
    return ran
