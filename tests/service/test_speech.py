"""The OpenAI-compatible speech route, driven by the official `openai` client against the
real API (uvicorn on a port) with its real synthesis pool, Piper voice and ffmpeg; every
answer decoded by ffmpeg (and measured by pyloudnorm), SSE parsed as text."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from tests.audio import decode_mono, pyloudnorm_lufs, true_peak_dbtp
from tests.service.conftest import module_stack
from tests.utils.services import Stack, wait_for

pytestmark = pytest.mark.slow

KEY = "sk-speech-test"
SENTENCE = "Dr. Ana Ruiz said the repair cost $1.5 billion."
STORY = (
    "Harbor Bridge Reopens\n\n"
    "The Harbor Bridge reopened on Nov. 21 after two years of repairs. "
    "Traffic returned to normal by the evening rush. "
    "Dr. Ana Ruiz, the city engineer, thanked the crews.\n\n"
    "The work cost $1.5 billion. Officials said the bridge would last another century. "
    "Ferries will keep their extra trips until Friday."
)
LONG = "\n\n".join(f"Paragraph {i} of a long report says the river rose again." for i in range(80))
MAX_CHARS = 6000
RATE = 24000
HEADER = 44
"""Bytes of a WAV header."""


@pytest.fixture(scope="module")
def stack(
    redis_address: tuple[str, int], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """One API for the module (its pool and the voice's calibration are made once): one
    stream at a time, keys required."""
    with module_stack(
        redis_address,
        tmp_path_factory.mktemp("speech"),
        api_keys=KEY,
        speech_streams=1,
        speech_processes=2,
        max_article_chars=MAX_CHARS,
        submits_per_minute=0,
    ) as stack:
        stack.start_api()
        yield stack


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[openai.OpenAI]:
    assert stack.api is not None
    with openai.OpenAI(api_key=KEY, base_url=f"{stack.api.url}/v1", max_retries=0) as c:
        yield c


def _decoded(data: bytes, fmt: str, tmp_path: Path):  # -> (samples, rate)
    """The answer decoded by ffmpeg (raw PCM is wrapped in a WAV header first)."""
    if fmt == "pcm":
        import wave

        path = tmp_path / "speech.wav"
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(RATE)
            wav.writeframes(data)
    else:
        path = tmp_path / f"speech.{fmt}"
        path.write_bytes(data)
    return decode_mono(path)


@pytest.mark.parametrize("fmt", ["mp3", "opus", "aac", "flac", "wav", "pcm"])
def test_every_format_decodes(client: openai.OpenAI, fmt: str, tmp_path: Path) -> None:
    response = client.audio.speech.create(
        model="tts-1",
        voice="alloy",
        input=SENTENCE,
        response_format=fmt,  # type: ignore[arg-type]
    )
    samples, rate = _decoded(response.read(), fmt, tmp_path)
    assert rate == (48000 if fmt == "opus" else RATE)  # Ogg Opus always decodes at 48 kHz
    assert 1.5 < len(samples) / rate < 8, "about one sentence of speech"
    assert abs(samples).max() > 0.1, "it speaks"


def test_streamed_bytes_arrive_as_sentences_finish(
    client: openai.OpenAI, stack: Stack, tmp_path: Path
) -> None:
    """The first bytes come long before the last: the answer is not made whole first. The
    WAV streams with a header of unknown length, and lands on the loudness target."""
    started = time.perf_counter()
    arrivals: list[float] = []
    raw = bytearray()
    with client.audio.speech.with_streaming_response.create(
        model="gpt-4o-mini-tts",
        voice="en_US-joe-medium",
        input=STORY,
        instructions="Speak calmly.",  # accepted, ignored
        response_format="wav",
    ) as response:
        assert response.headers["content-type"] == "audio/wav"
        for block in response.iter_bytes():
            raw += block
            if len(raw) > HEADER:  # audio, not only the header
                arrivals.append(time.perf_counter() - started)
    first, last = arrivals[0], arrivals[-1]
    assert first < 0.5 * last, f"first audio at {first:.2f} s of {last:.2f} s"
    assert raw[4:8] == b"\xff\xff\xff\xff", "a WAV header of unknown length, like OpenAI's"
    samples, rate = _decoded(bytes(raw), "wav", tmp_path)
    assert len(samples) / rate > 10
    # A fixed gain calibrated per voice, plus the limiter (pyloudnorm: a second meter).
    assert abs(pyloudnorm_lufs(samples, rate) - -19.0) <= 1.5
    assert true_peak_dbtp(samples) <= -1.0


def test_sse_events(stack: Stack, tmp_path: Path) -> None:
    body = {
        "model": "gpt-4o-mini-tts",
        "voice": "nova",
        "input": STORY,
        "response_format": "mp3",
        "stream_format": "sse",
    }
    events = []
    with httpx.stream(
        "POST",
        f"{stack.api.url}/v1/audio/speech",  # type: ignore[union-attr]
        json=body,
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=60,
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line.removeprefix("data: ")))
            else:
                assert line == "", f"only data lines and blank separators: {line!r}"
    *deltas, done = events
    assert len(deltas) > 1 and {e["type"] for e in deltas} == {"speech.audio.delta"}
    assert done["type"] == "speech.audio.done"
    assert done["usage"]["input_tokens"] == len(STORY)
    audio = b"".join(base64.b64decode(e["audio"]) for e in deltas)
    samples, rate = _decoded(audio, "mp3", tmp_path)
    assert len(samples) / rate > 10


def test_models_and_voices(client: openai.OpenAI, stack: Stack) -> None:
    assert {"tts-1", "tts-1-hd", "gpt-4o-mini-tts"} <= {m.id for m in client.models.list()}
    voices = stack.http.get("/v1/audio/voices", headers={"Authorization": f"Bearer {KEY}"}).json()[
        "data"
    ]
    mapped = {v["id"]: v["voice"] for v in voices}
    assert mapped["alloy"] == mapped["shimmer"] == "en_US-joe-medium"
    assert mapped["en_US-joe-medium"] == "en_US-joe-medium"


@pytest.mark.parametrize(
    ("change", "error", "param", "words"),
    [
        ({"voice": "nobody"}, openai.UnprocessableEntityError, "voice", "unknown voice"),
        ({"model": "whisper-1"}, openai.UnprocessableEntityError, "model", "unknown model"),
        ({"speed": 3.0}, openai.UnprocessableEntityError, "speed", "0.5–2.0"),
        ({"speed": 4.5}, openai.UnprocessableEntityError, "speed", "less than or equal"),
        ({"response_format": "ogg"}, openai.UnprocessableEntityError, "response_format", "mp3"),
        ({"input": "x" * (MAX_CHARS + 1)}, openai.APIStatusError, "input", "the limit is"),
        ({"input": "  ...  "}, openai.UnprocessableEntityError, None, "speakable"),
    ],
)
def test_errors_reach_the_client(
    client: openai.OpenAI, change: dict, error: type, param: str | None, words: str
) -> None:
    arguments = {"model": "tts-1", "voice": "alloy", "input": SENTENCE, **change}
    with pytest.raises(error) as raised:
        client.audio.speech.create(**arguments)
    assert words in raised.value.message
    assert raised.value.param == param
    if "input" in change and len(change["input"]) > MAX_CHARS:
        assert raised.value.status_code == 413


def test_a_wrong_key_is_refused(stack: Stack) -> None:
    assert stack.api is not None
    with (
        openai.OpenAI(api_key="wrong", base_url=f"{stack.api.url}/v1", max_retries=0) as c,
        pytest.raises(openai.AuthenticationError, match="not valid"),
    ):
        c.audio.speech.create(model="tts-1", voice="alloy", input=SENTENCE)


def test_streams_are_bounded_and_a_gone_client_frees_its_stream(
    client: openai.OpenAI, stack: Stack
) -> None:
    """One stream at a time here: a second gets 429; when the first client hangs up, its
    synthesis stops (long before the text would be read) and the next stream is served."""
    assert stack.api is not None
    started = time.perf_counter()
    with httpx.stream(
        "POST",
        f"{stack.api.url}/v1/audio/speech",
        json={"model": "tts-1", "voice": "alloy", "input": LONG, "response_format": "pcm"},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=60,
    ) as response:
        assert response.status_code == 200
        blocks = response.iter_bytes()  # kept: a dropped iterator closes the connection
        assert next(blocks)
        with pytest.raises(openai.RateLimitError, match="streams already"):
            client.audio.speech.create(model="tts-1", voice="alloy", input=SENTENCE)
        one_block = time.perf_counter() - started
    hung_up = time.perf_counter()

    def served() -> bool:
        try:
            answer = client.audio.speech.create(model="tts-1", voice="alloy", input="Hi.")
            return bool(answer.read())
        except openai.RateLimitError:
            return False

    wait_for(served, 30, "the stream's slot to be given back", every=0.2)
    freed = time.perf_counter() - hung_up
    # 80 paragraphs take ~40× the first one's time; after the hang-up only the chunks
    # already handed out (3) may still run.
    assert freed < max(8.0, 6 * one_block), f"freed {freed:.1f} s after the hang-up"
