"""docs/figures.md states the colours the figures use."""

from __future__ import annotations

import re
from pathlib import Path

from sim.publish.colors import EXTRA_COLORS, STRATEGY_COLORS

DOC = Path(__file__).resolve().parents[2] / "docs" / "figures.md"
ROW = re.compile(r"^\| `?([\w]+)`? \| [\w ]+ \| `(#[0-9A-F]{6})` \|$", re.M)


def test_the_colour_tables_match_the_style():
    rows = ROW.findall(DOC.read_text(encoding="utf-8"))
    named = {name: color for name, color in rows if not name.isdigit()}
    extra = [color for name, color in rows if name.isdigit()]
    assert named == STRATEGY_COLORS
    assert extra == list(EXTRA_COLORS)
