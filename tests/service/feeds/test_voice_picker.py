"""The web form's voice picker in a real headless Chromium: each choice plays its preview."""

from __future__ import annotations

import pytest

from tests.service.feeds.conftest import LiveService
from tests.utils.browser import ARTIFACTS, chromium

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_preview_plays_next_to_the_picker(live_service: LiveService) -> None:
    with chromium() as browser:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_service.base + "/")
        page.wait_for_selector(
            "select[name=voice] option[value='en_US-joe-medium']", state="attached"
        )
        preview = "[data-role=voice-preview]"
        # No voice chosen: the default voice's preview.
        assert page.get_attribute(preview, "src") == "/v1/voices/en_US-joe-medium/preview"
        page.select_option("select[name=voice]", "en_US-joe-medium")
        assert page.get_attribute(preview, "src") == "/v1/voices/en_US-joe-medium/preview"
        # It loads and plays: real audio of a second or more, whose time advances.
        page.eval_on_selector(preview, "a => { a.muted = true; return a.play(); }")
        page.wait_for_function(
            "() => { const a = document.querySelector('[data-role=voice-preview]');"
            " return isFinite(a.duration) && a.duration > 1 && a.currentTime > 0.2; }",
            timeout=60_000,
        )
        page.screenshot(path=str(ARTIFACTS / "voice-preview.png"))
        assert errors == []
