"""Timings of the final file: JSON (sentences and words), WebVTT with word cues, and
speech marks in Amazon Polly's JSON-lines shape."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from workers.stitch import SentenceTiming, WordTiming

CUE_LINE_CHARS: Final = 42
"""A subtitle line holds at most this many characters (the usual broadcast limit)."""
CUE_LINES: Final = 2
"""A cue holds at most this many lines."""
MIN_STEP_MS: Final = 1
"""WebVTT wants every timestamp in a cue after the one before it."""


def vtt_timestamp(seconds: float) -> str:
    return _vtt_ms(round(seconds * 1000))


def _vtt_ms(millis: int) -> str:
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("-->", "->")


@dataclass(frozen=True)
class _Piece:
    """A stretch of a sentence's written text shown in a cue, and when it starts."""

    text: str
    start_ms: int
    end_ms: int


def _pieces(sentence: SentenceTiming, words: Sequence[WordTiming]) -> list[_Piece]:
    """The sentence cut before each word (what is between words goes with the one before):
    each piece is a word with its punctuation, timed as the word."""
    cuts = [w.char_start - sentence.char_start for w in words]
    cuts[0] = 0
    ends = [*cuts[1:], len(sentence.text)]
    return [
        _Piece(" ".join(sentence.text[a:b].split()), round(w.start * 1000), round(w.end * 1000))
        for w, a, b in zip(words, cuts, ends, strict=True)
        if sentence.text[a:b].strip()
    ]


def _lines_of(pieces: list[_Piece]) -> Iterator[list[list[_Piece]]]:
    """Pieces in cues of at most `CUE_LINES` lines of at most `CUE_LINE_CHARS` characters;
    a piece longer than a line is cut into line-long parts."""
    fitted: list[_Piece] = []
    for piece in pieces:
        for k in range(0, len(piece.text), CUE_LINE_CHARS):
            fitted.append(_Piece(piece.text[k : k + CUE_LINE_CHARS], piece.start_ms, piece.end_ms))
    cue: list[list[_Piece]] = [[]]
    for piece in fitted:
        line = cue[-1]
        width = sum(len(p.text) + 1 for p in line) + len(piece.text)
        if line and width > CUE_LINE_CHARS:
            if len(cue) == CUE_LINES:
                yield cue
                cue = [[]]
            else:
                cue.append([])
        cue[-1].append(piece)
    if cue[0]:
        yield cue


def _cue_text(lines: list[list[_Piece]], start_ms: int, end_ms: int) -> str:
    """Cue payload with a timestamp tag before every word after the first (when it is
    later than the last tag: WebVTT wants them increasing, inside the cue)."""
    last = start_ms
    rendered = []
    for line in lines:
        parts = []
        for piece in line:
            text = _escape(piece.text)
            if last < piece.start_ms < end_ms:
                text = f"<{_vtt_ms(piece.start_ms)}>{text}"
                last = piece.start_ms
            parts.append(text)
        rendered.append(" ".join(parts))
    return "\n".join(rendered)


def _words_by_sentence(
    timings: Sequence[SentenceTiming], words: Sequence[WordTiming]
) -> list[list[WordTiming]]:
    grouped: list[list[WordTiming]] = [[] for _ in timings]
    for word in words:
        grouped[word.sentence].append(word)
    return grouped


def render_vtt(timings: Sequence[SentenceTiming], words: Sequence[WordTiming] = ()) -> str:
    """Subtitle-sized cues (at most 2 lines of 42 characters) with a timestamp tag before
    each word, so a player can show words as they are said. A sentence without word
    timings is one cue."""
    lines = ["WEBVTT", ""]
    for sentence, said in zip(timings, _words_by_sentence(timings, words), strict=True):
        sentence_start, sentence_end = round(sentence.start * 1000), round(sentence.end * 1000)
        pieces = _pieces(sentence, said) if said else []
        if not pieces:
            cues = [(sentence_start, sentence_end, _escape(sentence.text))]
        else:
            cues = []
            groups = list(_lines_of(pieces))
            for k, cue_lines in enumerate(groups):
                first, last = cue_lines[0][0], cue_lines[-1][-1]
                start = sentence_start if k == 0 else max(first.start_ms, cues[-1][1])
                end = sentence_end if k + 1 == len(groups) else max(last.end_ms, start)
                end = max(end, start + MIN_STEP_MS)
                cues.append((start, end, _cue_text(cue_lines, start, end)))
        for k, (start, end, text) in enumerate(cues):
            cue_id = f"s{sentence.index}" if len(cues) == 1 else f"s{sentence.index}-{k}"
            lines += [cue_id, f"{_vtt_ms(start)} --> {_vtt_ms(end)}", text, ""]
    return "\n".join(lines)


def render_timings_json(
    timings: Sequence[SentenceTiming],
    duration: float,
    words: Sequence[WordTiming] = (),
    text: str | None = None,
    **extra: Any,
) -> str:
    """`sentences[]` and `words[]` with times in seconds in the delivered file and
    character offsets into `text`, the article's text."""
    doc: dict[str, Any] = {"duration": round(duration, 3), **extra}
    if text is not None:
        doc["text"] = text
    doc["sentences"] = [t.as_dict() for t in timings]
    doc["words"] = [w.as_dict() for w in words]
    return json.dumps(doc, ensure_ascii=False, indent=1)


def render_speechmarks(
    timings: Sequence[SentenceTiming], words: Sequence[WordTiming], text: str
) -> str:
    """Speech marks as Amazon Polly returns them: one JSON object a line, `time` in
    milliseconds, `type` sentence or word, `start`/`end` as byte offsets (UTF-8) of
    `value` in the article's text, sentences before their words."""
    byte_at = _byte_offsets(text)
    marks = []
    for sentence, said in zip(timings, _words_by_sentence(timings, words), strict=True):
        items = [("sentence", sentence.start, sentence.char_start, sentence.char_end)]
        items += [("word", w.start, w.char_start, w.char_end) for w in said]
        for kind, start, a, b in items:
            mark = {
                "time": round(start * 1000),
                "type": kind,
                "start": byte_at[a],
                "end": byte_at[b],
                "value": text[a:b],
            }
            marks.append(json.dumps(mark, ensure_ascii=False))
    return "".join(f"{m}\n" for m in marks)


def _byte_offsets(text: str) -> list[int]:
    """UTF-8 byte offset of every character offset of `text` (and of its end)."""
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + len(ch.encode("utf-8", "surrogatepass")))
    return offsets
