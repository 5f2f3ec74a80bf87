"""Where each spoken word lies in a take: Piper's per-phoneme sample counts, grouped by word.

Piper's duration predictor decides how many samples every phoneme id gets (its `w_ceil`
tensor, exposed as a second model output: `voices.onnx_cache` keeps it in the optimized
model). espeak-ng's phonemes come in groups separated by spaces, but a group is not always
one word of the spoken text: espeak joins unstressed words ("in the" → `ɪnðə`) and drops
symbols. So every spoken word is also phonemized on its own, and the two phoneme strings
are aligned monotonically (`difflib`); a word starts where its first phoneme lands in the
sentence's string, snapped to the nearest group boundary when one is that close.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

SEPARATORS: Final = frozenset(" !'(),-.:;?\"…—–¡¿")
"""espeak output that is not a sound of a word: spaces and punctuation."""
STRESS: Final = frozenset("ˈˌ")
"""Stress marks: they belong to the sound after them."""
SNAP_PHONEMES: Final = 2
"""A word boundary found by aligning phonemes moves to an espeak group boundary this near."""

_WORD: Final = re.compile(r"\[\[.*?\]\]|\S+")
"""A spoken word: a run of non-spaces, or a raw phoneme block `[[ … ]]` (lexicon, SSML)."""


@dataclass(frozen=True)
class SpokenWord:
    """One word of a sentence's spoken text and where it is heard in the take, in samples."""

    text: str
    start: int
    end: int

    def as_list(self) -> list[object]:
        return [self.text, self.start, self.end]

    @classmethod
    def from_list(cls, value: Sequence[object]) -> SpokenWord:
        text, start, end = value
        return cls(str(text), int(str(start)), int(str(end)))


def spoken_words(spoken: str) -> list[str]:
    """The words of a spoken text that make a sound (runs of symbols alone make none)."""
    return [w for w in _WORD.findall(spoken) if w.startswith("[[") or any(c.isalnum() for c in w)]


def _sounds(phonemes: Sequence[str]) -> list[int]:
    """Indices of the phonemes that are sounds (not separators, not stress marks)."""
    return [i for i, p in enumerate(phonemes) if p not in SEPARATORS and p not in STRESS]


def word_phoneme_spans(
    phonemes: Sequence[str], words: Sequence[str], phonemize_word: Callable[[str], list[str]]
) -> list[tuple[int, int]]:
    """For each word, `(first, after last)` indices of its phonemes in `phonemes` (one
    sentence, espeak's groups separated by spaces): in order, not overlapping, spanning
    its stress marks and sounds but not the pause or punctuation after it."""
    sounds = _sounds(phonemes)
    group_starts = [
        k
        for k, i in enumerate(sounds)
        if k == 0 or any(p in SEPARATORS for p in phonemes[sounds[k - 1] + 1 : i])
    ]
    if len(group_starts) == len(words):
        starts = group_starts
    else:
        starts = _aligned_starts(sounds, phonemes, words, phonemize_word, group_starts)
    starts = list(itertools.accumulate(starts, max))
    spans = []
    for k, next_k in zip(starts, [*starts[1:], len(sounds)], strict=True):
        first = _phoneme_index(phonemes, sounds, k)
        spans.append((first, sounds[next_k - 1] + 1 if next_k > k else first))
    return spans


def _aligned_starts(
    sounds: list[int],
    phonemes: Sequence[str],
    words: Sequence[str],
    phonemize_word: Callable[[str], list[str]],
    group_starts: list[int],
) -> list[int]:
    """Word starts (indices into `sounds`) found by aligning each word's own phonemes
    with the sentence's."""
    sentence = "".join(phonemes[i] for i in sounds)
    solo = []
    for word in words:
        own = phonemize_word(word)
        solo.append("".join(own[i] for i in _sounds(own)))
    bounds = [0, *itertools.accumulate(len(s) for s in solo)][:-1]
    blocks = difflib.SequenceMatcher(None, sentence, "".join(solo), autojunk=False)
    matched = [(b.a, b.b, b.size) for b in blocks.get_matching_blocks()]
    raw = [_map_position(bound, matched, len(sentence)) for bound in bounds]  # non-decreasing
    # Each group boundary goes to the word mapped nearest it, if that is near enough.
    starts = list(raw)
    for group in group_starts:
        near = bisect.bisect_left(raw, group)
        nearest = min((i for i in (near - 1, near) if 0 <= i < len(raw)),
                      key=lambda i: abs(raw[i] - group), default=None)  # fmt: skip
        if nearest is not None and abs(raw[nearest] - group) <= SNAP_PHONEMES:
            starts[nearest] = group
    return starts


def _map_position(b: int, matched: list[tuple[int, int, int]], length: int) -> int:
    """Position in the sentence's sounds of position `b` in the words' own sounds: exact
    inside a matching block, else interpolated between the blocks around it. `matched`
    is difflib's matching blocks, in order, ending with an empty one."""
    after = bisect.bisect_right(matched, b, key=lambda block: block[1])
    if after > 0:
        a_start, b_start, size = matched[after - 1]
        if b < b_start + size:
            return a_start + b - b_start
        a0, b0 = a_start + size, b_start + size
    else:
        a0, b0 = 0, 0
    if after == len(matched):
        return min(length, a0 + (b - b0))
    a1, b1, _ = matched[after]
    return min(length, a0 + round((b - b0) * (a1 - a0) / max(1, b1 - b0)))


def _phoneme_index(phonemes: Sequence[str], sounds: list[int], k: int) -> int:
    """Where a word whose first sound is sound `k` begins in `phonemes`: with the stress
    marks before that sound, and the space before them."""
    if k >= len(sounds):
        return len(phonemes)
    index = sounds[k]
    while index > 0 and phonemes[index - 1] in STRESS:
        index -= 1
    # The space between two words is heard as the onset of the second (after punctuation,
    # the pause is nobody's).
    if index > 1 and phonemes[index - 1] == " " and phonemes[index - 2] not in SEPARATORS:
        index -= 1
    return index


@dataclass(frozen=True)
class PhonemeOffsets:
    """Samples from the start of the synthesized audio to each phoneme (index
    `len(phonemes)`: to the end of the last one)."""

    onset: list[int]
    """To the padding before the phoneme: Piper puts a padding id between any two
    phonemes, and the blank is the transition into the phoneme after it."""
    own: list[int]
    """To the phoneme's own ids (after a pause, the padding before it is still silence)."""


def phoneme_offsets(
    phonemes: Sequence[str],
    id_map: Mapping[str, Sequence[int]],
    id_samples: Sequence[float] | None,
    total: int,
) -> PhonemeOffsets:
    """Where each phoneme begins, from Piper's sample count for each phoneme id.

    Without counts (a model with no alignment output) every id is given the same share of
    `total`. Which offsets a word starts at was measured against an independent aligner
    (`bench/word_timings.py`).
    """
    pad = len(id_map.get("_", []))
    widths = [len(id_map["^"]) + pad] + [
        len(id_map[p]) + pad if p in id_map else 0 for p in phonemes
    ]
    n_ids = sum(widths) + len(id_map.get("$", []))
    if id_samples is None or len(id_samples) != n_ids:
        id_samples = [total / max(1, n_ids)] * n_ids
    cumulative = [0.0, *itertools.accumulate(id_samples)]
    bounds = list(itertools.accumulate(widths))
    return PhonemeOffsets(
        onset=[round(cumulative[b - pad]) for b in bounds],
        own=[round(cumulative[b]) for b in bounds[:-1]] + [round(cumulative[bounds[-1] - pad])],
    )


def words_in_take(
    words: Sequence[str],
    spans: Sequence[tuple[int, int]],
    offsets: PhonemeOffsets,
    phonemes: Sequence[str],
) -> list[SpokenWord]:
    """Spoken words with their sample spans in the synthesized audio: `spans` from
    `word_phoneme_spans`. A word begins at its first phoneme's onset, or at its own ids
    when it follows a pause (the sentence's start, or punctuation)."""
    spoken = []
    for word, (a, b) in zip(words, spans, strict=True):
        after_pause = a == 0 or phonemes[a - 1] in SEPARATORS
        start = offsets.own[a] if after_pause else offsets.onset[a]
        spoken.append(SpokenWord(word, start, max(start, offsets.onset[b])))
    return spoken
