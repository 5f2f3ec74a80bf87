"""Segmentation of plain text into headings, sentences and bounded chunks."""

from __future__ import annotations

from voices.catalog import VoiceCatalog
from workers.cache import chunk_cache_key
from workers.synthesis import SynthesisSettings
from workers.text.segment import (
    DEFAULT_MAX_CHUNK_CHARS,
    MAX_SENTENCE_CHARS,
    Block,
    BlockKind,
    Break,
    plain_text_blocks,
    segment_blocks,
    split_sentences,
)


def test_abbreviations_do_not_end_a_sentence() -> None:
    text = (
        "Dr. Smith met Gen. Jones and Mr. Lee in the U.S. on Nov. 21 to talk. "
        "Sen. Brown was not there. They left at 5 p.m. on Friday."
    )
    assert split_sentences(text) == [
        "Dr. Smith met Gen. Jones and Mr. Lee in the U.S. on Nov. 21 to talk.",
        "Sen. Brown was not there.",
        "They left at 5 p.m. on Friday.",
    ]


def test_headings_marked_markdown_and_short_lines() -> None:
    blocks = plain_text_blocks(
        "# Big News\n\nFirst paragraph here.\n\nWhat comes next\n\nMore text follows here."
    )
    assert [b.kind for b in blocks] == [
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
    ]
    assert blocks[0].text == "Big News"


def test_hard_wrapped_lines_join_into_one_paragraph() -> None:
    blocks = plain_text_blocks(
        "This paragraph was wrapped by an e-mail client at a fixed width of\n"
        "seventy-two characters, so its lines must be joined back together\n"
        "before it is split into sentences.\n"
    )
    assert len(blocks) == 1 and blocks[0].text.endswith("sentences.")


def test_scraped_lines_each_a_paragraph() -> None:
    blocks = plain_text_blocks("One line is one paragraph.\nThe next line is another one.")
    assert len(blocks) == 2


def test_chunks_bounded_in_order_and_never_cross_blocks() -> None:
    paragraph = " ".join(f"Sentence number {i} is here." for i in range(40))
    blocks = [
        Block(BlockKind.HEADING, "Title"),
        Block(BlockKind.PARAGRAPH, paragraph),
        Block(BlockKind.PARAGRAPH, "Short one."),
    ]
    chunks = segment_blocks(blocks)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    for chunk in chunks:
        assert len({s.block for s in chunk.sentences}) == 1
        assert len(chunk.spoken) <= DEFAULT_MAX_CHUNK_CHARS or len(chunk.sentences) == 1
    spoken = [s.spoken for c in chunks for s in c.sentences]
    assert spoken[1] == "Sentence number 0 is here." and spoken[-1] == "Short one."
    breaks = [s.break_after for c in chunks for s in c.sentences]
    assert breaks[0] is Break.HEADING and breaks[-1] is Break.END
    assert breaks[-2] is Break.PARAGRAPH


def test_run_on_text_is_split_to_bounded_sentences() -> None:
    run_on = ", ".join(["a clause without any full stop at all"] * 60)
    pieces = split_sentences(run_on)
    assert len(pieces) > 1
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    assert " ".join(pieces).replace(" ", "") == run_on.replace(" ", "")


def test_unspeakable_sentences_dropped() -> None:
    chunks = segment_blocks(
        [Block(BlockKind.PARAGRAPH, "*** --- !!!"), Block(BlockKind.PARAGRAPH, "Words remain.")]
    )
    assert [s.spoken for c in chunks for s in c.sentences] == ["Words remain."]


def test_edit_in_one_paragraph_keeps_other_chunks() -> None:
    first = [
        Block(BlockKind.PARAGRAPH, "Alpha one. Alpha two."),
        Block(BlockKind.PARAGRAPH, "Beta one."),
        Block(BlockKind.PARAGRAPH, "Gamma one. Gamma two."),
    ]
    edited = [first[0], Block(BlockKind.PARAGRAPH, "Beta one, edited."), first[2]]
    voice, settings = VoiceCatalog.discover().get("en_US-joe-medium"), SynthesisSettings()
    keys = [chunk_cache_key(c, voice, settings) for c in segment_blocks(first)]
    new_keys = [chunk_cache_key(c, voice, settings) for c in segment_blocks(edited)]
    assert keys[0] == new_keys[0] and keys[2] == new_keys[2] and keys[1] != new_keys[1]


def test_dispatch_order_reads_in_order_but_finishes_longest_first() -> None:
    from workers.pool import TAIL_CHUNKS_PER_PROCESS, dispatch_order

    lengths = [50, 400, 60, 300, 20, 350, 10, 200, 90, 120]
    blocks = [Block(BlockKind.PARAGRAPH, "x" * (n - 1) + ".") for n in lengths]
    chunks = segment_blocks(blocks)
    order = dispatch_order(chunks, processes=1)
    head = len(chunks) - TAIL_CHUNKS_PER_PROCESS
    assert order[:head] == list(range(head))
    assert sorted(order) == list(range(len(chunks)))
    tail_lengths = [len(chunks[i].spoken) for i in order[head:]]
    assert tail_lengths == sorted(tail_lengths, reverse=True)
