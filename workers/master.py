"""Mastering the whole program: gain, true-peak limiting, encoding, tags, and a check
of loudness and true peak on the delivered file, corrected until it meets the targets."""

from __future__ import annotations

import contextlib
import math
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Final

from workers.errors import EncodingError, InputError
from workers.ffmpeg import ffmpeg_exe, run_ffmpeg
from workers.loudness import (
    MEASURE_ARGS,
    Measurement,
    integrated_loudness,
    measure_file,
    parse_measurement,
)
from workers.stitch import Program

TARGET_LUFS_STEREO: Final = -16.0
TARGET_LUFS_MONO: Final = -19.0
"""Measured on the one channel of a mono file: the same as -16 LUFS on two speakers."""
LOUDNESS_TOLERANCE_LU: Final = 1.0
"""The delivery spec: target ± this."""
AIM_TOLERANCE_LU: Final = 0.4
"""We correct until within this, leaving margin inside the spec."""
MAX_TRUE_PEAK_DBTP: Final = -1.0
INITIAL_CEILING_DBFS: Final = -2.0
"""Limiter ceiling on samples at 44.1 kHz; inter-sample and codec overshoot use the rest."""
MAX_PASSES: Final = 3
DELIVERY_RATE: Final = 44100
DEFAULT_MP3_KBPS: Final = 64
AI_NOTICE: Final = "Audio created with AI assistance"


class AudioFormat(StrEnum):
    MP3 = "mp3"
    OGG = "ogg"
    WAV = "wav"
    M4A = "m4a"

    @property
    def mime(self) -> str:
        return _MIME[self]


_MIME: Final = {
    AudioFormat.MP3: "audio/mpeg",
    AudioFormat.OGG: "audio/ogg",
    AudioFormat.WAV: "audio/wav",
    AudioFormat.M4A: "audio/mp4",
}

PIPER_RAW_LUFS: Final = -26.0
"""Integrated loudness of Piper speech synthesized without peak normalization (measured
-26.6 LUFS for en_US-joe-medium): where the dry run of the limiter is taken."""

CODEC_SHIFT_LU: Final = {
    AudioFormat.MP3: 0.4,
    AudioFormat.OGG: 0.2,
    AudioFormat.WAV: 0.0,
    AudioFormat.M4A: 0.1,
}
"""How much quieter each codec measures than its input (Piper speech, mono): a starting
point only; the delivered file is measured and corrected."""


def _codec_args(fmt: AudioFormat, mp3_kbps: int) -> list[str]:
    if fmt is AudioFormat.MP3:
        # -b:a without -q:a makes libmp3lame constant bitrate: VBR seeks wrongly on Apple.
        return [
            "-c:a",
            "libmp3lame",
            "-b:a",
            f"{mp3_kbps}k",
            "-ar",
            str(DELIVERY_RATE),
            "-f",
            "mp3",
        ]
    if fmt is AudioFormat.OGG:
        return ["-c:a", "libopus", "-b:a", "48k", "-ar", "48000", "-f", "ogg"]
    if fmt is AudioFormat.M4A:
        return [
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            "-ar",
            str(DELIVERY_RATE),
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
        ]
    return ["-c:a", "pcm_s16le", "-ar", str(DELIVERY_RATE), "-f", "wav"]


@dataclass(frozen=True)
class Tags:
    """What the delivered file says about itself."""

    title: str | None = None
    author: str | None = None
    publication: str | None = None
    date: str | None = None
    voice_id: str = ""

    @property
    def comment(self) -> str:
        return f"{AI_NOTICE}. Voice: {self.voice_id} (Piper), made with Narrate."


@dataclass(frozen=True)
class MasterReport:
    """The delivered file and its measured figures."""

    path: Path
    format: AudioFormat
    measurement: Measurement
    target_lufs: float
    gain_db: float
    passes: int
    size: int = field(default=0)

    def as_dict(self) -> dict[str, object]:
        return {
            "format": self.format.value,
            "integrated_lufs": self.measurement.integrated_lufs,
            "true_peak_dbtp": self.measurement.true_peak_dbtp,
            "loudness_range_lu": self.measurement.loudness_range_lu,
            "target_lufs": self.target_lufs,
            "gain_db": round(self.gain_db, 2),
            "passes": self.passes,
        }


def _filter_chain(gain_db: float, ceiling_dbfs: float, resample: bool = True) -> str:
    limit = 10 ** (ceiling_dbfs / 20)
    chain = f"volume={gain_db:.3f}dB,"
    if resample:
        chain += f"aresample={DELIVERY_RATE},"
    return chain + f"alimiter=limit={limit:.5f}:attack=5:release=50:level=false:latency=true"


def _usual_gain(target_lufs: float) -> float:
    return target_lufs - PIPER_RAW_LUFS


def dry_run_filters(target_lufs: float = TARGET_LUFS_MONO) -> str:
    """The gain + limiter chain whose loudness tells mastering what the limiter takes."""
    return _filter_chain(_usual_gain(target_lufs), INITIAL_CEILING_DBFS, resample=False)


def _encode_args(
    program: Program,
    out: Path,
    fmt: AudioFormat,
    gain_db: float,
    ceiling_dbfs: float,
    tags: Tags,
    mp3_kbps: int,
) -> list[str]:
    chain = _filter_chain(gain_db, ceiling_dbfs)
    metadata: list[str] = []
    if fmt is not AudioFormat.MP3:  # MP3 gets ID3v2 from mutagen instead
        for key, value in (
            ("title", tags.title),
            ("artist", tags.author),
            ("album", tags.publication),
            ("date", tags.date),
            ("comment", tags.comment),
        ):
            if value:
                metadata += ["-metadata", f"{key}={value}"]
    return [
        "-v",
        "error",
        "-i",
        str(program.path),
        "-af",
        chain,
        "-ac",
        "1",
        *metadata,
        *_codec_args(fmt, mp3_kbps),
        str(out),
    ]


FOLLOWABLE: Final = {AudioFormat.MP3: "mp3", AudioFormat.OGG: "ogg"}
"""Formats whose file can be decoded while it is being written (WAV and M4A patch their
headers at the end), with their ffmpeg demuxer."""
FOLLOW_POLL_S: Final = 0.02


def _encode_and_measure(out: Path, fmt: AudioFormat, encode_args: list[str]) -> Measurement:
    """Encode to `out` and measure the delivered bytes.

    For MP3 and Ogg the meter reads the file as the encoder writes it, so measuring
    costs (almost) no time after encoding on a second core. The MP3 muxer rewrites only
    its Info header at the end; every audio frame measured is the one delivered.
    """
    if fmt not in FOLLOWABLE:
        run_ffmpeg(encode_args, f"encoding {fmt.value}")
        return measure_file(out)
    out.unlink(missing_ok=True)
    exe = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y"]
    with tempfile.TemporaryFile() as enc_log, tempfile.TemporaryFile() as meter_log:
        encoder = subprocess.Popen([*exe, *encode_args], stderr=enc_log)
        meter = subprocess.Popen(
            [
                ffmpeg_exe(),
                "-hide_banner",
                "-nostats",
                "-f",
                FOLLOWABLE[fmt],
                "-i",
                "pipe:0",
                *MEASURE_ARGS,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=meter_log,
        )
        assert meter.stdin is not None
        try:
            _follow(out, encoder, meter.stdin)
        finally:
            with contextlib.suppress(BrokenPipeError):
                meter.stdin.close()
            encoder.wait()
            meter.wait()
        if encoder.returncode != 0:
            enc_log.seek(0)
            tail = enc_log.read().decode(errors="replace").strip().splitlines()[-3:]
            raise EncodingError(f"ffmpeg failed while encoding {fmt.value}: {' | '.join(tail)}")
        meter_log.seek(0)
        return parse_measurement(meter_log.read().decode(errors="replace"), str(out))


def _follow(path: Path, writer: subprocess.Popen[bytes], sink: IO[bytes]) -> None:
    """Copy `path` into `sink` as `writer` grows it, until `writer` has exited."""
    while not path.exists():
        if writer.poll() is not None:
            return
        time.sleep(FOLLOW_POLL_S)
    with path.open("rb") as growing:
        while True:
            finished = writer.poll() is not None
            block = growing.read(1 << 16)
            if block:
                sink.write(block)
            elif finished:
                return
            else:
                time.sleep(FOLLOW_POLL_S)


def tag_mp3(path: Path, tags: Tags) -> None:
    """ID3v2.4 title, artist, album, date and the AI-assistance comment."""
    from mutagen.id3 import COMM, ID3, TALB, TDRC, TIT2, TPE1, TSSE, TXXX, ID3NoHeaderError

    try:
        id3 = ID3(path)
    except ID3NoHeaderError:
        id3 = ID3()
    id3.delall("TSSE")
    for frame, value in (
        (TIT2, tags.title),
        (TPE1, tags.author),
        (TALB, tags.publication),
        (TDRC, tags.date),
    ):
        if value:
            id3.add(frame(encoding=3, text=value))
    id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
    id3.add(TXXX(encoding=3, desc="voice", text=tags.voice_id))
    id3.add(TSSE(encoding=3, text="Narrate"))
    id3.save(path, v2_version=4)


def master_program(
    program: Program,
    out: Path,
    fmt: AudioFormat = AudioFormat.MP3,
    tags: Tags | None = None,
    mp3_kbps: int = DEFAULT_MP3_KBPS,
    target_lufs: float = TARGET_LUFS_MONO,
) -> MasterReport:
    """Encode `program` to `out`, measure the delivered file, and correct until
    integrated loudness is within the aim of `target_lufs` and true peak ≤ -1 dBTP."""
    if mp3_kbps < 64:
        raise InputError("MP3 bitrate must be at least 64 kbps")
    tags = tags or Tags()
    ceiling = INITIAL_CEILING_DBFS
    # Limiting takes a little loudness off the peaks and the codec shifts it a little more.
    # A dry run of gain + limiter at the gain a Piper voice usually needs (measured while
    # the program was stitched, or here) shows what the limiter takes; with the codec's
    # usual shift, the first encode usually lands on target.
    dry_run = dry_run_filters(target_lufs)
    if program.metered and program.metered[0] == dry_run:
        limited_lufs = program.metered[1]
    else:
        limited_lufs = integrated_loudness(program.path, dry_run)
    if math.isinf(limited_lufs):
        raise EncodingError("the program is silent; nothing to master")
    gain = _usual_gain(target_lufs) + target_lufs - limited_lufs + CODEC_SHIFT_LU[fmt]
    measured: Measurement | None = None
    passes = 0
    for passes in range(1, MAX_PASSES + 1):  # noqa: B007 (read after the loop)
        measured = _encode_and_measure(
            out, fmt, _encode_args(program, out, fmt, gain, ceiling, tags, mp3_kbps)
        )
        loud_ok = abs(measured.integrated_lufs - target_lufs) <= AIM_TOLERANCE_LU
        peak_ok = measured.true_peak_dbtp <= MAX_TRUE_PEAK_DBTP
        if loud_ok and peak_ok:
            break
        if not loud_ok:
            gain += target_lufs - measured.integrated_lufs
        if not peak_ok:
            ceiling -= measured.true_peak_dbtp - MAX_TRUE_PEAK_DBTP + 0.3
    assert measured is not None
    if (
        abs(measured.integrated_lufs - target_lufs) > LOUDNESS_TOLERANCE_LU
        or measured.true_peak_dbtp > MAX_TRUE_PEAK_DBTP
    ):
        raise EncodingError(
            f"mastering missed its targets after {MAX_PASSES} passes: "
            f"{measured.integrated_lufs:.1f} LUFS, {measured.true_peak_dbtp:.1f} dBTP"
        )
    if fmt is AudioFormat.MP3:
        tag_mp3(out, tags)
    return MasterReport(
        path=out,
        format=fmt,
        measurement=measured,
        target_lufs=target_lufs,
        gain_db=gain,
        passes=passes,
        size=out.stat().st_size,
    )
