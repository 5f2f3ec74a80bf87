"""The golden table: written sentence → spoken sentence, one case a line in golden_en.tsv."""

from __future__ import annotations

from collections import Counter
from typing import Final

import pytest

from tests.workers.text.golden import (
    MIN_CASES_PER_CATEGORY,
    REQUIRED_CATEGORIES,
    GoldenCase,
    format_scores,
    load_golden,
    score_by_category,
)
from workers.text.normalize import normalize_text

MIN_GOLDEN_CASES: Final = 600
CASES: Final = load_golden()


def test_the_golden_table_is_large_enough() -> None:
    assert len(CASES) >= MIN_GOLDEN_CASES


def test_every_required_category_has_enough_cases() -> None:
    counts = Counter(case.category for case in CASES)
    short = {c: counts[c] for c in REQUIRED_CATEGORIES if counts[c] < MIN_CASES_PER_CATEGORY}
    assert not short, f"categories with fewer than {MIN_CASES_PER_CATEGORY} cases: {short}"


def test_golden_cases_are_distinct() -> None:
    written = Counter(case.written for case in CASES)
    assert [w for w, n in written.items() if n > 1] == []


def test_per_category_pass_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """Every category passes in full; the per-category table is printed (`pytest -s`)."""
    scores = score_by_category(CASES, lambda text: normalize_text(text, "en"))
    with capsys.disabled():
        print("\n" + format_scores(scores))
    assert [s for s in scores if s.passed != s.total] == []


@pytest.mark.parametrize("case", CASES, ids=[f"{c.line}-{c.category}" for c in CASES])
def test_golden_case(case: GoldenCase) -> None:
    assert normalize_text(case.written, "en") == case.spoken


@pytest.mark.parametrize("language", ["de", "uk", "fr_FR"])
def test_other_languages_pass_through(language: str) -> None:
    text = "Dr. Müller zahlte $1.5 Mrd. am 21. Nov.  2024."
    assert normalize_text(text, language) == "Dr. Müller zahlte $1.5 Mrd. am 21. Nov. 2024."


def test_phoneme_blocks_are_never_rewritten() -> None:
    spoken = normalize_text("Dr. [[ sˈækɑːɹʊk ]] paid $5.", "en")
    assert spoken == "Doctor [[ sˈækɑːɹʊk ]] paid five dollars."


@pytest.mark.parametrize(
    ("written", "mdy", "dmy"),
    [
        ("It was signed on 03/04/2019.", "March fourth", "the third of April"),
        ("Filed 11-12-2020 in court.", "November twelfth", "the eleventh of December"),
        ("Due 1/2/24 at the latest.", "January second", "the first of February"),
    ],
)
def test_ambiguous_numeric_dates_follow_the_date_order(written: str, mdy: str, dmy: str) -> None:
    assert mdy in normalize_text(written, date_order="mdy")
    assert dmy in normalize_text(written, date_order="dmy")


@pytest.mark.parametrize("order", ["mdy", "dmy"])
def test_a_day_above_twelve_settles_the_order(order: str) -> None:
    assert "the fourteenth of March" in normalize_text("On 14/03/2019 it rained.", date_order=order)
    assert "March fourteenth" in normalize_text("On 03/14/2019 it rained.", date_order=order)
