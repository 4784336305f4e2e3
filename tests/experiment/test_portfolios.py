"""The portfolio search: its space, its optimiser on a known optimum, and resuming a killed study."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import optuna
import pytest
from optuna.trial import TrialState

from sim.common.errors import ConfigError
from sim.experiment.portfolio_space import build_portfolio, from_params, from_trial, parse_menu
from sim.experiment.robust_configuration import PortfolioConfig
from sim.experiment.study import count, open_study, run_worker

STATES = ("CHN", "RUS", "IRN", "PRK")
ROOT = Path(__file__).resolve().parents[2]


def test_menu_is_checked_against_levers_and_states() -> None:
    items = parse_menu(["alliances", "deal:PRK", "tariffs:CHN"], STATES)
    assert [item.tag for item in items] == ["alliances", "deal_PRK", "tariffs_CHN"]
    with pytest.raises(ConfigError, match="unknown lever 'bribe'"):
        parse_menu(["bribe:PRK"], STATES)
    with pytest.raises(ConfigError, match="needs a target"):
        parse_menu(["deal:FRA"], STATES)
    with pytest.raises(ConfigError, match="takes no target"):
        parse_menu(["alliances:JPN"], STATES)
    with pytest.raises(ConfigError, match="twice"):
        parse_menu(["deal:PRK", "deal:PRK"], STATES)


def test_a_trial_and_its_parameters_build_the_same_strategy() -> None:
    menu = parse_menu(["alliances", "deal:PRK", "deal:RUS"], STATES)
    settings = PortfolioConfig(max_start=24, start_step=6)
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(3))
    trial = study.ask()
    live = build_portfolio("p", menu, settings, from_trial(trial))
    replayed = build_portfolio("p", menu, settings, from_params(trial.params))
    assert live == replayed
    starts = [lever.start for lever in live.levers]
    assert starts == sorted(starts)  # the order of levers is the order of their start months
    assert all(lever.start % 6 == 0 and lever.start <= 24 for lever in live.levers)
    assert all(lever.cut == ["military"] for lever in live.levers if lever.kind == "deal")


def known_optimum(trial: optuna.Trial) -> tuple[float, float]:
    """Cheap test objective: the best single-lever portfolio is a Pyongyang deal at intensity
    0.7 from month 12; every other lever adds to the first objective and to the second."""
    menu = parse_menu(["alliances", "deal:PRK", "tariffs:CHN", "sanctions:IRN"], STATES)
    strategy = build_portfolio("p", menu, PortfolioConfig(max_start=36, start_step=6), from_trial(trial))
    deal = [lever for lever in strategy.levers if lever.kind == "deal"]
    miss = (deal[0].intensity - 0.7) ** 2 + ((deal[0].start - 12) / 36) ** 2 if deal else 1.0
    return miss + 0.3 * (len(strategy.levers) - len(deal)), float(len(strategy.levers))


@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")
def test_the_optimiser_finds_the_known_optimum(tmp_path: Path) -> None:
    sampler = optuna.samplers.TPESampler(seed=1, multivariate=True, group=True)
    study = open_study(tmp_path, ["minimize", "minimize"], sampler)
    run_worker(study, known_optimum, target=150, progress=False)
    single = [t for t in study.best_trials if t.values[1] == 1.0]
    assert single, "no one-lever portfolio on the Pareto front"
    params = single[0].params
    assert params["use_deal_PRK"] and abs(params["intensity_deal_PRK"] - 0.7) <= 0.1
    assert abs(params["start_deal_PRK"] - 12) <= 6
    assert single[0].values[0] < 0.03
    assert any(list(t.values) == [1.0, 0.0] for t in study.best_trials)  # the empty portfolio


WORKER = textwrap.dedent(
    """
    import sys, time
    import optuna
    from sim.experiment.study import open_study, run_worker

    def slow(trial):
        x = trial.suggest_float("x", 0, 1)
        time.sleep(0.4)
        return (x - 0.3) ** 2, x

    study = open_study(sys.argv[1], ["minimize", "minimize"], optuna.samplers.RandomSampler(seed=0))
    run_worker(study, slow, target=int(sys.argv[2]), worker=0, progress=False)
    """
)


def test_an_interrupted_study_resumes_without_losing_trials(tmp_path: Path) -> None:
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, str(script), str(tmp_path), "12"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            time.sleep(0.1)
            if not (tmp_path / "study.journal").exists():
                continue
            study = open_study(tmp_path)
            running = study.get_trials(states=(TrialState.RUNNING,))
            if count(study, (TrialState.COMPLETE,)) >= 3 and len(running) == 1 and running[0].params:
                os.kill(process.pid, signal.SIGKILL)
                break
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL, "the worker finished before it could be killed"
    before = open_study(tmp_path)
    done = {t.number: t.values for t in before.get_trials(states=(TrialState.COMPLETE,))}
    stale = before.get_trials(states=(TrialState.RUNNING,))
    assert len(stale) == 1 and len(done) >= 3

    subprocess.run(
        [sys.executable, str(script), str(tmp_path), "12"], cwd=ROOT, env=env, check=True, timeout=120
    )
    after = open_study(tmp_path)
    complete = after.get_trials(states=(TrialState.COMPLETE,))
    assert len(complete) == 12
    assert {t.number: t.values for t in complete if t.number in done} == done  # nothing lost or redone
    failed = after.get_trials(states=(TrialState.FAIL,))
    assert [t.number for t in failed] == [stale[0].number]
    retried = [t for t in complete if t.user_attrs.get("retry_of") == stale[0].number]
    assert len(retried) == 1 and retried[0].params == stale[0].params
    assert not after.get_trials(states=(TrialState.RUNNING, TrialState.WAITING))
