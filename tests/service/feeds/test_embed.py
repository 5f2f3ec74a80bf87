"""The compact embed in a real headless Chromium, inside a host page at 320, 390 and 1280 px:
one bar ≤ 120 px, play, ±15 s, speed, every control reached by Tab, no request before play
but the page itself, nothing from another origin. Screenshots go to test-artifacts/."""

from __future__ import annotations

import html
import json
from typing import Any, Final

import pytest

from tests.service.feeds.conftest import ARTICLE, LiveService
from tests.utils.browser import ARTIFACTS, CHROMIUM_ARGS, ensure_chromium
from tests.utils.site import Page, news_site

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WIDTHS: Final = (320, 390, 1280)
MAX_BAR_PX: Final = 120
MAX_BYTES_BEFORE_AUDIO: Final = 60_000
TAB_ORDER: Final = ["Play", "Transcript (opens a new tab)", "Back 15 seconds", "Position",
                    "Forward 15 seconds", "Speed"]  # fmt: skip
TITLE: Final = "Harbor Bridge Reopens, in full"
FOCUSED: Final = """() => { const e = document.activeElement;
  if (!e || e === document.body) return null;
  return e.getAttribute('aria-label') || e.textContent.trim(); }"""


LONGER: Final = """
## How the city paid for it

The council set aside money from the harbor fund three years ago. A state grant covered
the rest of the cost, and the federal transport office added a small loan.

## What drivers should know

The speed limit on the bridge is now forty miles an hour. Cyclists have a lane of their own
on the north side, and pedestrians may use the south walkway from six in the morning.
"""


def host_page(snippet: str) -> str:
    return (
        "<!doctype html><html><head><meta name=viewport content='width=device-width'>"
        "</head><body style='margin:0;font:16px serif'><p><a href='#'>Host link</a></p>"
        f"<h1>A story on the host's site</h1>{snippet}<p>The story goes on.</p></body></html>"
    )


@pytest.fixture(scope="module")
def long_job(live_service: LiveService) -> dict[str, Any]:
    # Long enough for +15 s.
    job_id = live_service.submit(ARTICLE + LONGER, speed=1.0, title=TITLE)
    try:
        job = live_service.wait_done(job_id)
    except AssertionError:
        pytest.fail(
            f"the job failed: {live_service.client.get(f'/v1/jobs/{job_id}').json()['error']}"
        )
    assert job["audio"]["duration_seconds"] > 20
    return job


def test_the_embed_plays_seeks_and_changes_speed_in_a_host_page(
    live_service: LiveService, long_job: dict[str, Any]
) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = ensure_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    job_id = long_job["id"]
    page_html = live_service.client.get(f"/jobs/{job_id}").text
    iframe = next(
        line for line in page_html.split("\n") if "snippet-iframe" in line
    )  # the snippet as the job page offers it, HTML-escaped in a textarea
    snippet = html.unescape(iframe.split(">", 1)[1].split("</textarea>")[0])
    assert snippet.startswith("<iframe") and f"/embed/{job_id}" in snippet
    figures: dict[str, Any] = {}
    # The host: another origin, as a newsroom's site would be.
    with news_site() as host, playwright_api.sync_playwright() as pw:
        host.pages["/story.html"] = Page(host_page(snippet).encode())
        script = (
            f'<script src="{live_service.base}/static/embed.js" '
            f'data-src="{live_service.base}/embed/{job_id}?theme=dark" async></script>'
        )
        host.pages["/scripted.html"] = Page(host_page(script).encode())
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            # What the embed costs before the listener presses play: every byte on the wire.
            page = browser.new_page()
            cdp = page.context.new_cdp_session(page)
            cdp.send("Network.enable")
            transferred: dict[str, float] = {}
            urls: dict[str, str] = {}
            cdp.on(
                "Network.requestWillBeSent",
                lambda e: urls.update({e["requestId"]: e["request"]["url"]}),
            )
            cdp.on(
                "Network.loadingFinished",
                lambda e: transferred.update({e["requestId"]: e["encodedDataLength"]}),
            )
            page.goto(f"{live_service.base}/embed/{job_id}", wait_until="networkidle")
            assert all(url.startswith(live_service.base) for url in urls.values()), urls
            assert not any("/audio" in url for url in urls.values())
            figures["bytes_before_audio"] = int(sum(transferred.values()))
            figures["requests_before_audio"] = len(urls)
            assert figures["bytes_before_audio"] <= MAX_BYTES_BEFORE_AUDIO
            page.close()

            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 600})
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                page.goto(host.url("/story.html"))
                frame_element = page.wait_for_selector("iframe")
                frame = frame_element.content_frame()
                frame.wait_for_selector("[data-role=play]")
                bar = frame.eval_on_selector(".bar", "e => e.getBoundingClientRect().toJSON()")
                assert bar["height"] <= MAX_BAR_PX
                figures[f"bar_height_{width}"] = bar["height"]
                box = frame_element.bounding_box()
                assert box["height"] >= bar["height"]  # the iframe's height fits the bar
                # Nothing overflows sideways, every control is inside the frame.
                assert frame.evaluate("() => document.documentElement.scrollWidth") <= box["width"]
                for role in ("play", "back", "seek", "forward", "speed", "time"):
                    r = frame.eval_on_selector(
                        f"[data-role={role}]", "e => e.getBoundingClientRect().toJSON()"
                    )
                    assert r["width"] > 0 and r["left"] >= 0 and r["right"] <= box["width"] + 0.5, (
                        role
                    )
                assert frame.text_content("[data-role=ai-notice]") == (
                    "This audio is created with AI assistance"
                )
                assert frame.get_attribute("audio", "aria-label") == TITLE
                assert frame.text_content(".title") == TITLE

                # Tab from the host page's link through every control, in order.
                page.focus("a")
                seen = []
                for _ in TAB_ORDER:
                    page.keyboard.press("Tab")
                    seen.append(frame.evaluate(FOCUSED))
                assert seen == TAB_ORDER

                # Play with the keyboard (focus on play, Space), it plays; then pause.
                page.keyboard.press("Shift+Tab")
                for _ in TAB_ORDER[1:-1]:
                    page.keyboard.press("Shift+Tab")
                assert frame.evaluate(FOCUSED) == "Play"
                page.keyboard.press("Space")
                frame.wait_for_function("() => document.querySelector('audio').currentTime > 0.3")
                assert frame.get_attribute("[data-role=play]", "aria-label") == "Pause"
                frame.click("[data-role=play]")
                frame.wait_for_function("() => document.querySelector('audio').paused")

                # ±15 s.
                before = frame.evaluate("() => document.querySelector('audio').currentTime")
                frame.click("[data-role=forward]")
                after = frame.evaluate("() => document.querySelector('audio').currentTime")
                assert after == pytest.approx(before + 15, abs=0.3)
                assert frame.text_content("[data-role=time]").startswith(f"0:{int(after):02d}")
                frame.click("[data-role=back]")
                back = frame.evaluate("() => document.querySelector('audio').currentTime")
                assert back == pytest.approx(before, abs=0.3)

                # Speed 0.75–2×.
                options = frame.eval_on_selector_all(
                    "[data-role=speed] option", "os => os.map(o => Number(o.value))"
                )
                assert min(options) == 0.75 and max(options) == 2
                frame.select_option("[data-role=speed]", "1.5")
                assert frame.evaluate("() => document.querySelector('audio').playbackRate") == 1.5
                page.screenshot(path=str(ARTIFACTS / f"embed-{width}.png"))
                assert errors == []
                page.close()

            # The script snippet makes and sizes its own frame; the dark theme.
            page = browser.new_page(viewport={"width": 390, "height": 400})
            page.goto(host.url("/scripted.html"))
            made = page.wait_for_selector("iframe")
            inner = made.content_frame()
            inner.wait_for_selector("body.dark .bar")
            bar_height = inner.eval_on_selector(".bar", "e => e.getBoundingClientRect().height")
            page.wait_for_function(
                "h => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - h)"
                " < 1.5",
                arg=bar_height,
            )
            page.screenshot(path=str(ARTIFACTS / "embed-dark-script.png"))
            page.close()
        finally:
            browser.close()
    (ARTIFACTS / "embed-figures.json").write_text(json.dumps(figures, indent=1))


def test_oembed_answers_the_iframe(live_service: LiveService, long_job: dict[str, Any]) -> None:
    page_url = f"{live_service.base}/jobs/{long_job['id']}"
    answer = live_service.client.get("/oembed", params={"url": page_url, "maxwidth": 500})
    assert answer.status_code == 200
    doc = answer.json()
    assert doc["type"] == "rich" and doc["version"] == "1.0" and doc["title"] == TITLE
    assert f"/embed/{long_job['id']}" in doc["html"] and doc["height"] <= MAX_BAR_PX
    assert doc["width"] == 500
    assert (
        live_service.client.get("/oembed", params={"url": page_url, "format": "xml"}).status_code
        == 501
    )
    missing = live_service.client.get(
        "/oembed", params={"url": f"{live_service.base}/jobs/{'0' * 32}"}
    )
    assert missing.status_code == 404


def test_browsers_get_pages_and_api_clients_json(live_service: LiveService) -> None:
    missing = f"/jobs/{'0' * 32}"
    as_browser = live_service.client.get(missing, headers={"Accept": "text/html,*/*;q=0.8"})
    assert as_browser.status_code == 404
    assert as_browser.headers["content-type"].startswith("text/html")
    assert "Not found" in as_browser.text
    as_client = live_service.client.get(f"/v1/jobs/{'0' * 32}", headers={"Accept": "text/html"})
    assert as_client.headers["content-type"] == "application/json"
    assert live_service.client.get("/favicon.ico").headers["content-type"].startswith("image/svg")
