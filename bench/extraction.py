"""Extraction quality: Narrate vs plain `trafilatura.extract` on the corpus, side by side.

    .venv/bin/python bench/extraction.py [--pages DIR] [--per-page]

Each page `X.html` in the corpus (`tests/workers/text/corpus/pages/`) has a gold body
`X.gold.txt`. Both systems get the same HTML; each answer is scored against the gold body
two ways, as precision / recall / F1 averaged over the pages:

- **lines**: the answer's lines (Narrate: its blocks) that are exactly a gold line, after
  squashing spaces and dropping a list bullet (as multisets);
- **shingles**: overlapping runs of four lowercased words (as multisets), the measure of
  the article-extraction benchmarks; it forgives different line breaks.

Narrate's answer is what `extract_html` extracts as the article's body; the headline and
byline it reads first (see `workers.text.prepare`) are metadata, not body, so not scored.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: the engine is imported from the checkout
    sys.path.insert(0, str(ROOT))
CORPUS: Final = ROOT / "tests" / "workers" / "text" / "corpus" / "pages"
SHINGLE_WORDS: Final = 4
_WORD: Final = re.compile(r"\w+")
_BULLET: Final = re.compile(r"^(?:[-*•]\s+)")


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _overlap(got: Counter[str], gold: Counter[str]) -> Score:
    hits = sum((got & gold).values())
    if not got and not gold:
        return Score(1.0, 1.0)
    return Score(hits / max(sum(got.values()), 1), hits / max(sum(gold.values()), 1))


def _line(text: str) -> str:
    return _BULLET.sub("", " ".join(text.split()))


def line_score(got: Iterable[str], gold: Iterable[str]) -> Score:
    return _overlap(
        Counter(x for x in map(_line, got) if x), Counter(x for x in map(_line, gold) if x)
    )


def shingles(text: str) -> Counter[str]:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return Counter([" ".join(words)] if words else [])
    return Counter(
        " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
    )


def shingle_score(got: Iterable[str], gold: Iterable[str]) -> Score:
    return _overlap(shingles("\n".join(got)), shingles("\n".join(gold)))


def mean_score(scores: list[Score]) -> Score:
    return Score(
        statistics.fmean(s.precision for s in scores), statistics.fmean(s.recall for s in scores)
    )


Extractor = Callable[[str], list[str]]


def narrate_lines(html: str) -> list[str]:
    from workers.errors import EmptyInput
    from workers.text.extract import extract_html

    try:
        return [block.text for block in extract_html(html).blocks]
    except EmptyInput:
        return []


def trafilatura_lines(html: str) -> list[str]:
    import trafilatura

    return (trafilatura.extract(html) or "").splitlines()


SYSTEMS: Final[dict[str, Extractor]] = {
    "narrate": narrate_lines,
    "trafilatura": trafilatura_lines,
}


@dataclass(frozen=True)
class PageResult:
    page: str
    lines: Score
    shingles: Score


@dataclass(frozen=True)
class SystemResult:
    name: str
    pages: list[PageResult]
    seconds: float

    @property
    def lines(self) -> Score:
        return mean_score([p.lines for p in self.pages])

    @property
    def shingles(self) -> Score:
        return mean_score([p.shingles for p in self.pages])


def corpus_pages(folder: Path = CORPUS) -> list[tuple[str, str, list[str]]]:
    """(name, html, gold lines) of every page in `folder`."""
    return [
        (
            html.stem,
            html.read_text(encoding="utf-8"),
            html.with_suffix(".gold.txt").read_text(encoding="utf-8").splitlines(),
        )
        for html in sorted(folder.glob("*.html"))
    ]


def score_system(
    name: str, extractor: Extractor, pages: list[tuple[str, str, list[str]]]
) -> SystemResult:
    results = []
    start = time.perf_counter()
    for page, html, gold in pages:
        got = extractor(html)
        results.append(PageResult(page, line_score(got, gold), shingle_score(got, gold)))
    return SystemResult(name, results, time.perf_counter() - start)


def _row(label: str, score: Score) -> str:
    return f"{label:<10} P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=CORPUS, help="corpus folder")
    parser.add_argument("--per-page", action="store_true", help="print each page's F1")
    args = parser.parse_args()
    pages = corpus_pages(args.pages)
    results = [score_system(name, fn, pages) for name, fn in SYSTEMS.items()]
    print(f"{len(pages)} pages in {args.pages}")
    if args.per_page:
        print(f"{'page':<44}" + "".join(f"{r.name + ' lines/shingles F1':>34}" for r in results))
        for i, (page, _, _) in enumerate(pages):
            cells = "".join(
                f"{r.pages[i].lines.f1:>26.3f} {r.pages[i].shingles.f1:>7.3f}" for r in results
            )
            print(f"{page:<44}{cells}")
    for result in results:
        print(f"{result.name} ({result.seconds:.1f} s)")
        print("  " + _row("lines", result.lines))
        print("  " + _row("shingles", result.shingles))
    narrate, plain = results
    print(
        f"shingle F1 narrate - trafilatura: {narrate.shingles.f1 - plain.shingles.f1:+.3f}; "
        f"line F1: {narrate.lines.f1 - plain.lines.f1:+.3f}"
    )


if __name__ == "__main__":
    main()
