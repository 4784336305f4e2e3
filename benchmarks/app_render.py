"""How long one step of the browser app (app.py) takes to compute and draw, by number of worlds.

Why: the page should stay responsive at R = 1,000 worlds. A step advances the chosen
strategy's worlds and the status quo's, then redraws four views as PNG images. This
script measures, rather than asserts, two figures:

* in the server process: the model step (both sets of worlds) and each view's figure
  drawn to PNG, as the page does, for months 1 to 24 of ``moscow_deal`` at each R;
* with ``--browser``: the time a user waits, from a click on Step until every view in
  Chromium shows the new month, at R = 1,000 (the app on a local port, as in the tests).

The server figures are CPU time of this process (other load on the machine barely moves
them); the browser figure is wall time, as a user waits. Medians over the steps.

Usage: python benchmarks/app_render.py [--worlds 200 1000] [--steps 24] [--browser]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import app_figures  # noqa: E402  (the page's figures, beside app.py at the repository root)
from app import Explorer  # noqa: E402


def draw(name: str, model: Explorer) -> float:
    """CPU seconds to update one view's figure and render it to PNG, as the page does each step."""
    start = time.process_time()
    figure = app_figures.view(model, name)
    figure.draw(model, app_figures.ALL_LAYERS) if name == "network" else figure.draw(model)
    return time.process_time() - start


def server_side(worlds: int, steps: int) -> None:
    model = Explorer(strategy="moscow_deal", worlds=worlds)
    first = sum(draw(name, model) for name in app_figures.VIEWS)
    print(
        f"R={worlds:>5}  first draw  {1000 * first:7.1f} ms  (after Reset: every figure built and laid out)"
    )
    times: dict[str, list[float]] = {"model step": [], **{name: [] for name in app_figures.VIEWS}}
    for _ in range(steps):
        start = time.process_time()
        model.step()
        times["model step"].append(time.process_time() - start)
        for name in app_figures.VIEWS:
            times[name].append(draw(name, model))
    total = [sum(parts) for parts in zip(*times.values(), strict=True)]
    for name, values in [*times.items(), ("total", total)]:
        median, worst = statistics.median(values) * 1000, max(values) * 1000
        print(f"R={worlds:>5}  {name:<11} median {median:7.1f} ms  max {worst:7.1f} ms")


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(*pids: int) -> float:
    """User plus system CPU time the processes have used so far (Linux)."""
    total = 0
    for pid in pids:
        try:
            fields = _stat(pid)
        except FileNotFoundError:  # ended meanwhile
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> set[int]:
    """Every process below ``root`` (Linux), to count the browser's processes."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat(int(entry.name))[1])
            except (FileNotFoundError, ProcessLookupError):
                continue
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def in_browser(steps: int) -> None:
    """Click-to-redraw time at R = 1,000, in Chromium against ``solara run app.py``."""
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import VIEWPORT, AppPage, app_server, install_assets, launch_browser

    install_assets()
    with app_server() as server, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        page = AppPage(browser.new_page(viewport=VIEWPORT))
        page.open(server.url)
        page.choose("Strategy", "moscow_deal")
        thumb = page.page.locator(".v-input").filter(has_text="Worlds R").get_by_role("slider")
        thumb.focus()
        thumb.press("End")  # 2,000 worlds, then down in steps of 10
        for _ in range(100):
            thumb.press("ArrowLeft")
        page.button("Reset")
        page.page.get_by_text("1000 worlds", exact=False).wait_for(timeout=60_000)
        waits = []
        chromium = descendants(os.getpid()) - {server.process.pid} - descendants(server.process.pid)
        server_cpu, browser_cpu = cpu_seconds(server.process.pid), cpu_seconds(*chromium)
        for _ in range(steps):
            start = time.perf_counter()
            page.step()
            waits.append(time.perf_counter() - start)
        server_cpu = (cpu_seconds(server.process.pid) - server_cpu) / steps
        browser_cpu = (cpu_seconds(*chromium) - browser_cpu) / steps
        browser.close()
    median, worst = statistics.median(waits) * 1000, max(waits) * 1000
    print(
        f"R= 1000  browser     median {median:7.1f} ms  max {worst:7.1f} ms  (click on Step to redrawn page)"
    )
    print(f"R= 1000  server CPU  mean   {server_cpu * 1000:7.1f} ms  (the app's process, per step)")
    print(f"R= 1000  browser CPU mean   {browser_cpu * 1000:7.1f} ms  (Chromium and its driver, per step)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if page.errors:
        print("browser console errors:", *page.errors, sep="\n  ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worlds", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--steps", type=int, default=24)
    parser.add_argument("--browser", action="store_true", help="also time a step in Chromium at R=1,000")
    args = parser.parse_args()
    for worlds in args.worlds:
        server_side(worlds, args.steps)
    if args.browser:
        in_browser(args.steps)


if __name__ == "__main__":
    main()
