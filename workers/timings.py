"""Sentence timings of the final file, as JSON and as WebVTT."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from workers.stitch import SentenceTiming


def vtt_timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def render_vtt(timings: Sequence[SentenceTiming]) -> str:
    """One cue per sentence; cue text escaped as WebVTT requires."""
    lines = ["WEBVTT", ""]
    for t in timings:
        text = t.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = text.replace("-->", "->")
        lines += [f"s{t.index}", f"{vtt_timestamp(t.start)} --> {vtt_timestamp(t.end)}", text, ""]
    return "\n".join(lines)


def render_timings_json(timings: Sequence[SentenceTiming], duration: float, **extra: Any) -> str:
    return json.dumps(
        {"duration": round(duration, 3), **extra, "sentences": [t.as_dict() for t in timings]},
        ensure_ascii=False,
        indent=1,
    )
