"""The deployment's settings reach every door: the lexicon file is applied by the workers as
by the CLI, and the HTML path's dependency is declared by the project itself."""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_narrate
from tests.utils.services import Stack

ARTICLE = "Mayor Ruiz opened the bridge on Monday. Ruiz thanked the crews."


@pytest.mark.slow
def test_the_lexicon_file_is_applied_by_the_service_and_the_cli(
    make_stack: Callable[..., Stack], tmp_path: Path
) -> None:
    lexicon = tmp_path / "names.tsv"
    lexicon.write_text("Ruiz\tRoo-eess\n", encoding="utf-8")
    stack = make_stack(lexicon_file=lexicon)
    stack.start_api()
    stack.start_worker()
    job_id = stack.submit(text=ARTICLE)["id"]
    assert stack.wait_job(job_id, 120)["status"] == "done"
    spoken = " ".join(s.spoken for c in stack.store.chunks(job_id) for s in c.chunk.sentences)
    assert "Roo-eess" in spoken and "Ruiz" not in spoken

    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    preview = run_narrate("preview", source, env={"NARRATE_LEXICON_FILE": str(lexicon)})
    assert preview.returncode == 0, preview.stderr
    assert "Roo-eess" in preview.stdout and "Ruiz" not in preview.stdout


def test_the_html_path_dependency_is_declared() -> None:
    """jusText imports `lxml.html.clean`, which lxml >= 5.2 moved to `lxml_html_clean`;
    Python 3.11's bundled pip does not install it through lxml's extra, so the project
    declares it itself."""
    required = importlib.metadata.requires("narrate") or []
    names = {re.split(r"[<>=!~ ;\[]", r, maxsplit=1)[0].lower().replace("-", "_") for r in required}
    assert "lxml_html_clean" in names
    import lxml.html.clean  # noqa: F401  (what jusText needs, importable)
