"""The spoken AI disclosure: its own chunk (so the chunk cache keeps it per voice), its own
sentence in the timings, and no shift in the article's sentence numbers."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from voices.catalog import DEFAULT_VOICE_ID, VoiceCatalog
from workers.pipeline import ConvertOptions, mark_disclosure, resolved_meta, stitch_program
from workers.pool import SynthesisPool
from workers.synthesis import SynthesisSettings
from workers.text.prepare import DISCLOSURE_TEXT, Disclosure, Reading, prepare_article
from workers.timings import render_timings_json

ARTICLE = (
    "Harbor Bridge Reopens\n\n"
    "The Harbor Bridge reopened on Monday after repairs. Traffic is back to normal.\n\n"
    "The ferry will stop on Friday.\n"
)


@pytest.mark.parametrize("where", list(Disclosure))
def test_the_disclosure_is_a_chunk_of_its_own_and_leaves_the_article_alone(
    where: Disclosure,
) -> None:
    plain = prepare_article(ARTICLE)
    told = prepare_article(ARTICLE, reading=Reading(disclosure=where))
    assert len(told.chunks) == len(plain.chunks) + 1
    spoken = [c.spoken for c in told.chunks]
    disclosure = told.chunks[0 if where is Disclosure.START else -1]
    assert [s.text for s in disclosure.sentences] == [DISCLOSURE_TEXT]
    spoken.remove(disclosure.spoken)
    assert spoken == [c.spoken for c in plain.chunks]  # the article's chunks stay cached


def test_the_title_is_never_the_disclosure() -> None:
    told = prepare_article(
        "no heading here, just words", reading=Reading(disclosure=Disclosure.START)
    )
    assert "AI assistance" not in (resolved_meta(told).title or "")


def test_timings_carry_the_disclosure_as_its_own_entry(tmp_path: Path) -> None:
    voice = VoiceCatalog.discover().get(DEFAULT_VOICE_ID)
    article_sentences = [s.text for c in prepare_article(ARTICLE).chunks for s in c.sentences]
    plain = list(enumerate(article_sentences))
    with SynthesisPool(voice, processes=1) as pool:
        for where in (Disclosure.START, Disclosure.END):
            article = prepare_article(ARTICLE, reading=Reading(disclosure=where))
            options = ConvertOptions(synthesis=SynthesisSettings(speed=2.0), disclosure=where)
            program = stitch_program(
                article.chunks,
                pool.synthesize(voice, article.chunks, options.synthesis),
                tmp_path / f"{where}.wav",
                voice.sample_rate,
                options,
            )
            # What `deliver_program` writes to timings.json (the service test reads that).
            marked_program = mark_disclosure(program, options.disclosure)
            rendered = json.loads(
                render_timings_json(
                    marked_program.timings,
                    program.duration,
                    marked_program.words,
                    marked_program.text,
                )
            )
            sentences = rendered["sentences"]
            # Words and offsets are the article's alone: no disclosure word, every offset
            # slices the article's text to what it names, sentence numbers as without it.
            text, words = rendered["text"], rendered["words"]
            assert "AI assistance" not in text and words
            by_index = {s["index"]: s for s in sentences}
            for w in words:
                assert text[w["char_start"] : w["char_end"]] == w["text"]
                assert w["sentence"] in by_index and not by_index[w["sentence"]].get("disclosure")
            for s in sentences:
                if not s.get("disclosure"):
                    assert text[s["char_start"] : s["char_end"]] == s["text"]
            marked = [s for s in sentences if s.get("disclosure")]
            assert len(marked) == 1 and "AI assistance" in marked[0]["text"]
            assert marked[0] is sentences[0 if where is Disclosure.START else -1]
            assert marked[0]["index"] == -1
            rest = [(s["index"], s["text"]) for s in sentences if not s.get("disclosure")]
            assert rest == plain  # highlighting offsets are the article's
            assert all(a["end"] <= b["start"] for a, b in itertools.pairwise(sentences))
            assert 0 < marked[0]["start"] < marked[0]["end"] <= program.duration
