"""The listening page in a real headless Chromium: submit, progress, play, follow, seek."""

from __future__ import annotations

from typing import Final

import pytest

from tests.service.feeds.conftest import ARTICLE, LiveService
from tests.utils.browser import ARTIFACTS, chromium

pytestmark = [pytest.mark.slow, pytest.mark.browser]

JOB_TIMEOUT_MS: Final = 180_000


def test_submit_listen_follow_and_seek(live_service: LiveService) -> None:
    with chromium() as browser:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_service.base + "/")
        page.fill("textarea[name=text]", ARTICLE)
        page.select_option("select[name=format]", "markdown")
        page.eval_on_selector(
            "input[name=speed]",
            "el => { el.value = '2'; el.dispatchEvent(new Event('input')); }",
        )
        assert page.text_content("[data-role=speed]") == "2×"
        page.click("button[type=submit]")

        # The progress bar shows up and reaches done; then the player appears.
        page.wait_for_selector("[data-role=progress]", state="visible")
        page.wait_for_selector("[data-role=player]", state="visible", timeout=JOB_TIMEOUT_MS)
        # Progress is shown only while the job runs.
        assert not page.is_visible("[data-role=progress]")
        assert "/jobs/" in page.url
        notice = page.text_content("[data-role=ai-notice]")
        assert notice == "This audio is created with AI assistance"
        assert page.get_attribute("[data-role=download]", "href").endswith("/audio")

        # The audio loads: its duration is known.
        page.wait_for_function(
            "() => { const a = document.querySelector('[data-role=audio]');"
            " return a.readyState >= 1 && isFinite(a.duration) && a.duration > 0; }"
        )
        duration = page.eval_on_selector("[data-role=audio]", "a => a.duration")
        sentences = page.query_selector_all(".transcript .s")
        assert len(sentences) >= 5
        assert page.text_content(".transcript h2") == "Harbor Bridge Reopens"
        assert duration > float(sentences[-1].get_attribute("data-start"))

        # Clicking a sentence seeks there (and plays, a user gesture).
        target = sentences[2]
        start = float(target.get_attribute("data-start"))
        target.click()
        page.wait_for_function(
            "s => Math.abs(document.querySelector('[data-role=audio]').currentTime - s) < 0.5"
            " || document.querySelector('[data-role=audio]').currentTime > s",
            arg=start,
        )
        assert "current" in (target.get_attribute("class") or "")

        # Sentences are focusable, and Enter seeks to the focused one.
        later = sentences[4]
        later.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "s => document.querySelector('[data-role=audio]').currentTime >= s - 0.3",
            arg=float(later.get_attribute("data-start")),
        )
        target.click()

        # Playing advances the highlighted sentence.
        page.wait_for_function(
            "() => { const c = document.querySelector('.transcript .s.current');"
            " return c && Number(c.dataset.index) > 2; }",
            timeout=30_000,
        )
        assert page.eval_on_selector("[data-role=audio]", "a => a.currentTime") > start
        page.screenshot(path=str(ARTIFACTS / "listening-page.png"), full_page=True)

        # A reload of the finished job's page: no progress bar at any moment, the
        # favicon inline (no request for it).
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.reload()
        page.wait_for_selector("[data-role=player]", state="visible")
        assert not page.is_visible("[data-role=working]")
        assert page.text_content("[data-role=title]") == "Harbor Bridge Reopens"  # not the id
        assert not any("favicon" in url for url in requested)
        assert errors == []
