"""One settings object for API, worker and CLI, read from the environment and `.env`."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from voices.catalog import DEFAULT_VOICE_ID, VoiceCatalog


class Settings(BaseSettings):
    """Read once per process and passed in (`create_app(settings)`, `run_worker(settings)`)."""

    model_config = SettingsConfigDict(env_prefix="NARRATE_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    """Where the SQLite file and stored audio live by default."""

    voices_dir: str = ""
    """Extra directories of `.onnx` + `.onnx.json` voices, separated by `os.pathsep`
    (`NARRATE_VOICES_DIR`)."""

    default_voice: str = DEFAULT_VOICE_ID
    mp3_kbps: int = Field(default=64, ge=64, le=320)
    max_article_chars: int = Field(default=200_000, gt=0)

    def voice_dirs(self) -> list[Path]:
        return [Path(d) for d in self.voices_dir.split(os.pathsep) if d]

    def voice_catalog(self) -> VoiceCatalog:
        return VoiceCatalog.discover(self.voice_dirs())
