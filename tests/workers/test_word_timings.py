"""Word timings of a real conversion: from Piper's alignment output, on the article's own
words, in timings.json, the WebVTT and the speech marks; checked against an independent
forced aligner on the delivered audio."""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
import webvtt
from mutagen.mp3 import MP3

from bench.word_timings import (
    MEDIAN_LIMIT_MS,
    P95_LIMIT_MS,
    ReferenceAligner,
    compare,
    decoded,
)
from tests.conftest import SAMPLE_ARTICLE, SAMPLE_META, Conversion
from voices.catalog import load_piper_voice, packaged_voice
from workers.alignment import spoken_words
from workers.synthesis import ChunkAudio, SynthesisSettings, synthesize_chunk
from workers.text.prepare import prepare_article
from workers.text.segment import Break, Chunk, Sentence
from workers.timings import CUE_LINE_CHARS, CUE_LINES

pytestmark = pytest.mark.slow

_TAG = re.compile(r"<(\d\d):(\d\d):(\d\d\.\d\d\d)>")


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


@pytest.fixture(scope="module")
def doc(sample_conversion: Conversion) -> dict:
    return json.loads(sample_conversion.timings.read_text())


def test_takes_carry_their_spoken_words_from_the_alignment_output(tmp_path: Path) -> None:
    piper = load_piper_voice(packaged_voice())
    assert len(piper.session.get_outputs()) == 2  # the optimized model kept the alignment
    spoken = "They sat in the back of a bus, and talked."  # espeak joins "in the", "of a"
    chunk = Chunk(0, (Sentence(spoken, spoken, 0, False, Break.END),))
    audio = synthesize_chunk(piper, chunk, SynthesisSettings())
    words = audio.words[0]
    assert [w.text for w in words] == spoken_words(spoken)
    assert all(0 <= w.start < w.end <= len(audio.takes[0]) for w in words)  # each is heard
    assert all(a.end <= b.start for a, b in itertools.pairwise(words))
    # The sidecar of the chunk cache keeps them.
    audio.write(tmp_path / "chunk.wav")
    assert ChunkAudio.read(tmp_path / "chunk.wav", 0).words == audio.words


def test_word_timings_point_at_the_article_text(doc: dict, sample_conversion: Conversion) -> None:
    text, words, sentences = doc["text"], doc["words"], doc["sentences"]
    duration = MP3(sample_conversion.mp3).info.length
    article = prepare_article(SAMPLE_ARTICLE.read_text(), SAMPLE_META)
    spoken = [s.spoken for c in article.chunks for s in c.sentences]
    assert len(spoken) == len(sentences)
    by_sentence = defaultdict(list)
    previous_char, previous_start = 0, 0.0
    for w in words:
        assert text[w["char_start"] : w["char_end"]] == w["text"]
        assert previous_char <= w["char_start"] < w["char_end"]
        assert previous_start <= w["start"] <= w["end"] <= duration
        s = sentences[w["sentence"]]
        assert s["char_start"] <= w["char_start"] and w["char_end"] <= s["char_end"]
        assert s["start"] <= w["start"] and w["end"] <= s["end"] + 0.001
        previous_char, previous_start = w["char_end"], w["start"]
        by_sentence[w["sentence"]].append(w["spoken"])
    for s, said in zip(sentences, spoken, strict=True):
        assert text[s["char_start"] : s["char_end"]] == s["text"]
        # Every spoken word is in exactly one written word, in order.
        assert " ".join(by_sentence[s["index"]]).split() == spoken_words(said)
    amount = next(w for w in words if "$1.5" in w["text"])
    assert amount["text"] == "$1.5 million" and len(amount["spoken"].split()) >= 4


def test_vtt_has_word_tags_in_subtitle_sized_cues(doc: dict, sample_conversion: Conversion) -> None:
    captions = webvtt.read(str(sample_conversion.vtt))  # an independent parser
    sentences = doc["sentences"]
    shown: dict[int, list[str]] = defaultdict(list)
    tagged = []
    for cue in captions:
        start, end = _seconds(cue.start), _seconds(cue.end)
        lines = cue.text.split("\n")
        assert 1 <= len(lines) <= CUE_LINES and all(len(line) <= CUE_LINE_CHARS for line in lines)
        stamps = [_seconds(":".join(m.groups())) for m in _TAG.finditer(cue.raw_text)]
        assert all(start < t < end for t in stamps) and stamps == sorted(set(stamps))
        tagged += stamps
        index = int(re.fullmatch(r"s(\d+)(-\d+)?", cue.identifier).group(1))
        s = sentences[index]
        assert s["start"] - 0.001 <= start < end <= s["end"] + 0.001
        shown[index].append(" ".join(lines))
    for s in sentences:
        assert " ".join(shown[s["index"]]).split() == s["text"].split()
    # The word starts are the tags (a tag is left out only where it would equal the cue's start).
    starts = {round(w["start"], 3) for w in doc["words"]}
    assert len(starts & set(tagged)) >= 0.9 * len(starts)


def test_speechmarks_in_pollys_shape(doc: dict, sample_conversion: Conversion) -> None:
    assert sample_conversion.speechmarks is not None
    lines = sample_conversion.speechmarks.read_text(encoding="utf-8").splitlines()
    marks = [json.loads(line) for line in lines]
    raw = doc["text"].encode("utf-8")
    for mark in marks:
        assert set(mark) == {"time", "type", "start", "end", "value"}
        assert raw[mark["start"] : mark["end"]].decode("utf-8") == mark["value"]
    sentence_marks = [m for m in marks if m["type"] == "sentence"]
    word_marks = [m for m in marks if m["type"] == "word"]
    assert len(marks) == len(sentence_marks) + len(word_marks)
    assert [m["time"] for m in sentence_marks] == [
        round(s["start"] * 1000) for s in doc["sentences"]
    ]
    assert [(m["time"], m["value"]) for m in word_marks] == [
        (round(w["start"] * 1000), w["text"]) for w in doc["words"]
    ]


def test_word_starts_agree_with_an_independent_forced_aligner(
    doc: dict, sample_conversion: Conversion
) -> None:
    """PocketSphinx (model inside its wheel) aligns the spoken words on the delivered
    audio; see bench/word_timings.py for the method and its limits."""
    audio, aligner = decoded(sample_conversion.mp3), ReferenceAligner()
    report = compare(doc, audio, aligner)
    assert len(report.comparisons) >= 0.6 * len(doc["words"]), report.summary()
    assert report.median_ms() <= MEDIAN_LIMIT_MS, report.summary()
    assert report.p95_ms() <= P95_LIMIT_MS, report.summary()
    # The measure can fail: each word given the next one's start fails it.
    words = doc["words"]
    shifted = [dict(w, start=n["start"]) for w, n in itertools.pairwise(words)]
    assert compare(dict(doc, words=shifted), audio, aligner).median_ms() > MEDIAN_LIMIT_MS
