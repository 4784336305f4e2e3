"""The app in a real browser: controls act on the model and every view follows it."""

from __future__ import annotations

import re

from tests.browser.harness import ROOT, AppPage, AppServer

SCREENSHOT = ROOT / "results" / "app" / "screenshot.png"
STRATEGY = "moscow_deal"  # acts on Russia within months


def numbers(text: str) -> list[float]:
    """The decimal numbers in a caption, in order (dates and month counts left out)."""
    return [float(x) for x in re.findall(r"(?<![\d-])\d+\.\d+", text)]


def alignment_of(caption: str, code: str) -> tuple[float, float]:
    """(strategy, status quo) mean alignment of one member from the alignment caption."""
    match = re.search(rf"{code} (\d\.\d+) \((\d\.\d+)\)", caption)
    assert match, caption
    return float(match.group(1)), float(match.group(2))


def test_strategy_steps_and_views_follow(app_page: AppPage, app: AppServer) -> None:
    page = app_page
    before = page.captions()
    images_before = page.image_digests()
    assert len(images_before) == 4, images_before

    page.choose("Strategy", STRATEGY)
    page.button("Reset")
    page.page.get_by_text(re.compile(r"^moscow deal, .*month 0 of")).wait_for(timeout=60_000)
    images_reset = page.wait_for_new_images(images_before)
    for _ in range(6):
        page.step()
    after = page.captions()
    images_after = page.wait_for_new_images(images_reset)

    assert after["bloc"].startswith("moscow deal, 2025-07, month 6 of 48"), after["bloc"]
    deal, status_quo = alignment_of(after["states"], "RUS")
    assert status_quo - deal >= 0.05, f"a Moscow deal should loosen Russia within 6 months: {after['states']}"
    assert numbers(after["network"]) != numbers(before["network"]), "the tie network did not move"
    assert numbers(after["cost"])[0] > 0, after["cost"]
    changed = [a != b for a, b in zip(images_reset, images_after, strict=True)]
    assert all(changed), (
        f"views whose image did not follow the steps (bloc, states, network, cost): {changed}"
    )

    page.choose("Layer", "military")
    military = page.page.get_by_text(re.compile(r"^Tie strength \(military\)"))
    military.wait_for(timeout=30_000)
    assert numbers(military.inner_text()) != numbers(after["network"]), "the layer selector changed nothing"
    images_military = page.wait_for_new_images(images_after, views=(2,))
    assert images_military[2] != images_after[2], "the network image did not follow the layer"

    page.button("▶")
    page.page.get_by_text(re.compile(r"month (1[2-9]|[2-4]\d) of 48: members aligned")).wait_for(
        timeout=60_000
    )
    page.button("❚❚")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=SCREENSHOT)

    assert not page.errors, "\n".join([*page.errors, "--- server output ---", app.log()[-4000:]])
