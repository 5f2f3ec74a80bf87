"""Voices from Piper's voice index: list what is available, install a voice (downloaded
through the safe fetch helper, verified, installed atomically, its loudness calibration
made), remove one, and the short preview each voice is heard by before it is chosen.

The index is Piper's `voices.json` (`NARRATE_VOICE_INDEX_URL`): one entry per voice id,
with its language, quality, speakers and files (`<lang>/<lang_REGION>/<name>/<quality>/
<id>.onnx`, `.onnx.json`, `MODEL_CARD`), each with its size and MD5 sum. File URLs are
relative to the index's, so a mirror is a copy of the same tree.

Installing never leaves half a voice. Files are downloaded into `voices/.downloads/<id>/`;
an interrupted download resumes there with a `Range` request next time (or starts again
when the server ignores it). Only when both files match the index's size and checksum is
the model moved into the voices directory, its optimized graph built, its preview made and,
last, its config moved beside it: the catalog sees a voice only once its config is there.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Final
from urllib.parse import urljoin

from service.fetch import FetchResponse, fetch
from service.settings import Settings
from voices.catalog import DEFAULT_VOICE_ID, SPEAKER_MARK, Voice, load_piper_voice
from workers.errors import (
    FetchError,
    InputError,
    VoiceInstallError,
    VoiceInUse,
    VoiceNotFound,
)

INDEX_MAX_BYTES: Final = 20_000_000
"""Piper's whole index is about 1 MB."""
INDEX_TIMEOUT_S: Final = 60.0
FILE_MAX_BYTES: Final = 2_000_000_000
"""No voice file in Piper's index comes near this; an index saying more is refused."""
REDIRECTS: Final = 5
"""Hugging Face answers model downloads with a redirect to its content network; every hop
is checked like the first URL."""
VOICE_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
DOWNLOADS_DIR: Final = ".downloads"
PREVIEWS_DIR: Final = "previews"
PREVIEW_TEXT: Final = "This is {name}, reading the news."
CARD_SUFFIX: Final = ".card.md"
USER_AGENT: Final = "Narrate voice installer (+https://github.com/narrate)"

Progress = Callable[[str, int, int], None]
"""Called with (file name, bytes so far, bytes in all) as a download advances."""


@dataclass(frozen=True)
class IndexFile:
    path: str
    """Relative to the index URL."""
    size: int
    md5: str

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


@dataclass(frozen=True)
class IndexedVoice:
    """One voice of the index."""

    id: str
    name: str
    language: str
    quality: str
    num_speakers: int
    speakers: tuple[str, ...]
    files: tuple[IndexFile, ...]

    @classmethod
    def from_entry(cls, key: str, entry: Any) -> IndexedVoice:
        """Parse one entry; `VoiceInstallError` when it is not what Piper's index holds."""
        try:
            speaker_map = entry.get("speaker_id_map") or {}
            files = tuple(
                IndexFile(str(path), int(info["size_bytes"]), str(info["md5_digest"]).lower())
                for path, info in entry["files"].items()
            )
            voice = cls(
                id=key,
                name=str(entry.get("name") or key),
                language=str(entry["language"]["code"]),
                quality=str(entry.get("quality", "")),
                num_speakers=int(entry.get("num_speakers", 1)),
                speakers=tuple(sorted(speaker_map, key=lambda s: speaker_map[s])),
                files=files,
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise VoiceInstallError(f"the voice index entry {key!r} is malformed: {exc}") from None
        voice.check()
        return voice

    def check(self) -> None:
        if not VOICE_ID.fullmatch(self.id):
            raise VoiceInstallError(f"the voice index has an unusable voice id {self.id!r}")
        for f in (self.model, self.config, *([self.card] if self.card else [])):
            parts = PurePosixPath(f.path).parts
            if f.path.startswith("/") or ".." in parts or "://" in f.path:
                raise VoiceInstallError(f"the voice index gives an unusable path {f.path!r}")
            if not 0 < f.size <= FILE_MAX_BYTES or not re.fullmatch(r"[0-9a-f]{32}", f.md5):
                raise VoiceInstallError(f"the voice index gives no usable size/MD5 for {f.path}")

    def _file(self, name: str) -> IndexFile | None:
        return next((f for f in self.files if f.name == name), None)

    @property
    def model(self) -> IndexFile:
        found = self._file(f"{self.id}.onnx")
        if found is None:
            raise VoiceInstallError(f"the voice index lists no {self.id}.onnx for {self.id}")
        return found

    @property
    def config(self) -> IndexFile:
        found = self._file(f"{self.id}.onnx.json")
        if found is None:
            raise VoiceInstallError(f"the voice index lists no {self.id}.onnx.json for {self.id}")
        return found

    @property
    def card(self) -> IndexFile | None:
        return self._file("MODEL_CARD")

    @property
    def size_bytes(self) -> int:
        return self.model.size + self.config.size

    def speaker_ids(self) -> list[str]:
        """`id` for one speaker; `id#speaker` for each speaker of a multi-speaker model."""
        if self.num_speakers <= 1 or not self.speakers:
            return [self.id]
        return [f"{self.id}{SPEAKER_MARK}{s}" for s in self.speakers]


def read_index(settings: Settings) -> dict[str, IndexedVoice]:
    """The voice index, by id (entries that cannot be used are left out)."""
    body = _get(settings, settings.voice_index_url, INDEX_MAX_BYTES, INDEX_TIMEOUT_S).body
    try:
        entries = json.loads(body)
    except ValueError as exc:
        raise VoiceInstallError(f"the voice index is not JSON: {exc}") from None
    if not isinstance(entries, dict):
        raise VoiceInstallError("the voice index is not a JSON object of voices")
    index = {}
    for key, entry in entries.items():
        try:
            index[key] = IndexedVoice.from_entry(str(key), entry)
        except VoiceInstallError:
            continue
    return index


def indexed_voice(settings: Settings, voice_id: str) -> IndexedVoice:
    index = read_index(settings)
    model_id = voice_id.partition(SPEAKER_MARK)[0]
    if model_id not in index:
        raise VoiceNotFound(voice_id, sorted(index))
    return index[model_id]


def install_voice(settings: Settings, voice_id: str, progress: Progress | None = None) -> Voice:
    """Download, verify and install `voice_id` from the index; the installed voice."""
    entry = indexed_voice(settings, voice_id)
    target = settings.installed_voices_dir()
    staging = target / DOWNLOADS_DIR / entry.id
    staging.mkdir(parents=True, exist_ok=True)
    with _exclusive(target / DOWNLOADS_DIR / f"{entry.id}.lock", entry.id):
        return _install(settings, entry, target, staging, progress)


@contextlib.contextmanager
def _exclusive(lock_path: Path, voice_id: str) -> Iterator[None]:
    """One install of a voice at a time (a second `voices add` of it fails at once)."""
    with lock_path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise VoiceInstallError(f"{voice_id} is being installed by another process") from None
        yield


def _install(
    settings: Settings,
    entry: IndexedVoice,
    target: Path,
    staging: Path,
    progress: Progress | None,
) -> Voice:
    files = [entry.model, entry.config, *([entry.card] if entry.card else [])]
    staged = {f.name: _download(settings, f, staging, progress) for f in files}
    try:
        config = json.loads(staged[entry.config.name].read_text(encoding="utf-8"))
        Voice.from_dict(config, staged[entry.model.name], staged[entry.config.name], "")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise VoiceInstallError(f"{entry.config.name} is not a Piper voice config: {exc}") from None
    model = target / entry.model.name
    # The model goes first (a model without its config is not a voice to the catalog), so
    # its optimized graph, keyed on where it lies, is built for the place it stays.
    os.replace(staged[entry.model.name], model)
    try:
        voice = Voice.from_dict(config, model, staged[entry.config.name], f"dir:{target}")
        load_piper_voice(voice)
        from workers.stream import voice_gain

        voice_gain(voice)  # the streaming path's loudness calibration, stored with the model
        write_preview(settings, voice)
        if entry.card:
            os.replace(staged[entry.card.name], target / f"{entry.id}{CARD_SUFFIX}")
        os.replace(staged[entry.config.name], target / entry.config.name)
    except BaseException:
        model.unlink(missing_ok=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return Voice.load(model, f"dir:{target}")


def _download(
    settings: Settings, file: IndexFile, staging: Path, progress: Progress | None
) -> Path:
    """`file` in `staging`, whole and verified. A partial download left by an earlier
    attempt is resumed; a file that does not match the index is deleted (the next attempt
    starts again) and raises `VoiceInstallError`."""
    done = staging / file.name
    if done.is_file() and done.stat().st_size == file.size and _md5(done) == file.md5:
        return done
    part = staging / f"{file.name}.part"
    have = part.stat().st_size if part.is_file() else 0
    if have >= file.size:
        have = 0
    headers = {"User-Agent": USER_AGENT}
    if have:
        headers["Range"] = f"bytes={have}-"
    url = urljoin(settings.voice_index_url, file.path)
    with part.open("r+b" if have else "wb") as out:
        out.seek(have)
        written = have

        def sink(status: int, block: bytes) -> None:
            nonlocal written
            if status == 200 and written == have and have:
                # The server ignored the range: the whole file comes, from its start.
                out.seek(0)
                out.truncate()
                written = 0
            if status not in (200, 206):
                return
            written += len(block)
            if written > file.size:
                raise _TooLarge(
                    f"{file.name} is larger than the voice index says ({file.size} bytes)"
                )
            out.write(block)
            if progress is not None:
                progress(file.name, written, file.size)

        try:
            _get(settings, url, FILE_MAX_BYTES, settings.voice_download_timeout_s, headers, sink)
        except _TooLarge:
            out.close()
            part.unlink(missing_ok=True)
            raise
        # Kept for the next attempt to resume: an interrupted download (`_get` raised).
        out.truncate()
    if part.stat().st_size != file.size or _md5(part) != file.md5:
        part.unlink()
        raise VoiceInstallError(
            f"{file.name} does not match the voice index (its size or MD5 sum differs); "
            "nothing was installed"
        )
    part.replace(done)
    return done


class _TooLarge(VoiceInstallError):
    pass


def _get(
    settings: Settings,
    url: str,
    max_bytes: int,
    timeout: float,
    headers: dict[str, str] | None = None,
    sink: Callable[[int, bytes], None] | None = None,
) -> FetchResponse:
    try:
        response = fetch(
            "GET",
            url,
            timeout=timeout,
            headers=headers or {"User-Agent": USER_AGENT},
            max_bytes=max_bytes,
            allow_private=settings.allow_private_urls,
            redirects=REDIRECTS,
            sink=sink,
        )
    except FetchError as exc:
        raise VoiceInstallError(f"{url}: {exc}") from exc
    if response.status >= 400:
        raise VoiceInstallError(f"{url} answered HTTP {response.status}")
    return response


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def remove_voice(settings: Settings, voice_id: str, in_use: Callable[[], set[str]] = set) -> None:
    """Delete an installed voice. Refused (`VoiceInUse`) for the default voice and for one
    a queued or running job speaks with (`in_use()`, asked last); voices not installed by `narrate
    voices add` (the packaged voice, `NARRATE_VOICES_DIR`) are not Narrate's to delete."""
    model_id = voice_id.partition(SPEAKER_MARK)[0]
    if not VOICE_ID.fullmatch(model_id):
        raise VoiceNotFound(voice_id, [])
    target = settings.installed_voices_dir()
    model, config = target / f"{model_id}.onnx", target / f"{model_id}.onnx.json"
    if not config.is_file():
        catalog = settings.voice_catalog()
        if model_id in catalog.voices or model_id == DEFAULT_VOICE_ID:
            raise InputError(
                f"{model_id} was not installed with `narrate voices add`; it cannot be removed",
                field="voice",
            )
        raise VoiceNotFound(voice_id, sorted(installed_ids(settings)))
    if model_id == settings.default_voice.partition(SPEAKER_MARK)[0]:
        raise VoiceInUse(f"{model_id} is the default voice (NARRATE_DEFAULT_VOICE)")
    busy = {v.partition(SPEAKER_MARK)[0] for v in in_use()}
    if model_id in busy:
        raise VoiceInUse(f"{model_id} is used by a queued or running job; remove it later")
    # The config first: from then on the catalog no longer sees the voice.
    config.unlink()
    model.unlink(missing_ok=True)
    (target / f"{model_id}{CARD_SUFFIX}").unlink(missing_ok=True)
    for preview in (target / PREVIEWS_DIR).glob(f"{model_id}*.mp3"):
        preview.unlink(missing_ok=True)


def _installed(target: Path) -> list[Path]:
    return sorted(target.glob("*.onnx.json")) if target.is_dir() else []


def installed_ids(settings: Settings) -> set[str]:
    return {p.name.removesuffix(".onnx.json") for p in _installed(settings.installed_voices_dir())}


def voice_license(voice: Voice) -> str | None:
    """The license the voice's model card names (`License: …`), when it has one."""
    card = voice.model_path.with_name(voice.model_path.name.removesuffix(".onnx") + CARD_SUFFIX)
    try:
        text = card.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = re.search(r"^\W*license\W*:?\s*(.+)$", text, re.IGNORECASE | re.MULTILINE)
    return found.group(1).strip(" *`")[:100] if found else None


def preview_path(settings: Settings, voice_id: str) -> Path:
    name = voice_id.replace(SPEAKER_MARK, "@")
    return settings.installed_voices_dir() / PREVIEWS_DIR / f"{name}.mp3"


def preview_text(voice: Voice) -> str:
    name = voice.speaker or voice.id.split("-")[1 if voice.id.count("-") >= 2 else 0]
    return PREVIEW_TEXT.format(name=name.replace("_", " ").title())


def write_preview(settings: Settings, voice: Voice) -> Path:
    """Synthesize and master the voice's preview sample (an MP3), atomically."""
    from workers.pipeline import ConvertOptions, convert_article
    from workers.pool import InlineSynthesis
    from workers.text.prepare import prepare_article

    path = preview_path(settings, voice.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    article = prepare_article(preview_text(voice))
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        out = Path(scratch) / path.name
        convert_article(article, voice, out, ConvertOptions(), pool=InlineSynthesis())
        os.replace(out, path)
    return path


_preview_lock = threading.Lock()


def ensure_preview(settings: Settings, voice: Voice) -> Path:
    """The voice's preview, made now if it has none (the packaged voice's first request)."""
    path = preview_path(settings, voice.id)
    if path.is_file():
        return path
    with _preview_lock:
        return path if path.is_file() else write_preview(settings, voice)
