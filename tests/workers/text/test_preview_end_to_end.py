"""End to end: `narrate preview` of the scraped fixture speaks the story and nothing else."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.workers.text.test_extract import FIXTURE_FURNITURE, FIXTURE_STORY_LINES, SCRAPED_FIXTURE
from workers.text.prepare import prepare_article


@pytest.mark.skipif(
    not SCRAPED_FIXTURE.exists(), reason=f"shared fixture absent: {SCRAPED_FIXTURE}"
)
def test_preview_of_the_scraped_page_is_the_story_alone() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "preview", str(SCRAPED_FIXTURE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    spoken = [line for line in result.stdout.splitlines() if not line.startswith("--- chunk")]

    lines = SCRAPED_FIXTURE.read_text(encoding="utf-8").splitlines()
    story = "\n\n".join(lines[n - 1] for n in FIXTURE_STORY_LINES)
    expected = [s.spoken for c in prepare_article(story).chunks for s in c.sentences]
    assert spoken == expected
    text = "\n".join(spoken)
    for furniture in FIXTURE_FURNITURE:
        assert furniture not in text
    assert "June thirteenth" in text and "U S" in text and "$" not in text
