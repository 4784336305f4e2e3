"""What a reader needs of a figure, measured on the rendered figure: no two labels overlap,
no label is cut off, and the file is exactly as wide as the journal column it is made for."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

TOLERANCE_PX = 0.5  # anti-aliasing slack at 100 dpi


@contextmanager
def recording_texts() -> Iterator[list[tuple[Text, Bbox]]]:
    """Every text drawn while the block runs, with its box on the canvas.

    Matplotlib keeps tick labels it does not draw (outside the view), so the texts are
    taken at draw time rather than from ``fig.findobj``.
    """
    drawn: list[tuple[Text, Bbox]] = []
    original = Text.draw

    def draw(self: Text, renderer) -> None:
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            drawn.append((self, self.get_window_extent(renderer)))

    Text.draw = draw
    try:
        yield drawn
    finally:
        Text.draw = original


def drawn_texts(fig: Figure) -> list[tuple[Text, Bbox]]:
    """Render ``fig`` on an Agg canvas and return the texts it drew."""
    canvas = FigureCanvasAgg(fig)
    with recording_texts() as drawn:
        canvas.draw()
    return drawn


def _overlap(a: Bbox, b: Bbox) -> bool:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width > TOLERANCE_PX and height > TOLERANCE_PX


def overlapping_labels(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose boxes overlap."""
    drawn = drawn_texts(fig)
    return [
        (first.get_text(), second.get_text())
        for i, (first, a) in enumerate(drawn)
        for second, b in drawn[i + 1 :]
        if _overlap(a, b)
    ]


def cut_off_labels(fig: Figure) -> list[str]:
    """Texts that reach beyond the figure's edges (cut off in the saved file)."""
    edge = fig.bbox
    return [
        text.get_text()
        for text, box in drawn_texts(fig)
        if box.x0 < edge.x0 - 1 or box.y0 < edge.y0 - 1 or box.x1 > edge.x1 + 1 or box.y1 > edge.y1 + 1
    ]
