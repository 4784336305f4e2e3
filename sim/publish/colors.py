"""One colour per strategy, the same in every figure of every run.

Colours belong to strategy *names*, not to positions in a list, so ``moscow_deal`` is
vermillion whether a run compares nine strategies or three, and a reader can carry the
colour from one figure to the next. The shipped strategies have fixed colours
(:data:`STRATEGY_COLORS`, also listed in ``docs/figures.md``); strategies of your own take
the next free colours of :data:`EXTRA_COLORS` in alphabetical order of their names.

The first seven are the Okabe-Ito palette (Okabe & Ito 2008) without its yellow, which is
too faint for lines on white; the three that follow are from Paul Tol's "muted" scheme,
chosen to stay apart from the Okabe-Ito hues. ``status_quo``, the usual reference, is black.
"""

from __future__ import annotations

from collections.abc import Iterable

OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}

STRATEGY_COLORS: dict[str, str] = {
    "status_quo": OKABE_ITO["black"],
    "pyongyang_deal": OKABE_ITO["blue"],
    "moscow_deal": OKABE_ITO["vermillion"],
    "tehran_max_pressure": OKABE_ITO["green"],
    "beijing_trade_squeeze": OKABE_ITO["orange"],
    "secondary_sanctions": OKABE_ITO["purple"],
    "alliance_first": OKABE_ITO["sky"],
    "sequenced": "#882255",  # Tol muted: wine
    "adaptive": "#999933",  # Tol muted: olive
    "optimised_portfolio": "#332288",  # Tol muted: indigo
}
"""The shipped strategies' colours."""

EXTRA_COLORS: tuple[str, ...] = (
    "#44AA99",  # Tol muted: teal
    "#AA4499",  # Tol muted: purple
    "#661100",  # brown
    "#6699CC",  # steel blue
    "#888888",  # grey
)
"""Colours of strategies of your own, handed out in alphabetical order of their names."""


def strategy_colors(strategies: Iterable[str]) -> dict[str, str]:
    """The colour of each strategy: fixed for shipped ones, the next free colours for others.

    Strategies beyond the extra colours reuse them in turn (a figure with that many
    strategies needs a table, not colours).
    """
    names = sorted(set(strategies))
    colors = {name: STRATEGY_COLORS[name] for name in names if name in STRATEGY_COLORS}
    others = [name for name in names if name not in STRATEGY_COLORS]
    colors.update({name: EXTRA_COLORS[i % len(EXTRA_COLORS)] for i, name in enumerate(others)})
    return colors
