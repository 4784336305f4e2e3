"""Marks for whole test folders whose tests need a service (a SLURM cluster, a browser)."""

from __future__ import annotations

from pathlib import Path

import pytest


def mark_folder(
    config: pytest.Config, items: list[pytest.Item], folder: Path, marker: str, timeout_s: int
) -> None:
    """Give every test under ``folder`` the marker and, unless it sets its own, a timeout
    (when pytest-timeout is installed)."""
    has_timeout = config.pluginmanager.hasplugin("timeout")
    for item in items:
        if not item.path.is_relative_to(folder):
            continue
        item.add_marker(getattr(pytest.mark, marker))
        if has_timeout and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(timeout_s))
