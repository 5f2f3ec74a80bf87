"""The pages' building blocks: templates, the inline favicon, and the error page a browser
gets (kept apart from the routes, so the API's error handler can use them)."""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path
from string import Template
from typing import Final
from urllib.parse import quote

TEMPLATES: Final = Path(__file__).parent / "templates"


@cache
def template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


FAVICON_SVG: Final = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" '
    'height="16" rx="3" fill="#1f5fd0"/><path d="M4 11V5h1.5l3 4V5H10v6H8.5l-3-4v4z" '
    'fill="#fff"/></svg>'
)
FAVICON: Final = "data:image/svg+xml," + quote(FAVICON_SVG)
"""Inline in every page: no request for it (a 404 in the log before)."""


def error_page_html(status: int, message: str) -> str:
    """The page a browser gets for a wrong link (API clients get the JSON error)."""
    titles = {404: "Not found", 409: "Not ready yet", 401: "Key needed"}
    return template("error.html").substitute(
        status=str(status),
        title=escape(titles.get(status, "Something is wrong")),
        message=escape(message),
        favicon=FAVICON,
    )
