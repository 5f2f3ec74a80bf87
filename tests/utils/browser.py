"""Headless Debian Chromium, driven by Playwright, for the page tests: installed with
apt-get when missing (as root), else the test skips and says why."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import pytest

CHROMIUM: Final = "/usr/bin/chromium"
CHROMIUM_ARGS: Final = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS: Final = Path(__file__).resolve().parents[2] / "test-artifacts"
"""Screenshots and figures the page tests leave for people to look at."""
APT_TIMEOUT_S: Final = 600


def ensure_chromium() -> str:
    """Debian's chromium, installed with apt-get when missing (idempotent), or skip why not."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if not shutil.which("apt-get") or os.geteuid() != 0:
        pytest.skip(f"{CHROMIUM} is missing and apt-get cannot install it here (needs root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        done = subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=APT_TIMEOUT_S, check=False
        )
        if done.returncode != 0:
            pytest.skip(f"could not install chromium ({' '.join(argv)}): {done.stderr[-400:]}")
    return CHROMIUM


@contextmanager
def chromium(*extra_args: str) -> Iterator[Any]:
    """A launched headless Chromium (a Playwright `Browser`), closed afterwards."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = ensure_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=[*CHROMIUM_ARGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()
