"""Shared fixtures: paths, the real CLI, and one real conversion reused by many checks."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest

from workers.text.prepare import ArticleMeta

ROOT = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"
SAMPLE_ARTICLE = ROOT / "examples" / "sample-article.txt"
SAMPLE_META: Final = ArticleMeta(
    title="Harbor Town Opens Its First Solar Ferry",
    author="Narrate Examples",
    publication="The Harbor Gazette",
)
"""What `sample_conversion` tells the CLI about the sample article (its head is read)."""
NARRATE = [sys.executable, "-m", "service.cli"]


def run_narrate(
    *args: str | Path,
    stdin: bytes | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run the real `narrate` CLI in a subprocess (stderr is not a TTY)."""
    return subprocess.run(
        [*NARRATE, *map(str, args)],
        input=stdin.decode("utf-8", "surrogateescape") if stdin is not None else None,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def shared_fixture_page() -> Path:
    page = SHARED_FIXTURES / "scraped-news-page.txt"
    if not page.exists():
        pytest.skip(
            f"shared fixtures not found at {SHARED_FIXTURES} (shared/ sits beside the clone)"
        )
    return page


@dataclass(frozen=True)
class Conversion:
    mp3: Path
    vtt: Path
    timings: Path
    stdout: str
    speechmarks: Path | None = None


@pytest.fixture(scope="session")
def sample_conversion(tmp_path_factory: pytest.TempPathFactory) -> Conversion:
    """The sample article converted once by the real CLI, with VTT and JSON timings."""
    out = tmp_path_factory.mktemp("sample")
    conversion = Conversion(
        out / "sample.mp3", out / "sample.vtt", out / "sample.json", "", out / "sample.marks"
    )
    result = run_narrate(
        "convert",
        SAMPLE_ARTICLE,
        "-o",
        conversion.mp3,
        "--vtt",
        conversion.vtt,
        "--timings",
        conversion.timings,
        "--speechmarks",
        conversion.speechmarks,
        "--title",
        SAMPLE_META.title,
        "--author",
        SAMPLE_META.author,
        "--publication",
        SAMPLE_META.publication,
    )
    assert result.returncode == 0, result.stderr
    return Conversion(
        conversion.mp3, conversion.vtt, conversion.timings, result.stdout, conversion.speechmarks
    )
