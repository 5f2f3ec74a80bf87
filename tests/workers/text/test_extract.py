"""Extraction: story lines kept in order, page furniture dropped (precision and recall of lines)."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path
from typing import Final

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workers.text.extract import (
    extract_html,
    extract_markdown,
    extract_scraped_text,
    markdown_inline_text,
    rejoin_hard_wraps,
    spoken_names,
)
from workers.text.prepare import ArticleMeta, InputFormat, Reading, extract_text, prepare_article
from workers.text.segment import Block, BlockKind

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


@pytest.mark.parametrize("page", ["city-herald", "science-weekly", "sports-wire", "harbor-herald"])
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
    """The body is the story; the headline is metadata (read first by `prepare_article`)."""
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
    """Repetition marks short page chrome, never whole paragraphs of prose, nor the headings
    over them (the story's own structure)."""
    from tests.conftest import SAMPLE_ARTICLE
    from workers.text.prepare import prepare_article

    once = prepare_article(SAMPLE_ARTICLE.read_text())
    twice = prepare_article(SAMPLE_ARTICLE.read_text() * 2)
    assert [b.text for b in twice.blocks] == [b.text for b in once.blocks] * 2


# ---------------------------------------------------------------- the corpus


def test_the_corpus_reads_at_least_as_well_as_plain_trafilatura() -> None:
    """Narrate against plain `trafilatura.extract` on the CMS-shaped corpus (see
    `bench/extraction.py` for the side-by-side figures)."""
    from bench.extraction import SYSTEMS, corpus_pages, score_system

    pages = corpus_pages()
    assert len(pages) >= 30
    narrate, plain = (score_system(name, SYSTEMS[name], pages) for name in SYSTEMS)
    print(f"shingle F1 {narrate.shingles.f1:.3f} vs {plain.shingles.f1:.3f}")
    assert narrate.shingles.f1 >= plain.shingles.f1
    assert narrate.lines.f1 >= plain.lines.f1
    assert narrate.shingles.f1 >= CORPUS_F1_FLOOR
    assert narrate.shingles.precision >= CORPUS_PRECISION_FLOOR
    worst = min(narrate.pages, key=lambda page: page.shingles.recall)
    assert worst.shingles.recall >= CORPUS_PAGE_RECALL_FLOOR, worst.page


CORPUS_F1_FLOOR: Final = 0.98
CORPUS_PRECISION_FLOOR: Final = 0.97
CORPUS_PAGE_RECALL_FLOOR: Final = 0.8
"""No page of the corpus loses more than this share of its story."""


# ---------------------------------------------------------------- furniture on evidence

WORDS: Final = tuple(
    [
        "harbor",
        "council",
        "river",
        "bridge",
        "ferry",
        "library",
        "budget",
        "school",
        "market",
        "valley",
        "station",
        "engineers",
        "residents",
        "officials",
        "workers",
        "crews",
        "voters",
        "farmers",
        "tenants",
        "drivers",
        "approved",
        "opened",
        "closed",
        "rebuilt",
        "measured",
        "counted",
        "repaired",
        "planned",
        "delayed",
        "funded",
        "northern",
        "eastern",
        "quiet",
        "busy",
        "early",
        "late",
        "larger",
        "smaller",
        "public",
        "local",
    ]
)

sentence_strategy = st.lists(st.sampled_from(WORDS), min_size=6, max_size=16).map(
    lambda words: " ".join(words).capitalize() + "."
)
paragraph_strategy = st.lists(sentence_strategy, min_size=1, max_size=3).map(" ".join)

FURNITURE_PIECES: Final = (
    '<div class="ad"><p>Story continues below advertisement</p></div>',
    "<p>Advertisement</p>",
    '<p><strong>Read more:</strong> <a href="/n/1">Ferry riders face longer waits</a></p>',
    '<p>Sign up for the Morning Ledger newsletter</p><form><input type="email"></form>',
    '<p><a href="/n/2">Mayor names new head of the port authority</a></p>',
    "<p>Share this article</p>",
)
FURNITURE_TEXT: Final = (
    "continues below",
    "Advertisement",
    "Read more",
    "Ferry riders",
    "Sign up",
    "Mayor names new head",
    "Share this",
)


def _page(paragraphs: list[str], furniture: list[tuple[int, int]], quoted: int | None) -> str:
    body: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        body.append(f"<p>{paragraph}</p>")
        body += [FURNITURE_PIECES[piece] for at, piece in furniture if at == index]
        if quoted is not None and index == 1:
            sentence = paragraphs[quoted].split(". ")[0].rstrip(".")
            body.append(f'<aside class="pullquote"><p>“{sentence}.”</p></aside>')
    rail = "".join(
        f'<li><a href="/n/{i}">{h}</a></li>'
        for i, h in enumerate(["Mayor names new head of the port authority", "Weather"])
    )
    return (
        "<html><head><title>Council story</title></head><body>"
        '<nav><a href="/">Home</a><a href="/subscribe">Subscribe</a></nav>'
        f"<main><article><h1>Council story</h1><div class='body'>{''.join(body)}</div>"
        f"</article><aside><h3>Most read</h3><ul>{rail}</ul></aside></main>"
        "<footer><p>© 2024 The Ledger. All rights reserved.</p></footer></body></html>"
    )


@settings(max_examples=8, deadline=None)
@given(
    paragraphs=st.lists(paragraph_strategy, min_size=3, max_size=8, unique=True),
    furniture=st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, len(FURNITURE_PIECES) - 1)), max_size=5
    ),
    quote=st.booleans(),
)
def test_html_drops_furniture_on_evidence_and_keeps_every_paragraph(
    paragraphs: list[str], furniture: list[tuple[int, int]], quote: bool
) -> None:
    """Every story paragraph is kept, in order; every inserted piece of furniture (labels,
    prompts, teaser links found elsewhere on the page, a pull quote) is gone."""
    quoted = len(paragraphs) - 1 if quote else None
    got = [b.text for b in extract_html(_page(paragraphs, furniture, quoted)).blocks]
    assert got == paragraphs
    spoken = "\n".join(got)
    for piece in FURNITURE_TEXT:
        assert piece not in spoken


def test_prose_that_opens_like_a_prompt_is_kept() -> None:
    """Evidence means the whole line is furniture: story sentences that start with the same
    words, or are long, stay."""
    story = [
        "Sign up for the new bus pass opened on Monday at every library, officials said, "
        "and more than 4,000 residents had registered by the evening, twice the number the "
        "city expected.",
        "Advertisement revenue at the paper fell by a third last year, its owner said.",
        "Read more about the plan in the council's own report, the mayor told reporters.",
    ]
    assert [b.text for b in extract_html(_page(story, [], None)).blocks] == story


# ---------------------------------------------------------------- the head


HEADLINE: Final = "Harbor City Approves $1.5 Billion Flood Barrier"
BODY: Final = (
    "The city council voted on Tuesday to build a flood barrier across the harbor.",
    "Construction is expected to begin in 2026 and take about seven years.",
    "Two-thirds of the cost would come from federal grants, the finance office said.",
    "A final design is due by the end of next year, and hearings will follow.",
)
HEAD_INPUTS: Final = {
    InputFormat.TEXT: f"{HEADLINE}\n\nBy Maria Lopez\n\n" + "\n\n".join(BODY),
    InputFormat.MARKDOWN: f"# {HEADLINE}\n\nBy Maria Lopez\n\n" + "\n\n".join(BODY),
    InputFormat.HTML: (
        f"<html><head><title>{HEADLINE} | Herald</title>"
        '<meta name="author" content="Maria Lopez"></head><body>'
        f'<article><h1>{HEADLINE}</h1><p class="byline">By Maria Lopez</p>'
        + "".join(f"<p>{p}</p>" for p in BODY)
        + "</article></body></html>"
    ),
}


@pytest.mark.parametrize("input_format", list(HEAD_INPUTS))
def test_every_format_reads_headline_then_byline_once(input_format: InputFormat) -> None:
    article = prepare_article(HEAD_INPUTS[input_format], input_format=input_format)
    assert [(b.kind, b.text) for b in article.blocks] == [
        (BlockKind.HEADING, HEADLINE),
        (BlockKind.PARAGRAPH, "By Maria Lopez"),
        *((BlockKind.PARAGRAPH, p) for p in BODY),
    ]
    assert (article.meta.title, article.meta.author) == (HEADLINE, "Maria Lopez")


@pytest.mark.parametrize("input_format", list(HEAD_INPUTS))
@pytest.mark.parametrize(("read_title", "read_byline"), [(False, True), (True, False)])
def test_the_head_can_be_turned_off(
    input_format: InputFormat, read_title: bool, read_byline: bool
) -> None:
    article = prepare_article(
        HEAD_INPUTS[input_format],
        input_format=input_format,
        reading=Reading(read_title=read_title, read_byline=read_byline),
    )
    texts = [b.text for b in article.blocks]
    assert (HEADLINE in texts) is read_title
    assert ("By Maria Lopez" in texts) is read_byline
    assert texts[-len(BODY) :] == list(BODY)
    assert article.meta.title == HEADLINE  # the tags keep the headline either way


def test_the_request_title_is_read_first_unless_the_text_opens_with_it() -> None:
    body = "\n\n".join(BODY)
    given = ArticleMeta(title=HEADLINE, author="Sam Lee")
    added = prepare_article(body, given)
    assert [b.text for b in added.blocks[:2]] == [HEADLINE, "By Sam Lee"]
    opening = prepare_article(f"{HEADLINE}\n\n{body}", given)
    assert [b.text for b in opening.blocks].count(HEADLINE) == 1


def test_ssml_is_read_as_written() -> None:
    ssml = f"<speak><p>{BODY[0]}</p></speak>"
    article = prepare_article(ssml, ArticleMeta(title=HEADLINE), InputFormat.SSML)
    assert [b.text for b in article.blocks] == [BODY[0]]


@pytest.mark.parametrize(
    ("names", "spoken"),
    [("Ana Chen", "Ana Chen"), ("Ana Chen; Tom Ward", "Ana Chen and Tom Ward"),
     ("A B; C D; E F", "A B, C D and E F")],
)  # fmt: skip
def test_several_authors_are_read_as_a_list(names: str, spoken: str) -> None:
    assert spoken_names(names) == spoken


# ---------------------------------------------------------------- hard-wrapped text


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    paragraphs=st.lists(paragraph_strategy, min_size=2, max_size=6),
    headings=st.lists(st.booleans(), min_size=6, max_size=6),
    width=st.integers(50, 90),
    blank_lines=st.booleans(),
)
def test_hard_wrapped_text_is_read_as_its_paragraphs(
    paragraphs: list[str], headings: list[bool], width: int, blank_lines: bool
) -> None:
    """Text wrapped at any common width (the oracle: `textwrap`) is read as the paragraphs
    and headings it was made of; never a wrapped line as a heading."""
    blocks = []
    for paragraph, heading in zip(paragraphs, headings, strict=False):
        if heading:
            blocks.append(Block(BlockKind.HEADING, "What comes next"))
        blocks.append(Block(BlockKind.PARAGRAPH, paragraph))
    separator = "\n\n" if blank_lines else "\n"
    text = separator.join(
        b.text if b.kind is BlockKind.HEADING else textwrap.fill(b.text, width) for b in blocks
    )
    lines = text.splitlines()
    # Wrapped: a line with its paragraph going on after it, twice at least (with one, a
    # full line ending a sentence could as well be a paragraph of its own).
    assume(sum(1 for a, b in itertools.pairwise(lines) if a and b) >= 2)
    if not blank_lines:
        assume(all(b.kind is BlockKind.PARAGRAPH for b in blocks))
    got = extract_text(text).blocks
    if blank_lines:
        assert [(b.kind, b.text) for b in got] == [(b.kind, b.text) for b in blocks]
    else:
        # No blank line between paragraphs: with little text the wrapping is ambiguous (a
        # paragraph's last line near the width could have been wrapped; a wrapped line that
        # ends a sentence could end a paragraph), so paragraphs may be joined or parted at
        # a sentence's end; but no sentence is cut, and no line is read as a heading.
        assert all(b.kind is BlockKind.PARAGRAPH for b in got)
        joined = " ".join(b.text for b in got)
        assert joined == " ".join(b.text for b in blocks)
        assert all(joined[end - 2] == "." for end in _ends(got) - _ends(blocks))


def _ends(blocks: list[Block]) -> set[int]:
    """Where each block ends, in characters of the blocks' text joined by spaces."""
    return set(itertools.accumulate(len(b.text) + 1 for b in blocks))


@settings(max_examples=30, deadline=None)
@given(st.lists(paragraph_strategy, min_size=1, max_size=6))
def test_text_with_one_paragraph_a_line_is_not_rewrapped(paragraphs: list[str]) -> None:
    text = "\n".join(paragraphs)
    assert rejoin_hard_wraps(text) == text


def test_a_lede_that_opens_with_the_headline_is_kept() -> None:
    lede = f"{HEADLINE}, the council decided on Tuesday after a decade of debate."
    page = (
        f"<html><head><title>{HEADLINE} | Herald</title></head><body><article>"
        f"<h1>{HEADLINE}</h1><p>{lede}</p>" + "".join(f"<p>{p}</p>" for p in BODY)
    ) + "</article></body></html>"
    assert [b.text for b in extract_html(page).blocks] == [lede, *BODY]
    spoken = prepare_article(page, input_format=InputFormat.HTML).blocks
    assert [b.text for b in spoken][:2] == [HEADLINE, lede]


def test_headings_named_by_the_pages_own_table_of_contents_are_kept() -> None:
    heading = "What comes next for the harbor"
    toc = f'<nav class="toc"><a href="/news/barrier#next">{heading}</a></nav>'
    page = (
        f"<html><body>{toc}<article><h1>{HEADLINE}</h1>"
        + "".join(f"<p>{p}</p>" for p in BODY[:2])
        + f"<h2>{heading}</h2>"
        + "".join(f"<p>{p}</p>" for p in BODY[2:])
        + "</article></body></html>"
    )
    blocks = extract_html(page).blocks
    assert (BlockKind.HEADING, heading) in [(b.kind, b.text) for b in blocks]


@pytest.mark.parametrize("nav", ["Home", "Home News Sport", "Skip to content Home"])
def test_a_short_story_is_read_without_its_navigation(nav: str) -> None:
    """Under 250 characters trafilatura would take the whole page (its fallback
    extractors): navigation, headline and story run into one paragraph."""
    links = "".join(f'<a href="/{w.lower()}">{w}</a> ' for w in nav.split())
    story = ["The council met on Tuesday.", "It voted for a new library.", "Work starts soon."]
    html = (
        f"<html><head><title>Library</title></head><body><nav>{links}</nav><article>"
        f"<h1>Library</h1>{''.join(f'<p>{p}</p>' for p in story)}</article>"
        "<footer>Copyright</footer></body></html>"
    )
    spoken = [c.spoken for c in prepare_article(html, input_format=InputFormat.HTML).chunks]
    assert spoken == ["Library", *story]
