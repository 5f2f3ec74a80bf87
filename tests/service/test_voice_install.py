"""`narrate voices add/remove/list --available` against a voice mirror on loopback HTTP
(the stand-in for Piper's public repository: `tests/utils/voice_mirror.py`), and the voice
a job uses right after it is installed."""

from __future__ import annotations

import fcntl
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.settings import Settings
from service.voice_install import IndexedVoice, preview_text
from tests.audio import decode_mono
from tests.conftest import run_narrate
from tests.service.conftest import make_settings
from tests.utils.voice_mirror import Mirror, serve_mirror
from voices.calibration import calibration_path
from voices.catalog import VoiceCatalog
from workers.cache import chunk_cache_key
from workers.errors import VoiceInstallError, VoiceNotFound
from workers.synthesis import SynthesisSettings
from workers.text.segment import Break, Chunk, Sentence

VOICE = "en_GB-mirror-medium"
CHORUS = "en_US-chorus-medium"


@pytest.fixture
def mirror(tmp_path: Path):
    with serve_mirror(tmp_path / "mirror") as served:
        served.add_voice(VOICE)
        served.add_voice(CHORUS, speakers=["alice", "bob"], card=False)
        yield served


def _settings(tmp_path: Path, mirror: Mirror, **values: Any) -> Settings:
    return make_settings(tmp_path, voice_index_url=mirror.index_url, **values)


def _narrate(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return run_narrate(*args, env=settings.to_env())


def _one_error_line(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _installed_files(settings: Settings) -> list[str]:
    target = settings.installed_voices_dir()
    if not target.is_dir():
        return []
    return sorted(p.name for p in target.iterdir() if p.is_file())


def test_checksum_mismatch_installs_nothing(tmp_path: Path, mirror: Mirror) -> None:
    settings = _settings(tmp_path, mirror)
    entry = json.loads((mirror.root / "voices.json").read_text())[VOICE]
    model_path = next(p for p in entry["files"] if p.endswith(".onnx"))
    entry["files"][model_path]["md5_digest"] = "0" * 32
    mirror.set_entry(VOICE, entry)
    line = _one_error_line(_narrate(settings, "voices", "add", VOICE), 1)
    assert "does not match the voice index" in line and "nothing was installed" in line
    assert _installed_files(settings) == []
    assert VOICE not in settings.voice_catalog().ids()
    # Nothing half-downloaded stays to be taken for good next time.
    leftovers = settings.installed_voices_dir().rglob("*")
    assert not [p for p in leftovers if p.is_file() and p.suffix != ".lock"]


def test_unknown_voice_and_index_errors_are_one_line(tmp_path: Path, mirror: Mirror) -> None:
    settings = _settings(tmp_path, mirror)
    line = _one_error_line(_narrate(settings, "voices", "add", "xx_XX-nobody-low"), 2)
    assert "xx_XX-nobody-low" in line and VOICE in line
    broken = settings.model_copy(update={"voice_index_url": f"{mirror.url}/missing.json"})
    assert "HTTP 404" in _one_error_line(_narrate(broken, "voices", "list", "--available"), 1)
    line = _one_error_line(_narrate(settings, "voices", "remove", "en_US-joe-medium"), 2)
    assert "cannot be removed" in line
    # A second install of the same voice while one runs fails at once, touching nothing.
    lock_path = settings.installed_voices_dir() / ".downloads" / f"{VOICE}.lock"
    lock_path.parent.mkdir(parents=True)
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        line = _one_error_line(_narrate(settings, "voices", "add", VOICE), 1)
    assert "being installed by another process" in line
    assert _installed_files(settings) == []


def test_install_resume_use_and_remove(tmp_path: Path, mirror: Mirror, make_stack: Any) -> None:
    """One voice's life, with the service running: listed as available, its download cut
    and resumed, installed (verified, with a preview), used by a job at once, refused
    removal while a job waits for it, removed after."""
    stack = make_stack(voice_index_url=mirror.index_url)
    settings = stack.settings
    stack.start_api()

    available = _narrate(settings, "voices", "list", "--available")
    assert available.returncode == 0, available.stderr
    rows = [line.split("\t") for line in available.stdout.strip().splitlines()]
    assert rows[0] == ["VOICE", "LANGUAGE", "QUALITY", "SIZE", "INSTALLED"]
    listed = {row[0]: row for row in rows[1:]}
    assert set(listed) == {VOICE, f"{CHORUS}#alice", f"{CHORUS}#bob"}
    assert listed[VOICE][1:3] == ["en_GB", "medium"] and listed[VOICE][4] == ""
    assert listed[VOICE][3].endswith(" MB")

    # The first download is cut short: nothing is installed, the part is kept...
    entry = json.loads((mirror.root / "voices.json").read_text())[VOICE]
    model_path = next(p for p in entry["files"] if p.endswith(".onnx"))
    cut = 3_000_000
    mirror.cut_after[model_path] = cut
    first = _one_error_line(_narrate(settings, "voices", "add", VOICE), 1)
    assert "could not get an HTTP answer" in first
    assert _installed_files(settings) == []
    partial = settings.installed_voices_dir() / ".downloads" / VOICE / f"{VOICE}.onnx.part"
    assert partial.stat().st_size == cut

    # ...and the next attempt resumes it with a Range request.
    added = _narrate(settings, "voices", "add", VOICE)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(f"installed {VOICE} (en_GB, medium, 22050 Hz)")
    assert mirror.ranges(".onnx") == [None, f"bytes={cut}-"]
    target = settings.installed_voices_dir()
    for path, info in entry["files"].items():
        name = Path(path).name if Path(path).name != "MODEL_CARD" else f"{VOICE}.card.md"
        data = (target / name).read_bytes()
        assert hashlib.md5(data, usedforsecurity=False).hexdigest() == info["md5_digest"]
    assert not (target / ".downloads" / VOICE).exists()
    assert f"{VOICE}\ten_GB\tmedium\t22050 Hz\tdir:{target}" in _narrate(settings, "voices").stdout
    again = _narrate(settings, "voices", "list", "--available").stdout
    assert next(r for r in again.splitlines() if r.startswith(VOICE)).endswith("\tyes")
    # The streaming path's loudness calibration was made at install, beside the model.
    assert calibration_path(target / f"{VOICE}.onnx").is_file()
    # The preview is real speech of the preview sentence (decoded: about 2 s of sound).
    pcm, rate = decode_mono(target / "previews" / f"{VOICE}.mp3")
    assert 1.0 < len(pcm) / rate < 6.0 and abs(pcm).max() > 0.1

    # The running API lists it at once, with what a picker shows.
    voices = {v["id"]: v for v in stack.http.get("/v1/voices").json()}
    mine = voices[VOICE]
    assert mine["language"] == "en_GB" and mine["license"] == "MIT"
    assert mine["size_bytes"] == (target / f"{VOICE}.onnx").stat().st_size
    assert mine["text_rules"] == "full"
    preview = stack.http.get(mine["preview_url"])
    assert preview.status_code == 200 and preview.headers["content-type"] == "audio/mpeg"

    job = stack.submit(text="A voice installed a moment ago reads this.", voice=VOICE)
    # Queued, not yet done: the voice is in use and cannot be removed.
    line = _one_error_line(_narrate(settings, "voices", "remove", VOICE), 2)
    assert "used by a queued or running job" in line

    stack.start_worker()
    done = stack.wait_job(job["id"])
    assert done["status"] == "done", done
    pcm, rate = decode_bytes(stack.http.get(f"/v1/jobs/{job['id']}/audio").content, tmp_path)
    assert len(pcm) / rate > 1.0

    assert _narrate(settings, "voices", "remove", VOICE).returncode == 0
    assert [f for f in _installed_files(settings) if f.startswith(VOICE)] == []
    assert not list((target / "previews").glob(f"{VOICE}*"))
    assert VOICE not in {v["id"] for v in stack.http.get("/v1/voices").json()}
    refused = stack.http.post("/v1/jobs", json={"text": "Again.", "voice": VOICE})
    assert refused.status_code == 422 and VOICE in refused.text


def test_packaged_voice_preview_is_made_once(tmp_path: Path, make_stack: Any) -> None:
    stack = make_stack()
    stack.start_api()
    first = stack.http.get("/v1/voices/en_US-joe-medium/preview")
    assert first.status_code == 200
    pcm, rate = decode_bytes(first.content, tmp_path)
    assert len(pcm) / rate > 1.0
    path = stack.settings.installed_voices_dir() / "previews" / "en_US-joe-medium.mp3"
    made = path.stat().st_mtime_ns
    assert stack.http.get("/v1/voices/en_US-joe-medium/preview").content == first.content
    assert path.stat().st_mtime_ns == made
    missing = stack.http.get("/v1/voices/xx_XX-nobody-low/preview")
    assert missing.status_code == 404


def decode_bytes(data: bytes, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "preview.mp3"
    path.write_bytes(data)
    return decode_mono(path)


def test_speakers_of_a_multi_speaker_model(tmp_path: Path, mirror: Mirror) -> None:
    """Ids name a speaker; the speaker number reaches synthesis and the chunk cache key.
    (No multi-speaker Piper model can be had offline, so synthesis itself is not run.)"""
    folder = mirror.root / "en" / "en_US" / "chorus" / "medium"
    catalog = VoiceCatalog.discover([folder])
    bob = catalog.get(f"{CHORUS}#bob")
    assert (bob.speaker, bob.speaker_id) == ("bob", 1)
    assert catalog.get(CHORUS).speaker_id == 0
    assert SynthesisSettings().for_voice(bob).speaker_id == 1
    with pytest.raises(VoiceNotFound, match="#alice"):
        catalog.get(f"{CHORUS}#carol")
    chunk = Chunk(0, (Sentence("Hello there.", "Hello there.", 0, False, Break.SENTENCE),))
    alice = catalog.get(f"{CHORUS}#alice")
    assert chunk_cache_key(chunk, alice, SynthesisSettings().for_voice(alice)) != (
        chunk_cache_key(chunk, bob, SynthesisSettings().for_voice(bob))
    )
    assert "Bob" in preview_text(bob)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=10,
)
_paths = st.sampled_from(
    ["en/x/x.onnx", "../../etc/passwd", "/abs/x.onnx", "http://evil/x.onnx", "a/../../b.onnx"]
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    key=st.text(max_size=30),
    entry=_json_values
    | st.fixed_dictionaries(
        {
            "language": st.fixed_dictionaries({"code": st.text(max_size=8)}),
            "files": st.dictionaries(
                _paths,
                st.fixed_dictionaries(
                    {"size_bytes": st.integers(-5, 10**12), "md5_digest": st.text(max_size=40)}
                ),
                max_size=3,
            ),
        }
    ),
)
def test_index_entries_are_checked_before_use(key: str, entry: Any) -> None:
    """Whatever an index holds, an entry is either refused with `VoiceInstallError` or
    names only files below the index, with sane sizes and sums, under a plain voice id."""
    try:
        voice = IndexedVoice.from_entry(key, entry)
    except VoiceInstallError:
        return
    for f in (voice.model, voice.config):
        assert ".." not in Path(f.path).parts and not f.path.startswith("/")
        assert 0 < f.size <= 2_000_000_000 and len(f.md5) == 32
    assert "/" not in voice.id and voice.id not in {".", ".."}


def test_api_lists_voice_fields(tmp_path: Path, make_stack: Any) -> None:
    stack = make_stack()
    stack.start_api()
    body = httpx.get(f"{stack.api.url}/v1/voices").json()
    joe = next(v for v in body if v["id"] == "en_US-joe-medium")
    assert joe["default"] and joe["speakers"] == [] and joe["text_rules"] == "full"
    assert joe["preview_url"] == "/v1/voices/en_US-joe-medium/preview"
