"""Months as the model counts them: 'YYYY-MM' labels and offsets from a start month."""

from __future__ import annotations

import re

from sim.common.errors import ConfigError

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")


def parse_month(key: str, text: str) -> tuple[int, int]:
    """Parse 'YYYY-MM' or 'YYYY-MM-DD' into (year, month), naming the key if malformed."""
    match = MONTH_PATTERN.match(str(text))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ConfigError(key, f"'{text}' is not a date", "YYYY-MM or YYYY-MM-DD")
    return int(match.group(1)), int(match.group(2))


def month_offset(start: tuple[int, int], date: tuple[int, int]) -> int:
    """Months from ``start`` to ``date`` (negative when ``date`` is earlier)."""
    return (date[0] - start[0]) * 12 + (date[1] - start[1])


def month_label(start: tuple[int, int], step: int) -> str:
    """The 'YYYY-MM' label of the month ``step`` months after ``start``."""
    total = start[0] * 12 + (start[1] - 1) + step
    return f"{total // 12:04d}-{total % 12 + 1:02d}"
