"""Extraction: story lines kept in order, page furniture dropped (precision and recall of lines)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

from workers.text.extract import (
    extract_html,
    extract_markdown,
    extract_scraped_text,
    markdown_inline_text,
)
from workers.text.segment import BlockKind

PAGES: Final = Path(__file__).with_name("pages")
FIXTURES: Final = Path(__file__).parents[3] / ".." / "shared" / "fixtures"
SCRAPED_FIXTURE: Final = FIXTURES / "scraped-news-page.txt"

FIXTURE_STORY_LINES: Final = (8, 10, 12, 14, 16, 18, 23, 25, 27, 29, 31, 33, 35)
"""1-based line numbers of the story's paragraphs in the shared fixture (the rest is the page)."""

FIXTURE_FURNITURE: Final = (
    "Subscribe",
    "* indicates required",
    "Become a member",
    "Gift membership",
    "News Feed",
    "This audio is created with AI assistance",
    "Russian attacks pushing",  # a teaser headline inside the article
    "Ukrainians could face up to 20 hours",  # ...and its blurb
    "Key developments on June 11",
    "Skip to content",
    "Three years of reporting",
    "(President's Office)",
    "Crimean Tatar editor",
    "MORE NEWS",
    "Thank you for signing up",
)


def precision_recall(got: list[str], expected: list[str]) -> tuple[float, float]:
    hits = len(set(got) & set(expected))
    return hits / max(len(got), 1), hits / max(len(expected), 1)


def in_order(got: list[str], expected: list[str]) -> bool:
    return [line for line in got if line in expected] == expected


@pytest.mark.parametrize("page", ["city-herald", "science-weekly", "sports-wire"])
def test_scraped_pages_keep_the_story_and_drop_the_page(page: str) -> None:
    text = (PAGES / f"{page}.txt").read_text(encoding="utf-8")
    expected = (PAGES / f"{page}.story.txt").read_text(encoding="utf-8").splitlines()
    article = extract_scraped_text(text)
    got = [block.text for block in article.blocks]
    precision, recall = precision_recall(got, expected)
    print(f"{page}: line precision {precision:.2f}, recall {recall:.2f}")
    assert recall == 1.0, sorted(set(expected) - set(got))
    assert precision == 1.0, sorted(set(got) - set(expected))
    assert in_order(got, expected)
    assert article.title == expected[0]
    assert article.blocks[0].kind is BlockKind.HEADING


def test_bylines_become_metadata() -> None:
    city = extract_scraped_text((PAGES / "city-herald.txt").read_text(encoding="utf-8"))
    science = extract_scraped_text((PAGES / "science-weekly.txt").read_text(encoding="utf-8"))
    assert city.author == "Maria Lopez"
    assert science.author == "Ana Chen and Tom Ward"


def test_subheadings_inside_the_story_stay_headings() -> None:
    article = extract_scraped_text((PAGES / "sports-wire.txt").read_text(encoding="utf-8"))
    kinds = {block.text: block.kind for block in article.blocks}
    assert kinds["A late comeback"] is BlockKind.HEADING


@pytest.mark.skipif(
    not SCRAPED_FIXTURE.exists(), reason=f"shared fixture absent: {SCRAPED_FIXTURE}"
)
def test_the_shared_fixture_keeps_every_story_line_in_order() -> None:
    lines = SCRAPED_FIXTURE.read_text(encoding="utf-8").splitlines()
    expected = [lines[n - 1].strip() for n in FIXTURE_STORY_LINES]
    got = [block.text for block in extract_scraped_text("\n".join(lines)).blocks]
    precision, recall = precision_recall(got, expected)
    print(f"scraped-news-page: line precision {precision:.2f}, recall {recall:.2f}")
    assert got == expected
    spoken_page = "\n".join(got)
    for furniture in FIXTURE_FURNITURE:
        assert furniture not in spoken_page


def test_plain_story_lines_with_furniture_words_survive() -> None:
    text = "\n".join(
        [
            "Skip to content",
            "Subscribe",
            "The paper's owner said readers could subscribe to the print edition until May.",
            "She said the decision was hard, and that the newsroom would keep its 40 reporters.",
            "* indicates required",
        ]
    )
    got = [block.text for block in extract_scraped_text(text).blocks]
    assert got == [
        "The paper's owner said readers could subscribe to the print edition until May.",
        "She said the decision was hard, and that the newsroom would keep its 40 reporters.",
    ]


def test_html_keeps_headings_order_and_metadata() -> None:
    article = extract_html((PAGES / "harbor-times.html").read_text(encoding="utf-8"))
    expected = (PAGES / "harbor-times.story.txt").read_text(encoding="utf-8").splitlines()
    got = [block.text for block in article.blocks]
    precision, recall = precision_recall(got, expected)
    print(f"harbor-times.html: line precision {precision:.2f}, recall {recall:.2f}")
    assert got == expected
    assert article.title == "Ferry service to the islands resumes after storm"
    assert article.author == "Priya Natarajan"
    assert article.date == "2024-03-08"
    kinds = {block.text: block.kind for block in article.blocks}
    assert kinds["Repairs ahead of schedule"] is BlockKind.HEADING


MARKDOWN: Final = """\
# Port reopens

The port **reopened** on *Monday*, according to [the authority](https://port.example/news).
Ships queued overnight.

```python
print("this is code and is not read")
```

## What changed

- Two new cranes
- A _longer_ pier

    indented_code = "not read either"

> "It is a good day," the mayor said.

![a photo](photo.jpg)

[ref]: https://example.com
"""


def test_markdown_reads_like_text() -> None:
    article = extract_markdown(MARKDOWN)
    assert [(b.kind, b.text) for b in article.blocks] == [
        (BlockKind.HEADING, "Port reopens"),
        (
            BlockKind.PARAGRAPH,
            "The port reopened on Monday, according to the authority. Ships queued overnight.",
        ),
        (BlockKind.HEADING, "What changed"),
        (BlockKind.PARAGRAPH, "Two new cranes"),
        (BlockKind.PARAGRAPH, "A longer pier"),
        (BlockKind.PARAGRAPH, '"It is a good day," the mayor said.'),
    ]
    assert article.title == "Port reopens"


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("see [docs](http://x.org/a_b) now", "see docs now"),
        ("**bold** and __strong__", "bold and strong"),
        ("*it* and _em_ but snake_case_name", "it and em but snake_case_name"),
        ("~~gone~~ `code`", "gone code"),
        ("2 * 3 * 4", "2 * 3 * 4"),
    ],
)
def test_markdown_inline_marks(written: str, plain: str) -> None:
    assert markdown_inline_text(written) == plain


def test_a_story_told_twice_is_kept_twice() -> None:
    """Repetition marks short page chrome, never whole paragraphs of prose.

    (The repeated headings themselves do read as chrome and are dropped.)
    """
    from tests.conftest import SAMPLE_ARTICLE
    from workers.text.prepare import prepare_article

    once = prepare_article(SAMPLE_ARTICLE.read_text())
    twice = prepare_article(SAMPLE_ARTICLE.read_text() * 2)
    spoken_once = [s.spoken for c in once.chunks for s in c.sentences if not s.heading]
    spoken_twice = [s.spoken for c in twice.chunks for s in c.sentences if not s.heading]
    assert spoken_twice == spoken_once * 2
