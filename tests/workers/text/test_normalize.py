"""The golden table: written sentence → spoken sentence, one case a line in golden_en.tsv."""

from __future__ import annotations

from pathlib import Path
from typing import Final, NamedTuple

import pytest

from workers.text.normalize import normalize_text

GOLDEN_EN: Final = Path(__file__).with_name("golden_en.tsv")
MIN_GOLDEN_CASES: Final = 200


class GoldenCase(NamedTuple):
    category: str
    written: str
    spoken: str
    line: int


def load_golden(path: Path) -> list[GoldenCase]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        category, written, spoken = line.split("\t")
        cases.append(GoldenCase(category, written, spoken, number))
    return cases


CASES: Final = load_golden(GOLDEN_EN)


def test_the_golden_table_is_large_enough() -> None:
    assert len(CASES) >= MIN_GOLDEN_CASES


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
