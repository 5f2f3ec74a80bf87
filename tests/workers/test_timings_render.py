"""WebVTT and speech marks of generated timings (long words, words of no length, many
words at one instant), read back by independent parsers: webvtt-py and `json`."""

from __future__ import annotations

import html
import json
import re
import string
from collections import defaultdict

import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from workers.stitch import SentenceTiming, WordTiming
from workers.timings import CUE_LINE_CHARS, CUE_LINES, render_speechmarks, render_vtt

_TAG = re.compile(r"<(\d\d):(\d\d):(\d\d\.\d\d\d)>")
TOKEN = st.one_of(
    st.text(string.ascii_letters + "é&<>-", min_size=1, max_size=12),
    st.text(string.ascii_lowercase + "/.:", min_size=40, max_size=100),  # a URL-like run
)


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


@st.composite
def programs(draw: st.DrawFn) -> tuple[list[SentenceTiming], list[WordTiming], str]:
    sentences: list[SentenceTiming] = []
    words: list[WordTiming] = []
    text = ""
    clock = draw(st.floats(0, 1))
    for index in range(draw(st.integers(1, 4))):
        tokens = draw(st.lists(TOKEN, min_size=1, max_size=20))
        if text:
            text += "\n\n"
        start_char, start = len(text), clock
        for k, token in enumerate(tokens):
            if k:
                text += " "
            said = draw(st.floats(0, 0.4))  # zero: a word espeak folded into another
            words.append(
                WordTiming(
                    clock, clock + said, token, token, len(text), len(text) + len(token), index
                )
            )
            text += token
            clock += said + draw(st.sampled_from([0.0, 0.0005, 0.05]))
        clock += 0.001
        sentences.append(
            SentenceTiming(
                index, start, clock, text[start_char:], False, index, start_char, len(text)
            )
        )
        clock += draw(st.floats(0.0, 1.0))
    return sentences, words, text


@settings(max_examples=40, deadline=None)
@given(programs())
def test_vtt_cues_fit_two_lines_and_carry_increasing_word_tags(
    program: tuple[list[SentenceTiming], list[WordTiming], str],
) -> None:
    sentences, words, _ = program
    captions = webvtt.from_string(render_vtt(sentences, words))
    shown: dict[int, list[str]] = defaultdict(list)
    for cue in captions:
        start, end = _seconds(cue.start), _seconds(cue.end)
        assert start < end
        lines = html.unescape(cue.text).split("\n")  # webvtt-py leaves entities as they are
        assert len(lines) <= CUE_LINES and all(len(line) <= CUE_LINE_CHARS for line in lines)
        stamps = [_seconds(":".join(m.groups())) for m in _TAG.finditer(cue.raw_text)]
        assert all(start < t < end for t in stamps) and stamps == sorted(set(stamps))
        index = int(re.fullmatch(r"s(\d+)(-\d+)?", cue.identifier).group(1))
        shown[index] += "".join(lines).split()
    for s in sentences:  # all the text is shown, in order (long words cut across lines)
        assert "".join(shown[s.index]) == "".join(s.text.split())


@settings(max_examples=40, deadline=None)
@given(programs())
def test_speechmarks_byte_offsets_slice_the_text(
    program: tuple[list[SentenceTiming], list[WordTiming], str],
) -> None:
    sentences, words, text = program
    marks = [json.loads(line) for line in render_speechmarks(sentences, words, text).splitlines()]
    raw = text.encode("utf-8")
    assert len(marks) == len(sentences) + len(words)
    for mark in marks:
        assert raw[mark["start"] : mark["end"]].decode("utf-8") == mark["value"]
    assert [m["value"] for m in marks if m["type"] == "word"] == [w.text for w in words]
