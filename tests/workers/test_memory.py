"""Peak memory of stitching and mastering does not grow with the length of the program."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

# Real takes of one paragraph, synthesized once, then stitched `n` times into one program
# (≈14 s of audio each) and mastered to MP3, in a fresh process that reports its peak RSS.
SCRIPT = r"""
import json, resource, sys, tempfile
from pathlib import Path
from voices.catalog import VoiceCatalog, load_piper_voice
from workers.master import master_program
from workers.pipeline import ConvertOptions, stitch_program
from workers.synthesis import ChunkAudio, SynthesisSettings, synthesize_chunk
from workers.text.prepare import prepare_article
from workers.text.segment import Chunk

n = int(sys.argv[1])
voice = VoiceCatalog.discover().get("en_US-joe-medium")
text = ("The harbor master inspected the battery bank before sunrise on Monday. "
        "A ferry engineer repaired the solar canopy after a long storm. "
        "The island council praised the night crew during the town meeting.")
chunk = prepare_article(text).chunks[0]
audio = synthesize_chunk(load_piper_voice(voice), chunk, SynthesisSettings())
chunks = [Chunk(i, chunk.sentences) for i in range(n)]
takes = (ChunkAudio(i, audio.sample_rate, audio.takes) for i in range(n))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with tempfile.TemporaryDirectory() as tmp:
    program = stitch_program(chunks, takes, Path(tmp) / "p.wav", voice.sample_rate,
                             ConvertOptions())
    report = master_program(program, Path(tmp) / "p.mp3")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kib": before, "after_kib": after, "seconds": program.duration,
                  "raw_bytes": program.frames * 2, "lufs": report.measurement.integrated_lufs}))
"""


def _peak(n: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(n)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_peak_memory_flat_while_the_program_grows() -> None:
    short, long = _peak(5), _peak(70)
    assert long["seconds"] > 10 * short["seconds"]
    growth_mib = (long["after_kib"] - short["after_kib"]) / 1024
    extra_audio_mib = (long["raw_bytes"] - short["raw_bytes"]) / 2**20
    print(
        f"program {short['seconds']:.0f}s → {long['seconds']:.0f}s; peak RSS "
        f"{short['after_kib'] / 1024:.0f} → {long['after_kib'] / 1024:.0f} MiB "
        f"(+{growth_mib:.1f} MiB for +{extra_audio_mib:.0f} MiB of raw audio)"
    )
    assert extra_audio_mib > 25
    assert growth_mib < 8, "stitching or mastering holds the whole program in memory"
