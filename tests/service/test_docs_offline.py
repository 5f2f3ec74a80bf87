"""`/docs` and `/redoc` work with no internet access: their pages name no other host, every
asset they load is served by the app itself, and in a real headless Chromium that may reach
nothing but the app, both render the API (issue 13: blank pages offline)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Final
from urllib.parse import urljoin, urlsplit

import pytest

from tests.utils.services import Stack

pytestmark = pytest.mark.slow

DOC_PAGES: Final = ("/docs", "/redoc")
ANY_URL: Final = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")
RENDER_TIMEOUT_MS: Final = 60_000
ASSET_TYPES: Final = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


class References(HTMLParser):
    """Every URL an HTML page refers to: `src`, `href`, and ReDoc's `spec-url`."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href", "spec-url") and v]


@pytest.fixture
def api(make_stack: Callable[..., Stack]) -> Stack:
    stack = make_stack()
    stack.start_api()
    return stack


@pytest.mark.parametrize("page", DOC_PAGES)
def test_doc_pages_load_everything_from_the_app(api: Stack, page: str) -> None:
    response = api.http.get(page)
    assert response.status_code == 200
    html = response.text
    assert ANY_URL.findall(html) == []  # no CDN, no web fonts, no validator, no favicon
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and not ANY_URL.findall(policy)
    parser = References()
    parser.feed(html)
    scripts = [u for u in parser.urls if u.endswith(".js")]
    assert scripts, parser.urls  # the bundle itself, not a blank page
    for url in parser.urls:
        assert not urlsplit(url).netloc, url
        asset = api.http.get(urljoin(f"{api.api.url}{page}", url))
        assert asset.status_code == 200, url
        suffix = url[url.rfind(".") :]
        assert ASSET_TYPES.get(suffix, "") in asset.headers["content-type"], url
        assert len(asset.content) > 1000, url
    if page == "/docs":  # Swagger UI's config: the spec's URL and no online validator
        assert "url: '/openapi.json'" in html and '"validatorUrl": null' in html
    else:
        assert 'spec-url="/openapi.json"' in html


def test_doc_pages_render_in_a_browser_that_reaches_only_the_app(api: Stack) -> None:
    """Every request the pages make is watched: any to another host is recorded and
    refused (a CDN would leave the page blank, as in issue 13)."""
    from tests.utils.browser import chromium

    own = urlsplit(api.api.url).netloc
    elsewhere: list[str] = []
    errors: list[str] = []

    def only_the_app(route, request) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(request.url).netloc == own or request.url.startswith("data:"):
            route.continue_()
        else:
            elsewhere.append(request.url)
            route.abort()

    with chromium() as browser:
        tab = browser.new_page()
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.route("**/*", only_the_app)
        tab.goto(f"{api.api.url}/docs")
        tab.wait_for_selector(".opblock-summary-path", timeout=RENDER_TIMEOUT_MS)
        paths = tab.locator(".opblock-summary-path").all_text_contents()
        assert any("/v1/jobs" in p for p in paths) and any("/v1/feeds" in p for p in paths)
        tab.goto(f"{api.api.url}/redoc")
        tab.wait_for_selector("h2:has-text('Submit an article')", timeout=RENDER_TIMEOUT_MS)
    assert errors == []
    assert elsewhere == []
