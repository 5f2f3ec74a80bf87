"""The golden normalization table (golden_en.tsv): loading it and scoring it by category.

Shared by `test_normalize.py` and `bench/normalization.py`, so the test and the bench
count the same cases the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final, NamedTuple

GOLDEN_EN: Final = Path(__file__).with_name("golden_en.tsv")

REQUIRED_CATEGORIES: Final = (
    "addresses", "time", "date", "range", "fractions", "measures", "electronic",
    "ordinals", "money", "roman", "telephone", "cardinal", "decimal", "abbreviations",
)  # fmt: skip
"""The categories of written → spoken pairs news text needs (issue 12); each has at
least `MIN_CASES_PER_CATEGORY` cases. Other categories (acronyms, symbols, punctuation,
datelines, mixed sentences) are in the table too."""

MIN_CASES_PER_CATEGORY: Final = 20


class GoldenCase(NamedTuple):
    category: str
    written: str
    spoken: str
    line: int


def load_golden(path: Path = GOLDEN_EN) -> list[GoldenCase]:
    """The cases of a golden table: `category <TAB> written <TAB> spoken` a line."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        category, written, spoken = line.split("\t")
        cases.append(GoldenCase(category, written, spoken, number))
    return cases


class CategoryScore(NamedTuple):
    category: str
    passed: int
    total: int


def score_by_category(
    cases: Iterable[GoldenCase], normalize: Callable[[str], str]
) -> list[CategoryScore]:
    """Passed and total cases of each category, the required categories first."""
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for case in cases:
        total[case.category] += 1
        passed[case.category] += normalize(case.written) == case.spoken
    order = [c for c in REQUIRED_CATEGORIES if c in total]
    order += sorted(c for c in total if c not in REQUIRED_CATEGORIES)
    return [CategoryScore(c, passed[c], total[c]) for c in order]


def format_scores(scores: Iterable[CategoryScore]) -> str:
    """One line a category ("money      34/34  100.0%") and a total line."""
    scores = list(scores)
    lines = [
        f"{s.category:<14}{s.passed:>4}/{s.total:<4}{100 * s.passed / s.total:6.1f}%"
        for s in scores
    ]
    passed, total = sum(s.passed for s in scores), sum(s.total for s in scores)
    lines.append(f"{'total':<14}{passed:>4}/{total:<4}{100 * passed / max(total, 1):6.1f}%")
    return "\n".join(lines)
