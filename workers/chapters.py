"""Chapters from an article's headings: Podcasting 2.0 chapters JSON and ID3 CHAP/CTOC frames."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from workers.stitch import SentenceTiming

CHAPTERS_VERSION: Final = "1.2.0"
OPENING_CHAPTER_TITLE: Final = "Introduction"
"""Title of the chapter before the first heading, when the article doesn't open with one."""
TOC_ELEMENT_ID: Final = "toc"
NO_OFFSET: Final = 0xFFFFFFFF
"""ID3 CHAP byte offsets unused: players seek by the times."""


@dataclass(frozen=True)
class Chapter:
    """One chapter, in seconds from the start of the file."""

    start: float
    end: float
    title: str


def chapters_from_timings(
    timings: Sequence[SentenceTiming], duration: float, opening_title: str | None = None
) -> list[Chapter]:
    """A chapter starts at each heading (a heading block's sentences make one title); the
    content before the first heading, if any, is an opening chapter. No headings, no chapters."""
    starts: list[tuple[float, str]] = []
    heading_block: int | None = None
    for t in timings:
        if not t.heading:
            heading_block = None
            continue
        if heading_block == t.block and starts:
            start, title = starts[-1]
            starts[-1] = (start, f"{title} {t.text}")
        else:
            starts.append((t.start, t.text))
        heading_block = t.block
    if not starts:
        return []
    # The spoken disclosure before the first heading is no chapter of its own.
    if any(not (t.heading or t.disclosure) and t.start < starts[0][0] for t in timings):
        starts.insert(0, (0.0, opening_title or OPENING_CHAPTER_TITLE))
    else:
        # The first chapter owns the lead-in silence: chapters cover the whole file.
        starts[0] = (0.0, starts[0][1])
    ends = [start for start, _ in starts[1:]] + [duration]
    return [
        Chapter(start=round(start, 3), end=round(end, 3), title=title.strip())
        for (start, title), end in zip(starts, ends, strict=True)
    ]


def render_chapters_json(chapters: Sequence[Chapter], title: str | None = None) -> str:
    """The Podcasting 2.0 JSON chapters document (`application/json+chapters`)."""
    doc: dict[str, object] = {"version": CHAPTERS_VERSION}
    if title:
        doc["title"] = title
    doc["chapters"] = [{"startTime": c.start, "endTime": c.end, "title": c.title} for c in chapters]
    return json.dumps(doc, ensure_ascii=False, indent=1)


def write_id3_chapters(path: Path, chapters: Sequence[Chapter]) -> None:
    """Replace the MP3's CHAP/CTOC frames with `chapters` (ID3v2.4; other frames kept)."""
    from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags, ID3NoHeaderError

    try:
        id3 = ID3(path)
    except ID3NoHeaderError:
        id3 = ID3()
    id3.delall("CHAP")
    id3.delall("CTOC")
    ids = [f"chp{i}" for i in range(len(chapters))]
    for element_id, chapter in zip(ids, chapters, strict=True):
        id3.add(
            CHAP(
                element_id=element_id,
                start_time=round(chapter.start * 1000),
                end_time=round(chapter.end * 1000),
                start_offset=NO_OFFSET,
                end_offset=NO_OFFSET,
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )
    if chapters:
        id3.add(
            CTOC(
                element_id=TOC_ELEMENT_ID,
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text="Chapters")],
            )
        )
    id3.save(path, v2_version=4)


def read_id3_chapters(path: Path) -> list[Chapter]:
    """The chapters in the MP3's CTOC order, as a player reads them."""
    from mutagen.id3 import ID3

    id3 = ID3(path)
    tocs = id3.getall("CTOC")
    if not tocs:
        return []
    by_id = {f.element_id: f for f in id3.getall("CHAP")}
    chapters = []
    for element_id in tocs[0].child_element_ids:
        frame = by_id[element_id]
        title = frame.sub_frames.get("TIT2")
        chapters.append(
            Chapter(frame.start_time / 1000, frame.end_time / 1000, str(title) if title else "")
        )
    return chapters
