"""Bad input refused before anything runs: one line naming the key or file and what is allowed.

Each row of a table below is an input that used to run with exit status 0 and produce
results that silently ignored or misread it (issue: no silent wrong results). The
configuration goes through the entry point's own steps (Hydra composition, schema and
key checks, then the checks run before any job), in-process for speed; the command-line
cases in ``test_entry_point_refusals.py`` check the exit status and what is printed.
"""

from __future__ import annotations

import logging

import pytest

from sim.common.errors import ConfigError
from sim.experiment.preflight import preflight
from tests.experiment.conftest import compose


def refusal(*overrides: str) -> str:
    """The one-line message with which the configuration is refused (fails if accepted)."""
    with pytest.raises(ConfigError) as caught:
        preflight(compose(*overrides))
    return str(caught.value)


EVENT = "scenario.events=[{{date:'2025-03',kind:{kind},actors:{actors},magnitude:{magnitude}}}]"

REFUSED = [
    # 1. unknown keys anywhere, and mapping keys outside their vocabulary
    (
        ["+model.rationalty=20"],
        "model.rationalty: unknown key; did you mean 'rationality'? (allowed: tie_rate",
    ),
    (["+foo=1"], "foo: unknown key (allowed: scenario, strategy, model, replicates"),
    (["+scenario.foo=1"], "scenario.foo: unknown key (allowed: name, start, data"),
    (["+strategy.foo=1"], "strategy.foo: unknown key (allowed: name, description, levers, adaptive)"),
    (["+experiment.outcomes=intact"], "experiment.outcomes: unknown key; did you mean 'outcome'?"),
    (["+design.sample=8"], "design.sample: unknown key; did you mean 'samples'?"),
    (["+scenario.us.budjet=2"], "scenario.us.budjet: unknown key; did you mean 'budget'?"),
    (
        ["strategy=pyongyang_deal", "+model.layer_weights.nuclear=1.0"],
        "model.layer_weights.nuclear: unknown key (allowed: energy, military, economic, diplomatic, treaty)",
    ),
    (["+model.lever_costs.bribes=1"], "model.lever_costs.bribes: unknown key (allowed: deal, sanctions"),
    (
        ["+scenario.us.deal_credibility.FRA=0.5"],
        "scenario.us.deal_credibility.FRA: unknown key (allowed: CHN, RUS, IRN, PRK)",
    ),
    (
        ["+scenario.swing_buyers.IND=0.5"],
        "scenario.swing_buyers.IND: unknown key",
    ),
    (["~model.layer_weights.treaty"], "model.layer_weights: lacks ['treaty']"),
    (
        ["experiment=sensitivity", "design.parameters.0.name=model.layer_weights.nuclear"],
        "model.layer_weights.nuclear: unknown key (allowed: energy",
    ),
    # 3. names that become file and directory names
    (
        ["strategy.name=/../../../../x"],
        "strategy.name: '/../../../../x' is not a safe name (allowed: a letter",
    ),
    (["scenario.name=../x"], "scenario.name: '../x' is not a safe name"),
    (["experiment.name=a/b"], "experiment.name: 'a/b' is not a safe name"),
    (
        ["experiment=sensitivity", "design.parameters.0.name=model.deal_value/../../x"],
        "design.parameters[0].name: 'model.deal_value/../../x' is not a parameter path",
    ),
    # 7. one strategy listed twice would label two results alike
    (
        ["experiment.strategies=[status_quo,status_quo]"],
        "experiment.strategies: 'status_quo' is listed twice",
    ),
    # 9. a job that cannot fit in memory (record_ties: about 1 MB per replicate)
    (
        ["replicates=10000000", "record_ties=true"],
        "replicates: this job needs about",
    ),
    # 11. magnitudes by kind, duplicated levers, design values outside their ranges
    (
        [EVENT.format(kind="treaty", actors="[CHN,RUS]", magnitude=50)],
        "scenario.events[0].magnitude: 50.0 is out of range for a 'treaty' event (allowed: [0.0, 1.0])",
    ),
    (
        [EVENT.format(kind="war", actors="[RUS]", magnitude=-1)],
        "scenario.events[0].magnitude: -1.0 is out of range for a 'war' event",
    ),
    (
        ["scenario.random_shocks=[{kind:oil_price,rate:0.1,magnitude:40}]"],
        "scenario.random_shocks[0].magnitude: 40.0 is out of range for a 'oil_price' event",
    ),
    (
        ["strategy.levers=[{kind:deal,target:PRK},{kind:deal,target:PRK,start:6}]"],
        "strategy.levers[1] of 'status_quo': a second 'deal' lever on PRK while levers[0] acts",
    ),
    (
        [
            "experiment=compare_strategies",
            "strategy.levers=[{kind:sanctions,target:IRN},{kind:sanctions,target:IRN}]",
        ],
        "strategy: not used, experiment.strategies lists the strategies this job runs",
    ),
    (
        ["experiment=compare_strategies", "strategy=moscow_deal"],
        "strategy: not used, experiment.strategies lists the strategies this job runs",
    ),
    (
        ["experiment=phase_diagram", "design.parameters.0.high=5"],
        "design: at its highest values: model.deal_value: value 5.0 is out of range (allowed: [0.0, 3.0])",
    ),
    (
        ["experiment=phase_diagram", "design.parameters.1.low=-1"],
        "design: at its lowest values: scenario.tie_scale.CHN_PRK: value -1.0 is out of range",
    ),
    (
        ["experiment=budget_frontier", "design.parameters.0.values=[0.5,1.0,200.0]"],
        "design: at its highest values: scenario.us.budget: value 200.0 is out of range",
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), REFUSED, ids=[" ".join(o) for o, _ in REFUSED])
def test_bad_input_is_refused_with_one_line_naming_it(overrides, expected):
    message = refusal(*overrides)
    assert expected in message
    assert "\n" not in message


def test_the_memory_refusal_gives_an_override_that_fits():
    message = refusal("replicates=10000000", "record_ties=true")
    suggested = message.split("-m replicates=")[1].split(" ")[0]
    assert 0 < int(suggested) < 10_000_000
    assert f"'first_replicate=range(0,10000000,{suggested})'" in message
    preflight(compose(f"replicates={suggested}", "record_ties=true", "horizon=48"))


def test_a_constant_the_posterior_draws_cannot_be_overridden():
    message = refusal("experiment=compare_strategies", "model.deal_value=3.0")
    assert message.startswith("model.deal_value: set to 3.0, but every world draws it from the draws of")
    assert "scenario.uncertainty.file=null" in message
    at_defaults = "scenario.uncertainty.file=null"
    preflight(compose("experiment=compare_strategies", "model.deal_value=3.0", at_defaults))
    preflight(compose("experiment=compare_strategies", "model.aligned_threshold=0.6"))  # not drawn


def test_levers_of_one_kind_on_one_target_may_follow_each_other():
    preflight(compose("strategy.levers=[{kind:deal,target:PRK,end:6},{kind:deal,target:PRK,start:6}]"))


def test_shipped_experiments_pass_every_check():
    for experiment in ("compare_strategies", "budget_frontier", "phase_diagram", "sensitivity", "screening"):
        preflight(compose(f"experiment={experiment}"))
    preflight(compose("experiment=hindcast"))


def test_levers_and_events_after_the_horizon_are_warned_about(caplog):
    with caplog.at_level(logging.WARNING, logger="sim"):
        preflight(compose("strategy=sequenced", "horizon=12"))
        preflight(compose("scenario=hindcast_2021", "horizon=12"))
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert (
        "strategy 'sequenced' levers[2] starts in month 18, after the horizon of 12 months: it never acts"
        in warnings
    )
    assert (
        "scenario.events[6] (2024-12, abandonment) is after the last month 2021-12: it never acts" in warnings
    )
    assert not [w for w in warnings if "events[0]" in w]  # 2021-07 is inside the horizon


def test_every_shipped_strategy_and_scenario_is_named_as_its_file():
    from sim.experiment.configuration import available, load_scenario, load_strategy

    for name in available("strategy"):
        assert load_strategy(name).name == name
    for name in available("scenario"):
        assert load_scenario(name).name == name


def test_a_listed_strategy_named_unlike_its_file_is_refused(tmp_path, monkeypatch):
    import shutil

    from sim.experiment import configuration

    copy = tmp_path / "configs"
    shutil.copytree(configuration.CONFIG_DIR, copy)
    (copy / "strategy" / "pyongyang_soft.yaml").write_text(
        "name: pyongyang_deal\nlevers: [{kind: deal, target: PRK, intensity: 0.5}]\n"
    )
    monkeypatch.setattr(configuration, "CONFIG_DIR", copy)
    with pytest.raises(ConfigError, match=r"strategy.name: the strategy file pyongyang_soft.yaml is named"):
        configuration.load_strategy("pyongyang_soft")
