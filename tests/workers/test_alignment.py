"""Phonemes grouped into spoken words: properties over generated phoneme strings (espeak's
groups joined, split or dropped at random), and sample offsets from per-id counts."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from workers.alignment import (
    SEPARATORS,
    phoneme_offsets,
    spoken_words,
    word_phoneme_spans,
    words_in_take,
)

SOUNDS = "abdefhiklmnoprstuvwzæðŋɐɑɔəɛɪʊʌː"
ID_MAP = {"_": [0], "^": [1], "$": [2], " ": [3], ",": [4], ".": [5], "ˈ": [6], "ˌ": [7]}
ID_MAP.update({c: [10 + i] for i, c in enumerate(SOUNDS)})


@st.composite
def sentences(draw: st.DrawFn) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """Words with their own phonemes, and a sentence's phonemes in which espeak joined
    neighbours, changed sounds, or put punctuation between groups."""
    count = draw(st.integers(1, 12))
    words = [f"w{i}" for i in range(count)]
    own = {w: list(draw(st.text(SOUNDS, min_size=1, max_size=6))) for w in words}
    phonemes: list[str] = []
    for i, word in enumerate(words):
        sounds = list(own[word])
        if draw(st.booleans()):  # context changes a sound
            sounds[draw(st.integers(0, len(sounds) - 1))] = draw(st.sampled_from(SOUNDS))
        if draw(st.booleans()):
            sounds.insert(0, "ˈ")
        phonemes += sounds
        if i + 1 < count:
            phonemes += draw(st.sampled_from([[" "], [" "], [], [",", " "]]))  # [] = joined
    return phonemes, words, own


@settings(max_examples=100, deadline=None)
@given(sentences())
def test_every_word_gets_an_ordered_span_within_the_sentence(
    case: tuple[list[str], list[str], dict[str, list[str]]],
) -> None:
    phonemes, words, own = case
    spans = word_phoneme_spans(phonemes, words, lambda w: own[w])
    assert len(spans) == len(words)
    previous = 0
    for first, after in spans:
        assert previous <= first <= after <= len(phonemes)
        previous = after
        # A span never ends on a pause or punctuation.
        assert after == first or phonemes[after - 1] not in SEPARATORS
    # Samples: ordered, inside the audio, whatever the counts.
    total = 1000
    for counts in (None, [7] * (len(phonemes) * 2 + 3)):
        offsets = phoneme_offsets(phonemes, ID_MAP, counts, total)
        timed = words_in_take(words, spans, offsets, phonemes)
        assert all(0 <= w.start <= w.end for w in timed)
        assert all(a.end <= b.start for a, b in itertools.pairwise(timed))


def test_words_espeak_joined_are_found_inside_the_group() -> None:
    # "in the" spoken as one group ɪnðə, "of a" as əvə: each word still starts where it is.
    phonemes = list("ˈɪnðə bˈæk əvə bˈʌs")
    own = {"in": list("ˈɪn"), "the": list("ðə"), "back": list("bˈæk"), "of": list("ʌv"),
           "a": list("ˈeɪ"), "bus": list("bˈʌs")}  # fmt: skip
    words = ["in", "the", "back", "of", "a", "bus"]
    spans = word_phoneme_spans(phonemes, words, lambda w: own[w])
    assert ["".join(phonemes[a:b]).strip() for a, b in spans] == [
        "ˈɪn", "ðə", "bˈæk", "əv", "ə", "bˈʌs",
    ]  # fmt: skip


def test_offsets_follow_the_counts_and_a_pause_is_nobodys() -> None:
    phonemes = list("ab, d")
    # ids: ^ _ a _ b _ , _ ␣ _ d _ $
    counts = [10, 1, 20, 2, 30, 3, 40, 4, 50, 5, 60, 6, 70]
    offsets = phoneme_offsets(phonemes, ID_MAP, counts, 0)
    assert offsets.onset == [10, 31, 63, 106, 160, 225]
    assert offsets.own == [11, 33, 66, 110, 165, 225]
    spans = word_phoneme_spans(phonemes, ["ab", "d"], list)
    assert spans == [(0, 2), (4, 5)]
    timed = words_in_take(["ab", "d"], spans, offsets, phonemes)
    # "ab" begins at its own ids (the sentence's start) and ends before the comma; "d"
    # begins after the pause, at its own ids.
    assert [(w.start, w.end) for w in timed] == [(11, 63), (165, 225)]


def test_spoken_words_keep_phoneme_blocks_whole() -> None:
    assert spoken_words("say [[ wˈɪn ]] now — ok") == ["say", "[[ wˈɪn ]]", "now", "ok"]
