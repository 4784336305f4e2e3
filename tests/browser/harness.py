"""Start the app (app.py) on a free local port and drive it with Debian's Chromium.

Shared by the browser tests and ``benchmarks/app_render.py``. The server is ``solara run``
as ``make app`` starts it, on port 0 (the server picks a free port and prints it); the
browser is the system Chromium, since Playwright cannot fetch its own browser build where
only package registries are reachable.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_UP = Path(__file__).with_name("chromium_up.sh")
ASSETS_SCRIPT = ROOT / "scripts" / "solara_assets.sh"
# headless, as root, and without the background calls that a closed network refuses
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTED = re.compile(r"Solara server is starting at (http://127\.0\.0\.1:\d+)")
START_TIMEOUT_S = 120
VIEWPORT = {"width": 1440, "height": 900}  # a laptop screen


def install_chromium() -> str:
    """Chromium's path, installing Debian's package first if it is missing."""
    if not Path(CHROMIUM).exists():
        subprocess.run(["bash", str(CHROMIUM_UP)], check=True, timeout=900)
    return CHROMIUM


def install_assets() -> None:
    """The page's JavaScript and CSS in Solara's cache (see scripts/solara_assets.sh)."""
    subprocess.run(["bash", str(ASSETS_SCRIPT), sys.executable], check=True, timeout=600, cwd=ROOT)


@dataclass
class AppServer:
    """A running ``solara run app.py`` and everything it printed."""

    process: subprocess.Popen[str]
    url: str = ""
    output: list[str] = field(default_factory=list)

    def log(self) -> str:
        return "".join(self.output)


def _read_output(server: AppServer, ready: threading.Event) -> None:
    assert server.process.stdout is not None
    for line in server.process.stdout:
        server.output.append(line)
        match = STARTED.search(line)
        if match and not server.url:
            server.url = match.group(1)
            ready.set()
    ready.set()  # the process ended


def _wait_until_served(url: str, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


@contextmanager
def app_server() -> Iterator[AppServer]:
    """``solara run app.py`` on a free port of 127.0.0.1 until the block ends."""
    solara = Path(sys.executable).with_name("solara")
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false", "PYTHONUNBUFFERED": "1"}
    command = [str(solara), "run", "app.py", "--port", "0", "--host", "127.0.0.1", "--no-open"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    server = AppServer(process)
    ready = threading.Event()
    threading.Thread(target=_read_output, args=(server, ready), daemon=True).start()
    try:
        ready.wait(START_TIMEOUT_S)
        if not server.url:
            raise RuntimeError(f"the app did not start within {START_TIMEOUT_S} s:\n{server.log()}")
        _wait_until_served(server.url, time.monotonic() + START_TIMEOUT_S)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def launch_browser(playwright: Playwright) -> Browser:
    """Headless Chromium from the system package."""
    return playwright.chromium.launch(executable_path=install_chromium(), args=CHROMIUM_ARGS)


DIGESTS_JS = """
async () => {
  const digests = [];
  for (const img of document.querySelectorAll('.vue-grid-item img')) {
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    digests.push(Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join(''));
  }
  return digests;
}
"""
CAPTIONS = {
    "bloc": re.compile(r"month \d+ of \d+: members aligned"),
    "states": re.compile(r"^Mean alignment,"),
    "network": re.compile(r"^Tie strength \("),
    "cost": re.compile(r"^US cost so far,"),
}


class AppPage:
    """The app's page in a browser tab, with what its console reported."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda message: self._console(message.type, message.text))
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _console(self, kind: str, text: str) -> None:
        if kind == "error":
            self.errors.append(f"console error: {text}")

    def open(self, url: str, timeout_ms: float = 90_000) -> None:
        self.page.goto(url)
        for pattern in CAPTIONS.values():
            self.page.get_by_text(pattern).wait_for(timeout=timeout_ms)
        self.page.locator(".vue-grid-item img").nth(len(CAPTIONS) - 1).wait_for(timeout=timeout_ms)

    def captions(self) -> dict[str, str]:
        return {name: self.page.get_by_text(pattern).inner_text() for name, pattern in CAPTIONS.items()}

    def month(self) -> int:
        return int(re.search(r"month (\d+) of", self.captions()["bloc"]).group(1))

    def image_digests(self) -> list[str]:
        return self.page.evaluate(DIGESTS_JS)

    def wait_for_new_images(self, old: list[str], views: tuple[int, ...] = (0, 1, 2, 3)) -> list[str]:
        """The views' image digests once those of ``views`` all differ from ``old`` (images
        arrive a moment after the captions), or as they are after 30 s."""
        deadline = time.monotonic() + 30.0
        while True:
            digests = self.image_digests()
            changed = len(digests) == len(old) and all(digests[i] != old[i] for i in views)
            if changed or time.monotonic() > deadline:
                return digests
            self.page.wait_for_timeout(200)

    def choose(self, label: str, option: str) -> None:
        """Pick ``option`` in the drop-down list labelled ``label``."""
        self.page.locator(".v-select").filter(has=self.page.get_by_text(label, exact=True)).click()
        self.page.get_by_role("option", name=option, exact=True).click()

    def button(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()

    def wait_for_month(self, month: int, timeout_ms: float = 60_000) -> None:
        """Until every view shows ``month`` (they all redraw after a step)."""
        for pattern in CAPTIONS.values():
            view = self.page.get_by_text(pattern).filter(has_text=f"month {month} of")
            view.wait_for(timeout=timeout_ms)

    def step(self) -> None:
        month = self.month()
        self.button("Step")
        self.wait_for_month(month + 1)
