"""The listening page lights the word being said, in a real headless Chromium: the written
word ("$1.5 billion" is one) at a seek, then words advancing as the audio plays; and the
job's speech marks are served."""

from __future__ import annotations

import json

import pytest

from tests.service.feeds.conftest import LiveService
from tests.utils.browser import chromium

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TEXT = "The city will spend $1.5 billion on the harbor. Work starts in March, the mayor said."
CURRENT_WORD = "document.querySelector('.transcript .w.current')"


def test_the_page_lights_the_current_word(live_service: LiveService) -> None:
    job_id = live_service.submit(TEXT)
    job = live_service.wait_done(job_id)
    assert job["status"] == "done", job
    timings = live_service.client.get(job["links"]["timings"]).json()
    amount = next(w for w in timings["words"] if w["text"] == "$1.5 billion")
    marks = live_service.client.get(job["links"]["speechmarks"])
    assert marks.status_code == 200
    shown = [(m["type"], m["value"]) for m in map(json.loads, marks.text.splitlines())]
    assert ("word", "$1.5 billion") in shown

    with chromium("--autoplay-policy=no-user-gesture-required") as browser:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{live_service.base}/jobs/{job_id}")
        page.wait_for_selector("[data-role=player]", state="visible")
        page.wait_for_function("() => document.querySelector('audio').readyState >= 1")
        words = page.query_selector_all(".transcript .w")
        assert [w.text_content() for w in words] == [w["text"] for w in timings["words"]]
        # The sentence reads as written around the word spans.
        assert page.text_content(".transcript .s") == timings["sentences"][0]["text"]

        # Seeking into the amount lights it, as written, and only it.
        page.evaluate(f"document.querySelector('audio').currentTime = {amount['start'] + 0.03}")
        page.wait_for_function(f"() => {CURRENT_WORD}?.textContent === '$1.5 billion'")
        assert len(page.query_selector_all(".transcript .w.current")) == 1

        # Playing moves the light on, word by word, into the next sentence.
        page.evaluate("document.querySelector('audio').play()")
        page.wait_for_function(
            f"() => {CURRENT_WORD} && Number({CURRENT_WORD}.dataset.start) > {amount['start']}"
            " && document.querySelector('.transcript .s.current').dataset.index === '1'",
            timeout=30_000,
        )
        assert errors == []
