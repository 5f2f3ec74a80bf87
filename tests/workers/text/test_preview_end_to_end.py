"""End to end: `narrate preview` of the scraped fixture speaks the story and nothing else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.workers.text.test_extract import FIXTURE_FURNITURE, FIXTURE_STORY_LINES, SCRAPED_FIXTURE
from workers.text.prepare import prepare_article


@pytest.mark.skipif(
    not SCRAPED_FIXTURE.exists(), reason=f"shared fixture absent: {SCRAPED_FIXTURE}"
)
def test_preview_of_the_scraped_page_is_the_story_alone() -> None:
    spoken = _preview(SCRAPED_FIXTURE)

    lines = SCRAPED_FIXTURE.read_text(encoding="utf-8").splitlines()
    story = "\n\n".join(lines[n - 1] for n in FIXTURE_STORY_LINES)
    expected = [s.spoken for c in prepare_article(story).chunks for s in c.sentences]
    assert spoken == expected
    text = "\n".join(spoken)
    for furniture in FIXTURE_FURNITURE:
        assert furniture not in text
    assert "June thirteenth" in text and "U S" in text and "$" not in text


@pytest.mark.parametrize(
    ("flags", "first"),
    [
        ([], "Harbor City Approves"),
        (["--no-title"], "By Maria Lopez"),
        (["--no-title", "--no-byline"], "The vote ends a decade"),
    ],
)
def test_preview_reads_the_headline_and_byline_unless_told_not_to(
    flags: list[str], first: str
) -> None:
    spoken = _preview(Path(__file__).with_name("pages") / "harbor-herald.txt", *flags)
    assert spoken[0].removeprefix("# ").startswith(first)  # headings are shown with "# "
    assert "advertisement" not in "\n".join(spoken).lower()


def _preview(page: Path, *flags: str) -> list[str]:
    """The spoken lines `narrate preview` prints for `page`."""
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "preview", str(page), *flags],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if not line.startswith("--- chunk")]
