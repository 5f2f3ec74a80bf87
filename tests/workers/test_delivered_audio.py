"""The delivered MP3 of a real conversion, decoded and measured like a listener's player would."""

from __future__ import annotations

import itertools
import json

import pytest
import webvtt
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode

from tests.audio import decode_mono, pyloudnorm_lufs, silent_runs, true_peak_dbtp
from tests.conftest import SAMPLE_ARTICLE, SAMPLE_META, Conversion
from workers.loudness import measure_file
from workers.master import LOUDNESS_TOLERANCE_LU, MAX_TRUE_PEAK_DBTP, TARGET_LUFS_MONO
from workers.stitch import PausePolicy
from workers.text.prepare import prepare_article

pytestmark = pytest.mark.slow

WORDS = len(SAMPLE_ARTICLE.read_text().split())


def test_mp3_is_cbr_mono_44k_at_least_64k(sample_conversion: Conversion) -> None:
    info = MP3(sample_conversion.mp3).info
    assert info.sample_rate == 44100
    assert info.channels == 1
    assert info.bitrate >= 64000
    assert info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN)
    # A CBR file has one frame size: decode and compare the header-derived length.
    samples, rate = decode_mono(sample_conversion.mp3)
    assert rate == 44100
    assert abs(len(samples) / rate - info.length) < 0.1


def test_duration_fits_the_text(sample_conversion: Conversion) -> None:
    seconds = MP3(sample_conversion.mp3).info.length
    # Announcers read 130–200 words a minute; pauses add a little.
    assert WORDS / 200 * 60 < seconds < WORDS / 110 * 60 + 15


def test_loudness_and_true_peak_on_the_delivered_file(sample_conversion: Conversion) -> None:
    ffmpeg = measure_file(sample_conversion.mp3)
    samples, rate = decode_mono(sample_conversion.mp3)
    independent = pyloudnorm_lufs(samples, rate)
    assert abs(ffmpeg.integrated_lufs - TARGET_LUFS_MONO) <= LOUDNESS_TOLERANCE_LU
    assert abs(independent - TARGET_LUFS_MONO) <= LOUDNESS_TOLERANCE_LU
    assert ffmpeg.true_peak_dbtp <= MAX_TRUE_PEAK_DBTP
    assert true_peak_dbtp(samples) <= MAX_TRUE_PEAK_DBTP + 0.1  # different oversampler
    assert int(abs(samples).max() * 32768) < 32767  # nothing clipped


def test_id3_tags_readable(sample_conversion: Conversion) -> None:
    tags = ID3(sample_conversion.mp3)
    assert str(tags["TIT2"]) == "Harbor Town Opens Its First Solar Ferry"
    assert str(tags["TPE1"]) == "Narrate Examples"
    assert str(tags["TALB"]) == "The Harbor Gazette"
    assert "TDRC" in tags
    comment = str(tags.getall("COMM")[0])
    assert "AI assistance" in comment and "en_US-joe-medium" in comment


def test_no_silence_longer_than_the_pause_policy(sample_conversion: Conversion) -> None:
    samples, rate = decode_mono(sample_conversion.mp3)
    longest = max(silent_runs(samples, rate))
    policy = PausePolicy()
    assert longest <= policy.longest_ms / 1000 + 0.15
    # Sentence pauses exist: at least one gap per sentence boundary is audible.
    assert sum(1 for run in silent_runs(samples, rate) if run >= 0.25) >= 10


def test_timings_monotonic_inside_the_file(sample_conversion: Conversion) -> None:
    data = json.loads(sample_conversion.timings.read_text())
    duration = MP3(sample_conversion.mp3).info.length
    sentences = data["sentences"]
    assert len(sentences) == prepare_article(SAMPLE_ARTICLE.read_text(), SAMPLE_META).sentence_count
    assert sentences[0]["heading"] is True
    previous_end = 0.0
    for s in sentences:
        assert previous_end <= s["start"] < s["end"] <= duration
        previous_end = s["end"]
    assert data["loudness"]["integrated_lufs"] == pytest.approx(TARGET_LUFS_MONO, abs=1)


def test_timings_match_speech_in_the_audio(sample_conversion: Conversion) -> None:
    """Each sentence's span is sound, and the gap after it is (near) silence."""
    samples, rate = decode_mono(sample_conversion.mp3)
    sentences = json.loads(sample_conversion.timings.read_text())["sentences"]
    for s, nxt in itertools.pairwise(sentences):
        speech = samples[int(s["start"] * rate) : int(s["end"] * rate)]
        gap = samples[int((s["end"] + 0.05) * rate) : int((nxt["start"] - 0.05) * rate)]
        assert abs(speech).max() > 0.05
        if gap.size:
            assert abs(gap).max() < 0.01


def test_vtt_parses_and_matches_timings(sample_conversion: Conversion) -> None:
    captions = webvtt.read(str(sample_conversion.vtt))
    sentences = json.loads(sample_conversion.timings.read_text())["sentences"]
    # A sentence is one cue, or several when it does not fit two subtitle lines.
    assert len(captions) >= len(sentences)
    assert captions[0].identifier == "s0" and captions[0].text == sentences[0]["text"]
    hours, minutes, seconds = captions[-1].end.split(":")
    end = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    assert end == pytest.approx(sentences[-1]["end"], abs=0.002)


def test_cli_reports_measured_figures(sample_conversion: Conversion) -> None:
    assert "LUFS" in sample_conversion.stdout and "dBTP" in sample_conversion.stdout
