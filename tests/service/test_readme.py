"""README.md as a newcomer follows it: the quickstart is two `make` commands that exist,
`make run` installs Narrate without the test tools and takes `PORT=`, `bin/narrate` works
from the clone, every `narrate` command and option the README shows exists, and every
`curl` example of the HTTP API section is accepted by a real API."""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Final

import pytest

from service.cli import build_parser
from tests.conftest import ROOT
from tests.utils.services import Stack

README: Final = (ROOT / "README.md").read_text()
FENCED: Final = re.compile(r"```(?:sh|bash)\n(.*?)```", re.S)


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else None]


def commands(text: str) -> list[str]:
    """The command lines of the shell blocks in `text`, comments dropped."""
    lines = [line for block in FENCED.findall(text) for line in block.splitlines()]
    return [line.split("  #")[0].strip() for line in lines if line.strip()]


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The commands under `parser` (`convert`, `cache`; `prune` under `cache`)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def make_dry_run(directory: Path, *args: str) -> str:
    done = subprocess.run(
        ["make", "-n", "-C", str(directory), *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_quickstart_is_two_make_commands_that_exist() -> None:
    quickstart = commands(section("Quickstart"))
    assert len(quickstart) == 2 and all(c.startswith("make ") for c in quickstart), quickstart
    mentioned = set(re.findall(r"`make ([a-z-]+)", README)) | {c.split()[1] for c in quickstart}
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.M))
    assert mentioned <= targets, mentioned - targets


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_a_fresh_clone_runs_without_test_tools_and_tests_with_them(tmp_path: Path) -> None:
    """`make -n` in a copy with no .venv: what each command would do on a fresh clone."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    run = make_dry_run(tmp_path, "run", "PORT=8123")
    assert "-m venv .venv" in run
    assert re.search(r"pip install --quiet -e \.$", run, re.M), run
    assert "[test]" not in run
    assert ".venv/bin/narrate run --host 127.0.0.1 --port 8123" in run
    test = make_dry_run(tmp_path, "test")
    assert "pip install --quiet -e '.[test]'" in test and ".venv/bin/pytest" in test
    assert make_dry_run(tmp_path, "run").count("--port 8000") == 1  # the default port


def test_bin_narrate_runs_the_clone_s_narrate() -> None:
    assert "bin/narrate" in section("The `narrate` command")
    done = subprocess.run(
        [ROOT / "bin" / "narrate", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"narrate \d+\.\d+\.\d+\S*\n", done.stdout), done.stdout


def test_every_narrate_command_and_option_shown_exists() -> None:
    parser = build_parser()
    subcommands = subparsers(parser)
    shown = [c for c in commands(README) if re.match(r"(cat \S+ \| )?narrate ", c)]
    assert len(shown) >= 8, shown
    for line in shown:
        alternatives = re.fullmatch(r"narrate (\w+(?: \| \w+)+)", line)
        if alternatives:  # narrate run | api | worker
            assert set(alternatives[1].split(" | ")) <= set(subcommands), line
            continue
        target: argparse.ArgumentParser = parser
        for word in shlex.split(line.split(" | ")[-1])[1:]:
            option = word.split("=")[0]
            if option.startswith("-") and option != "-":
                assert option in target._option_string_actions, (line, option)
            elif word in subparsers(target):  # narrate cache prune: one level down each
                target = subparsers(target)[word]
        assert target is not parser or "--" in line, line


def test_every_curl_example_is_accepted(make_stack: Callable[..., Stack]) -> None:
    """Each `curl` line of the HTTP API section, replayed in order against a real API
    (no worker: a job stays queued, so its audio is not ready, 409, and nothing else may
    refuse): documented bodies must pass validation, documented URLs must exist."""
    stack = make_stack()
    stack.start_api()
    job = stack.submit(text="A story to stand for JOB_ID.")
    lines = [c for c in commands(section("The HTTP API")) if c.startswith("curl ")]
    assert len(lines) >= 12, lines
    replayed = 0
    for line in lines:
        words = shlex.split(line.replace("JOB_ID", job["id"]))
        method, headers, data, url = "GET", {}, None, ""
        pairs = iter(words[1:])
        for word in pairs:
            if word == "-X":
                method = next(pairs)
            elif word == "-H":
                key, _, value = next(pairs).partition(": ")
                headers[key] = value
            elif word in ("-d", "--data-binary"):
                data = next(pairs)
                method = "POST" if method == "GET" else method
            elif word == "-o":
                next(pairs)
            elif word.startswith("http"):
                url = word
        assert url.startswith("http://127.0.0.1:8000/"), line
        if data is not None and data.startswith("@"):
            continue  # a file of the reader's own (artwork)
        if data is not None and headers.get("Content-Type") == "application/json":
            json.loads(data)  # the README's JSON is JSON
        path = url.removeprefix("http://127.0.0.1:8000")
        response = stack.http.request(method, path, headers=headers, content=data)
        if "/audio" in path or "/transcript.vtt" in path or "/episodes" in path:
            assert response.status_code in (200, 409), (line, response.text)
        else:
            assert response.status_code < 400, (line, response.status_code, response.text)
        replayed += 1
    assert replayed >= 11
