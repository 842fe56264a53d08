"""The playground page (``/ui`` of the campaign) in a real headless Chromium against the main job.

Debian's ``chromium`` (``scripts/bootstrap.sh`` installs it when run as root) is driven through
``playwright``: the page loads its configuration, every form is submitted with the values it was
filled with from the schema examples (and an uploaded image for classification), and what the page
renders is checked. ``ADSERVE_PLAYGROUND_SCREENSHOT=docs/playground.png`` keeps the screenshot.
"""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, sync_playwright

from services.vision.uploads import EXAMPLE_IMAGE_B64

from .conftest import MainJob

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHROMIUM = os.environ.get("ADSERVE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 240_000


@pytest.fixture(scope="module")
def page(main_job: MainJob) -> Iterator[Page]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: scripts/bootstrap.sh installs Debian's chromium (as root)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.set_default_timeout(TIMEOUT_MS)
        tab.goto(f"{main_job.url('campaign')}/ui")
        tab.wait_for_selector("body[data-ready=true]")
        yield tab
        browser.close()


def _submit(page: Page, section: str) -> Locator:
    page.click(f"#{section}-form button[type=submit]")
    page.wait_for_selector(f"#{section}-result.ok, #{section}-result.error")
    result = page.locator(f"#{section}-result")
    assert "ok" in (result.get_attribute("class") or ""), result.inner_text()
    return result


def test_the_page_and_its_config_are_served(main_job: MainJob) -> None:
    base = main_job.url("campaign")
    assert "adserve playground" in httpx.get(f"{base}/ui", follow_redirects=True, timeout=10).text
    config = httpx.get(f"{base}/ui/config.json", timeout=10).json()
    assert config["capabilities"]["vision"]["base"] == "/ui/api/vision"
    assert config["examples"]["recommend_for_profile"]["recent_item_ids"]
    # Only JSON routes of the catalog are forwarded; anything else is a clear 404.
    missing = httpx.post(f"{base}/ui/api/vision/livez", json={}, timeout=10)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    bad = httpx.post(f"{base}/ui/api/recommend/recommend", json={"requests": []}, timeout=10)
    assert bad.status_code == 400 and "error" in bad.json()


def test_recommendations_for_a_customer_and_for_a_profile(page: Page) -> None:
    result = _submit(page, "recommend")
    assert result.locator("table.items tr").count() == 1 + 5  # header + k rows
    assert "model recommend-lightfm:" in result.inner_text()
    page.check("#recommend-form input[value=profile]")
    result = _submit(page, "recommend")
    assert "for profile" in result.inner_text()
    assert result.locator("table.items tr").count() > 1


def test_a_campaign_with_its_banners(page: Page) -> None:
    result = _submit(page, "campaign")
    assert result.locator("article.campaign-item").count() == 2
    banners = result.locator("img.banner")
    assert banners.count() == 2
    assert banners.first.evaluate("img => img.complete && img.naturalWidth > 0")


def test_a_description_and_a_review_summary(page: Page) -> None:
    result = _submit(page, "description")
    assert result.locator("h3.title").inner_text().strip()
    assert result.locator("p.description").inner_text().strip()
    result = _submit(page, "reviews")
    assert result.locator("p.summary").inner_text().strip()
    assert "3 reviews" in result.inner_text()


def test_an_uploaded_image_is_classified(page: Page, tmp_path: Path) -> None:
    page.click("#classify-form button[type=submit]")
    page.wait_for_selector("#classify-result.error")
    assert "choose an image" in page.locator("#classify-result").inner_text()
    image = tmp_path / "tshirt.png"
    image.write_bytes(base64.b64decode(EXAMPLE_IMAGE_B64))
    page.set_input_files("#classify-form input[type=file]", str(image))
    result = _submit(page, "classify")
    assert result.locator("ol.labels li").count() == 3
    assert "model vision-classifier:" in result.inner_text()

    shot = tmp_path / "playground.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if keep := os.environ.get("ADSERVE_PLAYGROUND_SCREENSHOT"):
        shutil.copy(shot, keep)
