"""`/docs` (Swagger UI) and `/redoc` from files this app serves itself: they work with no
internet access (no CDN, no web fonts, no online validator), and their content security
policy lets the browser reach nothing but this app (ReDoc's footer would fetch a logo)."""

from __future__ import annotations

from importlib.resources import files
from typing import Final

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL: Final = "/docs-assets"
ASSETS_DIR: Final = str(files("fastapi_offline") / "static")
"""Swagger UI and ReDoc bundles, shipped by the `fastapi-offline` wheel."""
POLICY: Final = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",  # Swagger UI is configured by an inline script
        "style-src 'self' 'unsafe-inline'",  # ReDoc styles its components inline
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
    )
)
SWAGGER_PARAMETERS: Final = {
    # Swagger UI's default sends the spec's URL to validator.swagger.io for a badge.
    "validatorUrl": None,
}


def install_offline_docs(app: FastAPI) -> None:
    """Serve `/docs` and `/redoc` (create the app with `docs_url=None, redoc_url=None`)."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")

    def offline(page: HTMLResponse) -> HTMLResponse:
        page.headers["Content-Security-Policy"] = POLICY
        return page

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        spec, assets = _urls(app, request)
        return offline(
            get_swagger_ui_html(
                openapi_url=spec,
                title=f"{app.title} API",
                swagger_js_url=f"{assets}/swagger-ui-bundle.js",
                swagger_css_url=f"{assets}/swagger-ui.css",
                swagger_favicon_url=f"{assets}/favicon.png",
                swagger_ui_parameters=SWAGGER_PARAMETERS,
            )
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        spec, assets = _urls(app, request)
        page = get_redoc_html(
            openapi_url=spec,
            title=f"{app.title} API",
            redoc_js_url=f"{assets}/redoc.standalone.js",
            redoc_favicon_url=f"{assets}/favicon.png",
            with_google_fonts=False,
        )
        return offline(page)


def _urls(app: FastAPI, request: Request) -> tuple[str, str]:
    """The spec's URL and the assets' folder, under the prefix the app is mounted at."""
    root = request.scope.get("root_path", "")
    return f"{root}{app.openapi_url}", f"{root}{ASSETS_URL}"
