"""The CLI never prints a traceback unless asked: bad input is one line and exit 2, Narrate's
own failure one line naming it and exit 1, `--debug` adds the traceback. Driven through the
real `narrate` command in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_narrate

pytestmark = pytest.mark.slow

DIGITS_310 = "9" * 310
HOSTILE_TEXTS = {
    "a 310-digit number": f"Serial {DIGITS_310} today.",
    "a 5,000-digit number": f"Serial {'7' * 5000} today.",
    "money with 300 digits": f"It cost ${'1' * 300}.5 billion.",
    "a NUL byte": "Hello\x00 world. Another sentence.",
    "control characters": "Head\x08line\x0b\n\nBody text\x1b[31m here.",
    "a heading of dashes": "Hello " + "-" * 20_000 + " x",
    "Dr. repeated": "Dr. " * 5_000,
}
NESTED_SSML = "<speak>" + "<p>" * 1200 + "Deep." + "</p>" * 1200 + "</speak>"
SAY_AS = f'<speak><say-as interpret-as="cardinal">{"4" * 400}</say-as></speak>'


def one_line(stderr: str) -> bool:
    return len(stderr.strip().splitlines()) <= 1 and "Traceback" not in stderr


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_hostile_text_is_read_or_refused_in_one_line(name: str, tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text(HOSTILE_TEXTS[name], encoding="utf-8")
    done = run_narrate("preview", source)
    assert done.returncode in (0, 2), (name, done.stderr[-2000:])
    assert one_line(done.stderr), done.stderr[-2000:]


@pytest.mark.parametrize("ssml", [NESTED_SSML, SAY_AS], ids=["nested", "say-as"])
def test_hostile_ssml_is_read_or_refused_in_one_line(ssml: str, tmp_path: Path) -> None:
    source = tmp_path / "article.ssml"
    source.write_text(ssml, encoding="utf-8")
    done = run_narrate("preview", source)
    assert done.returncode in (0, 2), done.stderr[-2000:]
    assert one_line(done.stderr), done.stderr[-2000:]


def test_invalid_bytes_and_a_bad_setting_are_input_errors(tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_bytes(b"caf\xe9 \xed\xa0\x80 lone surrogate bytes")
    done = run_narrate("preview", source)
    assert done.returncode == 2 and one_line(done.stderr)
    assert "not UTF-8" in done.stderr

    source.write_text("A sentence.", encoding="utf-8")
    done = run_narrate("preview", source, env={"NARRATE_MP3_KBPS": "abc"})
    assert done.returncode == 2 and one_line(done.stderr)
    assert "NARRATE_MP3_KBPS" in done.stderr


def test_an_internal_error_is_one_line_and_exit_1_unless_debugging(tmp_path: Path) -> None:
    """A voice whose model file is corrupt: nothing the caller typed is wrong, Narrate
    cannot do its job. One line names the error; --debug shows where it came from."""
    from voices.catalog import packaged_voice

    voices = tmp_path / "voices"
    voices.mkdir()
    config = json.loads(Path(f"{packaged_voice().model_path}.json").read_text())
    (voices / "en_US-broken-medium.onnx.json").write_text(json.dumps(config))
    (voices / "en_US-broken-medium.onnx").write_bytes(b"not a model" * 100)
    source = tmp_path / "article.txt"
    source.write_text("A short sentence to read.", encoding="utf-8")
    args = ("convert", source, "-o", tmp_path / "out.mp3", "--voice", "en_US-broken-medium")
    env = {"NARRATE_VOICES_DIR": str(voices)}

    done = run_narrate(*args, env=env)
    assert done.returncode == 1, done.stderr[-2000:]
    assert one_line(done.stderr), done.stderr[-2000:]
    assert done.stderr.startswith("narrate: error: ")
    assert not (tmp_path / "out.mp3").exists()

    debugged = run_narrate("--debug", *args, env=env)
    assert debugged.returncode == 1
    assert "Traceback" in debugged.stderr
