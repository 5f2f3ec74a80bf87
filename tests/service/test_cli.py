"""The `narrate` CLI as a person uses it: exit codes, one-line errors, no partial files."""

from __future__ import annotations

import os
import pty
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from tests.conftest import NARRATE, ROOT, SAMPLE_ARTICLE, run_narrate
from tests.factories import long_article


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("narrate: error: ")
    return lines[0]


def _no_audio_left(directory: Path) -> None:
    assert not [p.name for p in directory.iterdir() if p.suffix in {".mp3", ".part"}]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"   \n\t\n", "is empty"),
        (b"*** --- !!! ...\n\n###\n", r"no (speakable|article) text"),
        (b"caf\xe9 au lait, not UTF-8.", "not UTF-8"),
    ],
)
def test_bad_input_files(tmp_path: Path, content: bytes, expected: str) -> None:
    src = tmp_path / "article.txt"
    src.write_bytes(content)
    line = _one_line_error(run_narrate("convert", src, "-o", tmp_path / "a.mp3"))
    assert re.search(expected, line)
    _no_audio_left(tmp_path)


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in _one_line_error(run_narrate("convert", tmp_path / "nope.txt"))


def test_unknown_voice_lists_voices(tmp_path: Path) -> None:
    line = _one_line_error(
        run_narrate(
            "convert", SAMPLE_ARTICLE, "--voice", "de_DE-nobody-low", "-o", tmp_path / "a.mp3"
        )
    )
    assert "de_DE-nobody-low" in line and "en_US-joe-medium" in line
    _no_audio_left(tmp_path)


@pytest.mark.parametrize("where", ["missing-dir/a.mp3", "a-file.txt/a.mp3"])
def test_unwritable_output(tmp_path: Path, where: str) -> None:
    (tmp_path / "a-file.txt").write_text("x")
    line = _one_line_error(run_narrate("convert", SAMPLE_ARTICLE, "-o", tmp_path / where))
    assert "cannot write" in line


def test_bad_speed_and_format(tmp_path: Path) -> None:
    assert "speed" in _one_line_error(
        run_narrate("convert", SAMPLE_ARTICLE, "--speed", "9", "-o", tmp_path / "a.mp3")
    )
    assert "format" in _one_line_error(
        run_narrate("convert", SAMPLE_ARTICLE, "-o", tmp_path / "a.flac")
    )


def test_preview_prints_spoken_text_chunk_by_chunk() -> None:
    result = run_narrate("preview", SAMPLE_ARTICLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("--- chunk 1/")
    assert "# Harbor Town Opens Its First Solar Ferry" in result.stdout
    assert "Lindqvist" in result.stdout


def test_voices_lists_the_default() -> None:
    result = run_narrate("voices")
    assert result.returncode == 0
    assert "en_US-joe-medium" in result.stdout and "(default)" in result.stdout


@pytest.mark.slow
def test_stdin_and_every_format(tmp_path: Path) -> None:
    text = b"Formats all carry the same voice. Each one is measured after encoding."
    for fmt in ("ogg", "wav", "m4a", "mp3"):
        out = tmp_path / f"s.{fmt}"
        result = run_narrate("convert", "-", "-o", out, "--title", "Formats", stdin=text)
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 1000
        assert "LUFS" in result.stdout
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.slow
def test_default_output_name_and_speed(tmp_path: Path) -> None:
    src = tmp_path / "my-story.txt"
    src.write_text("The default name comes from the input. Faster speech is shorter.")
    assert run_narrate("convert", src, cwd=tmp_path).returncode == 0
    assert run_narrate("convert", src, "--speed", "2", "-o", tmp_path / "fast.mp3").returncode == 0
    normal = MP3(tmp_path / "my-story.mp3").info.length
    fast = MP3(tmp_path / "fast.mp3").info.length
    assert fast < normal * 0.75


@pytest.mark.slow
def test_shared_fixture_page_converts(shared_fixture_page: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.mp3"
    result = run_narrate("convert", shared_fixture_page, "-o", out, "--speed", "1.5")
    assert result.returncode == 0, result.stderr
    assert MP3(out).info.length > 60


@pytest.mark.slow
def test_progress_bar_on_a_terminal_quiet_otherwise(tmp_path: Path) -> None:
    quiet = run_narrate("convert", SAMPLE_ARTICLE, "--speed", "2", "-o", tmp_path / "q.mp3")
    assert quiet.returncode == 0 and quiet.stderr == ""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [*NARRATE, "convert", SAMPLE_ARTICLE, "--speed", "2", "-o", tmp_path / "t.mp3"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            data = os.read(leader, 1024)
        except OSError:
            break
        if not data:
            break
        seen += data
    assert proc.wait(timeout=120) == 0
    text = seen.decode()
    assert "chunks" in text and "\r" in text
    total = text.strip().split()[-2].split("/")[1]
    assert f"{total}/{total} chunks" in text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "code", "word"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
def test_interrupted_conversion_leaves_nothing(
    tmp_path: Path, signum: signal.Signals, code: int, word: str
) -> None:
    src = tmp_path / "long.txt"
    src.write_text(long_article(paragraphs=30))
    proc = subprocess.Popen(
        [*NARRATE, "convert", src, "-o", tmp_path / "long.mp3"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A background job of a non-interactive shell starts with SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(4)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code and word in err
    assert err.count("\n") == 1, err  # one line: no tracebacks from the pool's workers
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.txt"]


def test_python_m_entry_point_matches_console_script() -> None:
    exe = Path(sys.executable).parent / "narrate"
    assert exe.exists()
    assert subprocess.run([exe, "voices"], capture_output=True).returncode == 0


def test_preview_diff_and_lexicon(tmp_path: Path) -> None:
    lexicon = tmp_path / "names.tsv"
    lexicon.write_text("Lindqvist\tLind-kvist\n")
    result = run_narrate("preview", SAMPLE_ARTICLE, "--diff", "--lexicon", lexicon)
    assert result.returncode == 0, result.stderr
    assert "Lind-kvist" in result.stdout and "ORIGINAL" in result.stdout
    assert "$1.5 million" in result.stdout and "≠" in result.stdout
    plain = run_narrate("preview", SAMPLE_ARTICLE, "--lexicon", lexicon).stdout
    assert "one point five million dollars" in plain and "Harbor Town, The first" in plain
    bad = tmp_path / "names.xml"
    bad.write_text("<x/>")
    line = _one_line_error(run_narrate("preview", SAMPLE_ARTICLE, "--lexicon", bad))
    assert "lexicon format" in line
