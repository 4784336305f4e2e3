"""Fixtures for tests that drive the app (app.py) in a real browser.

Tests in this folder get the ``browser`` marker. The test run installs what it needs and
fails, never skips, when it cannot: Debian's Chromium (tests/browser/chromium_up.sh,
apt-get as root) and the page's assets (scripts/solara_assets.sh, npm).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.harness import VIEWPORT, AppPage, AppServer, app_server, install_assets, launch_browser
from tests.marking import mark_folder

HERE = Path(__file__).resolve().parent
DEFAULT_TEST_TIMEOUT_S = 600  # includes installing Chromium on a fresh machine


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under this folder ``browser`` (and give it a default timeout)."""
    mark_folder(config, items, HERE, "browser", DEFAULT_TEST_TIMEOUT_S)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def app() -> Iterator[AppServer]:
    install_assets()
    with app_server() as server:
        yield server


@pytest.fixture
def app_page(browser: Browser, app: AppServer) -> Iterator[AppPage]:
    """A fresh tab on the app; the server's output is shown if the test fails."""
    context = browser.new_context(viewport=VIEWPORT)
    page = AppPage(context.new_page())
    try:
        page.open(app.url)
    except Exception as error:
        raise AssertionError(f"the page did not load: {error}\n--- server output ---\n{app.log()}") from error
    yield page
    context.close()
