"""Chapters from headings: the JSON document and the ID3 frames a player reads."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from workers.chapters import (
    Chapter,
    chapters_from_timings,
    read_id3_chapters,
    render_chapters_json,
    write_id3_chapters,
)
from workers.ffmpeg import ffmpeg_exe
from workers.master import Tags, tag_mp3
from workers.stitch import SentenceTiming


def timing(index: int, start: float, end: float, text: str, heading: bool, block: int):
    return SentenceTiming(index, start, end, text, heading, block)


TIMINGS = [
    timing(0, 0.25, 2.0, "The council voted on Tuesday.", False, 0),
    timing(1, 2.4, 3.0, "The vote", True, 1),
    timing(2, 4.0, 6.0, "It passed seven to two.", False, 2),
    timing(3, 6.4, 7.5, "What comes next.", True, 3),
    timing(4, 7.6, 8.0, "A second line of the heading.", True, 3),
    timing(5, 9.0, 11.0, "Work starts in May.", False, 4),
]


def test_a_chapter_per_heading_and_an_opening_one() -> None:
    chapters = chapters_from_timings(TIMINGS, duration=11.6, opening_title="Council vote")
    assert chapters == [
        Chapter(0.0, 2.4, "Council vote"),
        Chapter(2.4, 6.4, "The vote"),
        Chapter(6.4, 11.6, "What comes next. A second line of the heading."),
    ]


def test_an_article_opening_with_a_heading_starts_its_first_chapter_at_zero() -> None:
    chapters = chapters_from_timings(TIMINGS[1:], duration=11.6)
    assert [c.start for c in chapters] == [0.0, 6.4]
    assert chapters[0].title == "The vote"


def test_no_headings_no_chapters() -> None:
    assert chapters_from_timings(TIMINGS[:1], duration=2.5) == []


def test_chapters_json_is_podcasting_2_0() -> None:
    doc = json.loads(render_chapters_json(chapters_from_timings(TIMINGS, 11.6), "Council"))
    assert doc["version"] == "1.2.0"
    assert doc["title"] == "Council"
    assert doc["chapters"][1] == {"startTime": 2.4, "endTime": 6.4, "title": "The vote"}


@pytest.fixture
def mp3(tmp_path: Path) -> Path:
    out = tmp_path / "tone.mp3"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=12",
         "-ac", "1", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "64k", str(out)],
        check=True,
    )  # fmt: skip
    return out


def test_id3_chapters_round_trip_with_mutagen(mp3: Path) -> None:
    tag_mp3(mp3, Tags(title="Council vote", voice_id="en_US-joe-medium"))
    duration = MP3(mp3).info.length
    chapters = chapters_from_timings(TIMINGS, duration, "Council vote")
    write_id3_chapters(mp3, chapters)
    audio = MP3(mp3)
    assert str(audio.tags["TIT2"]) == "Council vote"  # other frames kept
    toc = audio.tags.getall("CTOC")[0]
    assert toc.child_element_ids == ["chp0", "chp1", "chp2"]
    read = read_id3_chapters(mp3)
    assert [c.title for c in read] == [c.title for c in chapters]
    assert [c.start for c in read] == [0.0, 2.4, 6.4]
    assert read[-1].end == pytest.approx(duration, abs=0.001)
    write_id3_chapters(mp3, chapters[:1])  # rewriting replaces, never duplicates
    assert len(read_id3_chapters(mp3)) == 1
