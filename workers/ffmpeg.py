"""The ffmpeg binary bundled by `imageio-ffmpeg`, and pointing pydub at it."""

from __future__ import annotations

import subprocess
from functools import lru_cache

from workers.errors import EncodingError


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the bundled ffmpeg; no system ffmpeg is needed."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@lru_cache(maxsize=1)
def configure_pydub() -> None:
    """pydub looks for `ffmpeg` on PATH; use the bundled binary instead."""
    import warnings

    with warnings.catch_warnings():
        # pydub warns at import when PATH has no ffmpeg; we never use PATH's.
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment

    AudioSegment.converter = ffmpeg_exe()
    AudioSegment.ffmpeg = ffmpeg_exe()


def run_ffmpeg(args: list[str], what: str) -> str:
    """Run ffmpeg quietly; return its stderr (where filters report); raise on failure."""
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args],
        capture_output=True,
        text=True,
        errors="replace",
    )
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-3:]
        raise EncodingError(f"ffmpeg failed while {what}: {' | '.join(tail)}")
    return result.stderr
