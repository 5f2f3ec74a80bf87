"""The three third-party podcast parsers the feed tests read our RSS with."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Final

import feedparser
import podcastparser
import pytest

NODE_DIR: Final = Path(__file__).resolve().parents[2] / "node"
PARTYTIME: Final = "podcast-partytime"
NPM_INSTALL_TIMEOUT_S: Final = 180


def ensure_partytime() -> None:
    """Install `podcast-partytime` into tests/node on first use (idempotent), or skip why not."""
    if (NODE_DIR / "node_modules" / PARTYTIME / "package.json").exists():
        return
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node and npm are needed to parse the feed with podcast-partytime")
    done = subprocess.run(
        ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR),
         PARTYTIME],
        capture_output=True,
        text=True,
        timeout=NPM_INSTALL_TIMEOUT_S,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"could not install {PARTYTIME} from npm: {done.stderr.strip()[-400:]}")


def parse_with_partytime(xml: bytes) -> dict[str, Any]:
    ensure_partytime()
    done = subprocess.run(
        ["node", str(NODE_DIR / "parse_feed.mjs")],
        input=xml,
        capture_output=True,
        cwd=NODE_DIR,
        timeout=60,
        check=True,
    )
    # The feed is the last line: partytime logs warnings (e.g. "no items") before it.
    return json.loads(done.stdout.strip().splitlines()[-1])


def parse_with_feedparser(xml: bytes) -> Any:
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def parse_with_podcastparser(xml: bytes, url: str) -> dict[str, Any]:
    return podcastparser.parse(url, io.BytesIO(xml))
