"""Test data made here: articles of any length with distinct, plausible sentences."""

from __future__ import annotations

import random

_SUBJECTS = [
    "The harbor master",
    "A ferry engineer",
    "The island council",
    "Mayor Okafor",
    "The night crew",
    "A local teacher",
    "The coast guard",
    "Two fishermen",
]
_VERBS = ["inspected", "described", "repaired", "measured", "photographed", "praised"]
_OBJECTS = [
    "the battery bank",
    "the solar canopy",
    "the old pier",
    "the winter timetable",
    "the new ticket office",
    "the charging station",
    "the passenger deck",
]
_TAILS = [
    "before sunrise",
    "after a long storm",
    "during the town meeting",
    "with help from volunteers",
    "for the third time this month",
]


def long_article(paragraphs: int, sentences: int = 4, seed: int = 7) -> str:
    """`paragraphs` paragraphs of distinct sentences, about 80 characters each."""
    rng = random.Random(seed)
    out = []
    for p in range(paragraphs):
        out.append(
            " ".join(
                f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
                f"{rng.choice(_TAILS)} on day {p * sentences + s + 1}."
                for s in range(sentences)
            )
        )
    return "\n\n".join(out) + "\n"
