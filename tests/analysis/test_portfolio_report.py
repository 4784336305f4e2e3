"""Which front portfolios the report shows and compares."""

from __future__ import annotations

from types import SimpleNamespace

from sim.analysis.portfolio_report import compared, distinct_front


def trial(number: int, outcome: float, cost: float, levers: str) -> SimpleNamespace:
    return SimpleNamespace(number=number, values=[outcome, cost], user_attrs={"levers": levers}, params={})


def test_the_front_keeps_one_trial_per_distinct_portfolio() -> None:
    front = [trial(8, 3.8, 0.0, "no levers"), trial(3, 3.8, 0.0, "no levers"), trial(5, 2.0, 9.0, "deal PRK")]
    assert distinct_front(front) == {3, 5}


def test_the_comparison_keeps_the_best_and_spreads_the_rest_along_cost() -> None:
    front = [trial(0, 3.8, 0.0, "no levers")]
    front += [trial(k, 3.0 - 0.1 * k, float(k), f"lever {k}") for k in range(1, 11)]
    chosen = compared(front, 4)
    numbers = [t.number for t in chosen]
    assert 0 not in numbers  # doing nothing is the status quo, already compared
    assert 10 in numbers  # the best robust outcome
    assert numbers[0] == 1 and len(numbers) == 4
    assert [t.values[1] for t in chosen] == sorted(t.values[1] for t in chosen)
    assert compared(front[:3], 4) == sorted(front[1:3], key=lambda t: t.values[1])
