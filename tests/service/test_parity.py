"""One path from article to file: the same article through the CLI and through the service
gives the same file — the same tags, chapters, timings and (within Piper's own variation
between two takes) duration — because both end in `workers.pipeline.deliver_program`."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import ID3

from tests.conftest import run_narrate
from tests.utils.services import Stack
from workers.chapters import read_id3_chapters

pytestmark = pytest.mark.slow

ARTICLE = """Harbor Bridge Reopens

The Harbor Bridge reopened on Monday. Traffic was light in the morning.

What changed

Crews replaced the deck. The work took two years.

What comes next

Tolls return in May.
"""
DURATION_TOLERANCE = 0.06
"""Piper samples its durations (noise_w), so two takes of one text differ by a few percent."""


def tags_of(path: Path) -> dict[str, Any]:
    id3 = ID3(path)
    return {
        "title": str(id3.get("TIT2")),
        "author": str(id3.get("TPE1")),
        "publication": str(id3.get("TALB")),
        "date": str(id3.get("TDRC")),
        "comment": [str(c) for c in id3.getall("COMM")],
        "voice": [str(t) for t in id3.getall("TXXX:voice")],
    }


def convert_both_ways(
    stack: Stack, tmp_path: Path, fields: dict[str, str]
) -> tuple[Path, dict[str, Any], Path, dict[str, Any], str]:
    """(CLI file, CLI timings, service file, service timings, download header)."""
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    cli_mp3, cli_json = tmp_path / "cli.mp3", tmp_path / "cli.json"
    options = [arg for name, value in fields.items() for arg in (f"--{name}", value)]
    done = run_narrate(
        "convert", source, "-o", cli_mp3, "--timings", cli_json, "--speed", "2", *options
    )
    assert done.returncode == 0, done.stderr

    job = stack.wait_job(stack.submit(text=ARTICLE, speed=2.0, **fields)["id"], 180)
    assert job["status"] == "done", job
    audio = stack.http.get(job["links"]["audio"])
    service_mp3 = tmp_path / "service.mp3"
    service_mp3.write_bytes(audio.content)
    service_json = stack.http.get(job["links"]["timings"]).json()
    return (
        cli_mp3,
        json.loads(cli_json.read_text()),
        service_mp3,
        service_json,
        audio.headers["content-disposition"],
    )


def assert_same_delivery(cli: Path, cli_t: dict, service: Path, service_t: dict) -> None:
    assert tags_of(cli) == tags_of(service)
    cli_chapters, service_chapters = read_id3_chapters(cli), read_id3_chapters(service)
    assert [c.title for c in cli_chapters] == [c.title for c in service_chapters]
    assert len(cli_chapters) == 3
    assert [s["text"] for s in cli_t["sentences"]] == [s["text"] for s in service_t["sentences"]]
    assert [s["heading"] for s in cli_t["sentences"]] == [
        s["heading"] for s in service_t["sentences"]
    ]
    assert cli_t["voice"] == service_t["voice"]
    assert abs(cli_t["duration"] - service_t["duration"]) <= DURATION_TOLERANCE * cli_t["duration"]
    for a, b in zip(cli_t["sentences"], service_t["sentences"], strict=True):
        assert abs(a["start"] - b["start"]) <= DURATION_TOLERANCE * cli_t["duration"]


def test_cli_and_service_deliver_the_same_file(
    make_stack: Callable[..., Stack], tmp_path: Path
) -> None:
    stack = make_stack()
    stack.start_api()
    stack.start_worker()
    fields = {
        "title": "Bridge Day",
        "author": "Sam Lee",
        "publication": "The Harbor Gazette",
        "date": "2026-11-21",
    }
    cli, cli_t, service, service_t, disposition = convert_both_ways(stack, tmp_path, fields)
    assert tags_of(cli) == {
        "title": "Bridge Day",
        "author": "Sam Lee",
        "publication": "The Harbor Gazette",
        "date": "2026-11-21",
        "comment": [tags_of(cli)["comment"][0]],
        "voice": ["en_US-joe-medium"],
    }
    assert "AI assistance" in tags_of(cli)["comment"][0]
    assert_same_delivery(cli, cli_t, service, service_t)
    assert 'filename="Bridge-Day.mp3"' in disposition

    # Nothing given: both take the headline as the title and today as the date.
    cli, cli_t, service, service_t, disposition = convert_both_ways(stack, tmp_path, {})
    assert tags_of(cli)["title"] == "Harbor Bridge Reopens"
    assert tags_of(cli)["date"] == datetime.date.today().isoformat()
    assert_same_delivery(cli, cli_t, service, service_t)
    assert 'filename="Harbor-Bridge-Reopens.mp3"' in disposition
