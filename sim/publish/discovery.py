"""Scenario discovery: in which region of the uncertainty space does a wedge split the bloc?

A draw is a *case* for a wedge when, in that draw's worlds, the wedge raises the
probability of the split event (e.g. "intact < 1": the bloc is not intact at the horizon)
over the reference strategy by at least a stated lift. PRIM (the EMA Workbench's
implementation, Friedman and Fisher 1999; Bryant and Lempert 2010) peels the parameter
box towards the cases and reports the peeling trajectory (coverage against density); the
chosen box is the densest that keeps a stated share of the cases, stripped of restrictions
that are not significant, with each limit's quasi-p-value (the chance that the
restriction arose by luck). A CART tree (scikit-learn) and extra-trees
feature scores cross-check which parameters matter. A one-sentence summary is written
from the box.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.common.goals import Goal
from sim.publish.robustness import draw_key, goal_values

log = logging.getLogger("sim")


@dataclass(frozen=True)
class Cases:
    """Per-draw inputs of scenario discovery for one wedge."""

    x: pd.DataFrame  # one row per draw, one column per uncertain parameter
    y: np.ndarray  # bool: the draw is a case
    p_wedge: np.ndarray  # P(split) under the wedge, per draw
    p_reference: np.ndarray  # P(split) under the reference, per draw


def discovery_cases(
    summary: pd.DataFrame,
    wedge: str,
    reference: str,
    split: Goal,
    lift: float,
    parameters: Sequence[str],
    key: str | None = None,
) -> Cases:
    """Cases for ``wedge``: draws where P(split | wedge) - P(split | reference) >= ``lift``."""
    key = key or draw_key(summary)
    event = pd.Series(goal_values(summary, split), index=summary.index)
    p = event.groupby([summary[key], summary["strategy"]]).mean().unstack("strategy")
    x = summary.groupby(key)[list(parameters)].first().loc[p.index]
    gain = p[wedge] - p[reference]
    return Cases(
        x.reset_index(drop=True), (gain >= lift).to_numpy(), p[wedge].to_numpy(), p[reference].to_numpy()
    )


@dataclass(frozen=True)
class PrimResult:
    """The peeling trajectory, the chosen box and its limits."""

    trajectory: pd.DataFrame  # coverage, density, mass, res_dim per box (id)
    chosen: int
    limits: pd.DataFrame  # parameter, low, high, full_low, full_high, qp_low, qp_high
    base_rate: float

    @property
    def coverage(self) -> float:
        return float(self.trajectory.loc[self.chosen, "coverage"])

    @property
    def density(self) -> float:
        return float(self.trajectory.loc[self.chosen, "density"])

    @property
    def mass(self) -> float:
        return float(self.trajectory.loc[self.chosen, "mass"])


def prim_box(
    x: pd.DataFrame,
    y: np.ndarray,
    threshold: float = 0.8,
    max_dims: int = 3,
    max_qp: float = 0.05,
    min_coverage: float = 0.5,
) -> PrimResult | None:
    """PRIM on (x, y); None when there are no cases (or nothing but cases) to explain.

    The chosen box is the densest on the peeling trajectory that still holds at least
    ``min_coverage`` of the cases. Its restrictions whose quasi-p-value exceeds ``max_qp``
    (trims chance alone would often produce) are then dropped one at a time, least
    significant first, and so are the least significant ones beyond ``max_dims``, as Bryant
    and Lempert (2010) recommend; each simplified box is added to the trajectory.
    ``threshold`` is PRIM's own density threshold for a box to count as found.
    """
    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        logging.getLogger("EMA").setLevel(logging.WARNING)
        box = prim.Prim(x.reset_index(drop=True), y, threshold=threshold).find_box()
        chosen = choose_box(box.peeling_trajectory, min_coverage)
        chosen = _simplify(box, chosen, max_qp, max_dims)
    trajectory = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].copy()
    return PrimResult(trajectory, chosen, _limits(box, chosen), float(y.mean()))


def choose_box(trajectory: pd.DataFrame, min_coverage: float) -> int:
    """The densest box holding at least ``min_coverage`` of the cases (ties: the larger coverage)."""
    enough = trajectory[(trajectory["coverage"] >= min_coverage) & (trajectory["res_dim"] > 0)]
    if enough.empty:
        enough = trajectory
    return int(enough.sort_values(["density", "coverage"], ascending=False).index[0])


def _simplify(box, chosen: int, max_qp: float, max_dims: int) -> int:
    """Drop the least significant restricted side (a lower or upper limit) while one is not
    significant; then whole parameters, least significant first, while there are too many."""
    box.select(chosen)
    while True:
        sides = [
            (q, name, side) for name, pair in box.qp[chosen].items() for side, q in enumerate(pair) if q >= 0
        ]
        best = {}
        for q, name, _ in sides:
            best[name] = min(q, best.get(name, 1.0))
        worst_q, name, side = max(sides) if sides else (0.0, "", 0)
        if len(sides) > 1 and worst_q > max_qp:
            _widen(box, chosen, name, (side,))
        elif len(best) > max_dims:
            _widen(box, chosen, max(best, key=best.get), (0, 1))
        else:
            return chosen
        chosen = len(box.box_lims) - 1
        box.select(chosen)


def _widen(box, index: int, name: str, sides: tuple[int, ...]) -> None:
    """Add to the trajectory box ``index`` with ``name``'s given limits (0 lower, 1 upper) reset
    to the full range (the EMA Workbench's ``drop_restriction``, one side at a time)."""
    from ema_workbench.analysis.scenario_discovery_util import _in_box

    limits = box.box_lims[index].copy()
    for side in sides:
        limits.loc[side, name] = box.box_lims[0].loc[side, name]
    remaining = box.prim.yi_remaining
    box.update(limits, remaining[_in_box(box.prim.x.loc[remaining, :], limits)])


def _limits(box, index: int) -> pd.DataFrame:
    """Restricted parameters of box ``index``: limits, the full range and quasi-p-values."""
    full, chosen, qp = box.box_lims[0], box.box_lims[index], box.qp[index]
    rows = []
    for name, (qp_low, qp_high) in qp.items():
        rows.append(
            {
                "parameter": name,
                "low": float(chosen.loc[0, name]),
                "high": float(chosen.loc[1, name]),
                "full_low": float(full.loc[0, name]),
                "full_high": float(full.loc[1, name]),
                "qp_low": np.nan if qp_low < 0 else float(qp_low),
                "qp_high": np.nan if qp_high < 0 else float(qp_high),
            }
        )
    columns = ["parameter", "low", "high", "full_low", "full_high", "qp_low", "qp_high"]
    return pd.DataFrame(rows, columns=columns)


def feature_scores(x: pd.DataFrame, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """Extra-trees importance of each parameter for the case/no-case split, highest first."""
    from sklearn.ensemble import ExtraTreesClassifier

    forest = ExtraTreesClassifier(n_estimators=250, min_samples_leaf=2, random_state=seed)
    forest.fit(x.to_numpy(), np.asarray(y, dtype=int))
    scores = pd.DataFrame({"parameter": x.columns, "score": forest.feature_importances_})
    return scores.sort_values("score", ascending=False).reset_index(drop=True)


@dataclass(frozen=True)
class CartResult:
    """The CART leaf richest in cases: its rule, density and coverage, and the tree's splits."""

    rule: str
    density: float
    coverage: float
    parameters: tuple[str, ...]
    text: str


def cart_leaf(x: pd.DataFrame, y: np.ndarray, max_depth: int = 3, seed: int = 0) -> CartResult | None:
    """A shallow classification tree; the leaf with the highest share of cases (ties: more cases)."""
    from sklearn.tree import DecisionTreeClassifier, export_text

    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        return None
    leaf_size = max(3, len(y) // 20)
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=leaf_size, random_state=seed)
    tree.fit(x.to_numpy(), y.astype(int))
    leaves = tree.apply(x.to_numpy())
    stats = pd.DataFrame({"leaf": leaves, "case": y}).groupby("leaf")["case"].agg(["mean", "sum"])
    best = stats.sort_values(["mean", "sum"], ascending=False).index[0]
    rule, used = _path(tree, int(best), list(x.columns))
    return CartResult(
        rule=rule,
        density=float(stats.loc[best, "mean"]),
        coverage=float(stats.loc[best, "sum"] / y.sum()),
        parameters=tuple(used),
        text=export_text(tree, feature_names=list(x.columns)),
    )


def _path(tree, leaf: int, names: list[str]) -> tuple[str, list[str]]:
    """The conditions from the root to ``leaf``, merged into one interval per parameter."""
    t = tree.tree_
    parent = {}
    for node in range(t.node_count):
        for child, side in ((t.children_left[node], "<="), (t.children_right[node], ">")):
            if child >= 0:
                parent[child] = (node, side)
    bounds: dict[str, list[float]] = {}
    node = leaf
    while node in parent:
        node, side = parent[node]
        name, cut = names[t.feature[node]], float(t.threshold[node])
        low, high = bounds.setdefault(name, [-np.inf, np.inf])
        bounds[name] = [low, min(high, cut)] if side == "<=" else [max(low, cut), high]
    parts = [_interval_words(name, low, high) for name, (low, high) in bounds.items()]
    return (" and ".join(parts) if parts else "everywhere"), list(bounds)


def _interval_words(name: str, low: float, high: float) -> str:
    if np.isfinite(low) and np.isfinite(high):
        return f"{low:.3g} < {name} <= {high:.3g}"
    return f"{name} > {low:.3g}" if np.isfinite(low) else f"{name} <= {high:.3g}"


STRATEGY_WORDS = {
    "pyongyang_deal": "Pyongyang deal",
    "moscow_deal": "Moscow deal",
    "tehran_max_pressure": "maximum pressure on Tehran",
    "beijing_trade_squeeze": "Beijing trade squeeze",
    "secondary_sanctions": "secondary-sanctions strategy",
    "alliance_first": "alliance-first strategy",
    "sequenced": "sequenced strategy",
    "adaptive": "adaptive US strategy",
}


def short(name: str) -> str:
    """A parameter path in words: ``model.deal_value`` -> ``deal value``,
    ``scenario.tie_scale.CHN_PRK`` -> ``ties CHN→PRK (scale)``, ``scenario.us.budget`` -> ``US budget``."""
    if name.startswith("scenario.tie_scale."):
        source, _, target = name.removeprefix("scenario.tie_scale.").partition("_")
        return f"ties {source}→{target} (scale)"
    if name.startswith("scenario.us."):
        return "US " + name.removeprefix("scenario.us.").replace(".", " ").replace("_", " ")
    for prefix in ("model.", "scenario."):
        name = name.removeprefix(prefix)
    return name.replace("_", " ").replace(".", " ")


def describe_box(
    wedge: str, result: PrimResult | None, event: str, n_cases: int, n_draws: int, max_qp: float = 0.05
) -> str:
    """One plain-language sentence from the chosen box."""
    name = STRATEGY_WORDS.get(wedge, wedge.replace("_", " "))
    if result is None:
        where = "in none of" if n_cases == 0 else "in every one of"
        return f"The {name} {event} {where} the {n_draws} plausible draws; there is no region to find."
    if result.limits.empty:
        return (
            f"The {name} {event} in {result.base_rate:.0%} of the {n_draws} plausible draws, and PRIM finds "
            "no region where it does so more often: this box is weak."
        )
    conditions = [_limit_words(row) for _, row in result.limits.iterrows()]
    joined = ", ".join(conditions[:-1]) + (" and " if len(conditions) > 1 else "") + conditions[-1]
    qp = result.limits[["qp_low", "qp_high"]].max(axis=1).max()
    caveat = f" This box is weak (quasi-p {qp:.2g}): chance alone could draw it." if qp > max_qp else ""
    return (
        f"The {name} {event} when {joined}: {result.density:.0%} of the draws in this region are cases "
        f"(against {result.base_rate:.0%} overall), and the region holds {result.coverage:.0%} of the "
        f"{n_cases} cases among {n_draws} plausible draws.{caveat}"
    )


def _limit_words(row: pd.Series) -> str:
    name = short(row["parameter"])
    low_cut = row["low"] > row["full_low"] and np.isfinite(row["qp_low"])
    high_cut = row["high"] < row["full_high"] and np.isfinite(row["qp_high"])
    if low_cut and high_cut:
        return f"{name} is between {row['low']:.3g} and {row['high']:.3g}"
    if low_cut:
        return f"{name} is above {row['low']:.3g}"
    return f"{name} is below {row['high']:.3g}"
