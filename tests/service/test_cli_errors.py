"""The CLI never prints a traceback unless asked: bad input is one line and exit 2, Narrate's
own failure one line naming it and exit 1, `--debug` adds the traceback. Driven through the
real `narrate` command in a subprocess."""

from __future__ import annotations

import argparse
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


USAGE_ERRORS = {
    "a speed that is no number": ("convert", "{src}", "--speed", "abc"),
    "a date that is not ISO": ("convert", "{src}", "--date", "yesterday"),
    "an unknown format": ("convert", "{src}", "--format", "flac"),
    "no command": (),
    "an unknown option": ("voices", "--colour"),
}


@pytest.mark.parametrize("name", sorted(USAGE_ERRORS))
def test_usage_errors_are_one_line_before_any_work(name: str, tmp_path: Path) -> None:
    """Not the whole usage, and no synthesis started: one line, exit 2, no file written."""
    source = tmp_path / "a.md"
    source.write_text("A sentence to read.", encoding="utf-8")
    args = [a.format(src=source) for a in USAGE_ERRORS[name]]
    done = run_narrate(*args, cwd=tmp_path, timeout=60)
    assert done.returncode == 2, (name, done.stderr)
    assert one_line(done.stderr) and done.stderr.startswith("narrate"), done.stderr
    assert "usage:" not in done.stderr and done.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]
    if "date" in name:
        assert "YYYY-MM-DD" in done.stderr


def test_a_default_output_name_never_replaces_a_file(tmp_path: Path) -> None:
    """`narrate convert -` writes stdin.<format> in the current directory (the README says
    so); a file already there is kept unless --force; the input's own name likewise."""
    text = b"Standard input has no name of its own. The output gets one."
    kept = b"the reader's own file"
    (tmp_path / "stdin.mp3").write_bytes(kept)
    (tmp_path / "story.md").write_text("A story.", encoding="utf-8")
    (tmp_path / "story.ogg").write_bytes(kept)
    for args in (("convert", "-"), ("convert", "story.md", "--format", "ogg")):
        refused = run_narrate(*args, stdin=text, cwd=tmp_path, timeout=60)
        assert refused.returncode == 2 and one_line(refused.stderr), refused.stderr
        assert "exists" in refused.stderr and "--force" in refused.stderr
    assert (tmp_path / "stdin.mp3").read_bytes() == kept
    assert (tmp_path / "story.ogg").read_bytes() == kept

    forced = run_narrate("convert", "-", "--force", "--jobs", "1", stdin=text, cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith("stdin.mp3: ")
    assert (tmp_path / "stdin.mp3").read_bytes()[:3] == b"ID3"  # a real MP3 now


def test_version_voices_header_and_help_texts() -> None:
    from importlib.metadata import version

    from service.cli import build_parser

    done = run_narrate("--version")
    assert done.returncode == 0 and done.stdout == f"narrate {version('narrate')}\n"
    voices = run_narrate("voices").stdout.splitlines()
    assert voices[0].split("\t")[:3] == ["VOICE", "LANGUAGE", "QUALITY"]
    assert any(line.startswith("en_US-joe-medium\t") for line in voices[1:])

    def check_help(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for command in action.choices.values():
                    check_help(command)
            else:
                assert action.help, (parser.prog, action.option_strings or action.dest)

    parser = build_parser()
    check_help(parser)
    commands = next(a for a in parser._actions if a.dest == "command").choices
    convert = {o: a.help for a in commands["convert"]._actions for o in a.option_strings}
    assert "YYYY-MM-DD" in convert["--date"]
    for option in ("--input-format", "--author", "--publication", "--speed", "--format", "-o"):
        assert "default" in convert[option], option


def test_a_busy_port_is_one_line_with_a_port_to_try(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        for command in ("run", "api"):
            done = run_narrate(command, "--port", port, "--data-dir", tmp_path, timeout=60)
            assert done.returncode == 2 and one_line(done.stderr), done.stderr
            assert f"port {port} is in use" in done.stderr
            assert f"make run PORT={port + 1}" in done.stderr
    assert not (tmp_path / "redis").exists()  # refused before the embedded Redis started
