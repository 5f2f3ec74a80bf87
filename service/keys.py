"""Where things live in storage: every storage key Narrate uses is built here, and only here."""

from __future__ import annotations

from workers.master import AudioFormat


def job_prefix(job_id: str) -> str:
    """Everything a job delivered lies under this prefix (deleted with the job)."""
    return f"jobs/{job_id}"


def job_audio_key(job_id: str, fmt: AudioFormat | str) -> str:
    return f"{job_prefix(job_id)}/audio.{AudioFormat(fmt).value}"


def job_vtt_key(job_id: str) -> str:
    return f"{job_prefix(job_id)}/transcript.vtt"


def job_timings_key(job_id: str) -> str:
    return f"{job_prefix(job_id)}/timings.json"


def job_speechmarks_key(job_id: str) -> str:
    return f"{job_prefix(job_id)}/speechmarks.jsonl"


CHUNK_PREFIX = "chunks"
"""The chunk cache: audio shared by every job that says the same thing with the same voice."""


def chunk_audio_key(cache_key: str) -> str:
    """Storage key of a cached chunk's WAV (its `.json` sidecar sits beside it)."""
    return f"{CHUNK_PREFIX}/{cache_key[:2]}/{cache_key}.wav"


def chunk_takes_key(cache_key: str) -> str:
    """Storage key of a cached chunk's sidecar: the length of each take in its WAV."""
    return f"{chunk_audio_key(cache_key)}.json"
