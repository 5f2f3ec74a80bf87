"""Spoken words mapped back to the written words: properties over generated sentences,
with a simulated normalizer (so the properties do not depend on today's rules) and with
the real one."""

from __future__ import annotations

import string

from hypothesis import example, given, settings
from hypothesis import strategies as st

from workers.alignment import spoken_words
from workers.text.normalize import normalize_text
from workers.words import comparison_key, map_words, written_tokens

WRITTEN = [
    "the", "council", "said", "Dr.", "$1.5", "billion", "50%", "Nov.", "21,", "—", "&",
    "(AP)", "U.S.", "don't", '"Hello,"', "3:30", "p.m.", "e-mail", "#1", "…", "Smith's",
    "2024.", "km/h", "*",
]  # fmt: skip
NEW_WORD = st.text(string.ascii_lowercase, min_size=1, max_size=7)
WORD = st.text(string.ascii_letters, min_size=1, max_size=8)
TOKEN = st.one_of(st.sampled_from(WRITTEN), st.text(string.ascii_letters, min_size=1, max_size=9))
SPACE = st.sampled_from([" ", "  ", "\t", " \n "])


@st.composite
def sentences(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A written sentence and a spoken form made by a random 'normalizer': each token
    read as itself, read as other words, dropped, or read with words added after it."""
    tokens = draw(st.lists(TOKEN, min_size=1, max_size=25))
    text = draw(SPACE).lstrip() + "".join(t + draw(SPACE) for t in tokens).rstrip()
    spoken: list[str] = []
    for token in tokens:
        action = draw(st.sampled_from(["keep", "keep", "keep", "replace", "drop", "add"]))
        itself = [token.strip("\"'()—…*,.")] if comparison_key(token) else []
        if action == "keep":
            spoken += [w for w in itself if w]
        elif action == "replace":
            spoken += draw(st.lists(NEW_WORD, min_size=1, max_size=4))
        elif action == "add":
            spoken += [w for w in itself if w] + draw(st.lists(NEW_WORD, min_size=1, max_size=2))
    return text, spoken


def check_mapping(text: str, spoken: list[str]) -> None:
    spans = map_words(text, spoken)
    if not spoken:
        assert spans == []
        return
    starts = {a for a, _ in written_tokens(text)}
    ends = {b for _, b in written_tokens(text)}
    covered = 0
    previous_end = 0
    for span in spans:
        # Offsets slice the written text to a word as shown, on token edges, in order.
        assert previous_end <= span.start < span.end <= len(text)
        piece = text[span.start : span.end]
        assert piece == piece.strip() and piece
        assert span.start in starts and span.end in ends
        previous_end = span.end
        # Every spoken word belongs to exactly one span, in order.
        assert span.spoken[0] == covered < span.spoken[1]
        covered = span.spoken[1]
    assert covered == len(spoken)


@settings(max_examples=120, deadline=None)
@given(sentences())
@example(
    (
        "It cost $1.5 billion, said Dr. Smith.",
        spoken_words("It cost one point five billion dollars, said Doctor Smith."),
    )
)
def test_every_spoken_word_maps_to_written_text_in_order(case: tuple[str, list[str]]) -> None:
    check_mapping(*case)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(WORD, st.sampled_from(["don't", "Smith's", "o'clock"])), max_size=20))
def test_words_read_as_written_map_one_to_one(words: list[str]) -> None:
    text = " ".join(words)
    spans = map_words(text, words)
    assert [text[s.start : s.end] for s in spans] == words
    assert [s.spoken for s in spans] == [(i, i + 1) for i in range(len(words))]


@settings(max_examples=80, deadline=None)
@given(st.lists(TOKEN, min_size=1, max_size=20).map(" ".join))
def test_the_real_normalizer_maps_onto_the_written_words(text: str) -> None:
    check_mapping(text, spoken_words(normalize_text(text)))


def test_an_amount_read_as_five_words_is_one_written_word() -> None:
    text = "It cost $1.5 billion, said Dr. Smith on Nov. 21, 5 days ago."
    spoken = spoken_words(
        "It cost one point five billion dollars, said Doctor Smith on November "
        "twenty-first, five days ago."
    )
    mapped = [
        (text[s.start : s.end], " ".join(spoken[s.spoken[0] : s.spoken[1]]))
        for s in map_words(text, spoken)
    ]
    assert ("$1.5 billion", "one point five billion dollars,") in mapped
    assert ("Dr.", "Doctor") in mapped
    assert ("Nov. 21", "November twenty-first,") in mapped  # cut at the comma both sides
    assert ("5", "five") in mapped and ("Smith", "Smith") in mapped
