"""OpenAI-compatible speech: `POST /v1/audio/speech` streams audio as sentences finish;
`GET /v1/models` and `GET /v1/audio/voices` say what OpenAI's names map to.

Synthesis runs in a pool of processes owned by the API process (started at the first
speech request), not through the job queue: a stream's first bytes should wait for one
sentence, not for a queue of articles, and a request that ends (done, failed, or its
client gone) stops handing out chunks at once. Each API process serves at most
`speech_streams` streams; the pool is `speech_processes` processes shared by them.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, Final, Literal

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from service.api.deps import ApiKey, CallerDep, CatalogDep, SettingsDep
from service.api.schemas import ErrorOut
from service.quotas import SubmitQuotas
from service.settings import Settings
from voices.catalog import Voice, VoiceCatalog
from workers.errors import InputError, InputTooLarge, QuotaExceeded
from workers.pool import SynthesisPool
from workers.stream import (
    STREAM_CHUNK_CHARS,
    STREAM_RATE,
    SpeechFormat,
    SpeechStream,
    quick_start,
    voice_gain,
)
from workers.synthesis import MAX_SPEED, MIN_SPEED, SynthesisSettings
from workers.text.prepare import ArticleMeta, InputFormat, prepare_article

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1", tags=["speech"], dependencies=[ApiKey])

MODELS: Final = {
    "tts-1": "Narrate's Piper engine (OpenAI's name; same engine as every model here)",
    "tts-1-hd": "Narrate's Piper engine (OpenAI's name; same engine as every model here)",
    "gpt-4o-mini-tts": "Narrate's Piper engine; `instructions` are accepted and ignored",
    "gpt-4o-mini-tts-2025-12-15": "Narrate's Piper engine; `instructions` are ignored",
    "narrate": "Narrate's Piper engine",
}
"""Every model name speaks with the same engine; the voice decides how it sounds."""
OPENAI_VOICES: Final = (
    "alloy", "ash", "ballad", "coral", "echo", "fable", "nova",
    "onyx", "sage", "shimmer", "verse", "marin", "cedar",
)  # fmt: skip
OPENAI_SPEED_RANGE: Final = (0.25, 4.0)
BUSY_RETRY_AFTER_S: Final = 2
OWNER: Final = "narrate"


class VoiceRef(BaseModel):
    """OpenAI's custom-voice form: `{"id": "..."}`."""

    id: Annotated[str, Field(min_length=1, max_length=200)]


class SpeechIn(BaseModel):
    """OpenAI's `POST /v1/audio/speech` body (plus Narrate's `extract`)."""

    model_config = ConfigDict(extra="forbid")

    model: Annotated[str, Field(max_length=100, description="See GET /v1/models.")]
    input: Annotated[str, Field(min_length=1, description="The text; up to the article limit.")]
    voice: Annotated[
        str | VoiceRef,
        Field(description="A Narrate voice id, or an OpenAI name (see GET /v1/audio/voices)."),
    ]
    instructions: Annotated[
        str | None, Field(max_length=4096, description="Accepted and ignored.")
    ] = None
    response_format: SpeechFormat = SpeechFormat.MP3
    speed: Annotated[
        float,
        Field(
            ge=OPENAI_SPEED_RANGE[0],
            le=OPENAI_SPEED_RANGE[1],
            allow_inf_nan=False,
            description=f"OpenAI allows 0.25–4.0; this engine speaks {MIN_SPEED}–{MAX_SPEED} "
            "(outside it: 422, nothing is clamped).",
        ),
    ] = 1.0
    stream_format: Literal["audio", "sse"] = "audio"
    extract: bool = Field(
        default=False,
        description="Narrate's own: drop a scraped page's furniture (menus, appeals) first.",
    )


def openai_voice_map(settings: Settings) -> dict[str, str]:
    """Every OpenAI voice name and the catalog voice it speaks with."""
    mapped = dict.fromkeys(OPENAI_VOICES, settings.default_voice)
    for pair in settings.openai_voices.split(","):
        name, _, voice_id = pair.partition("=")
        if name.strip() and voice_id.strip():
            mapped[name.strip()] = voice_id.strip()
    return mapped


def resolve_voice(given: str | VoiceRef, settings: Settings, catalog: VoiceCatalog) -> Voice:
    """A catalog id as it is, an OpenAI name through the map; anything else 422."""
    name = given.id if isinstance(given, VoiceRef) else given
    if name in catalog.voices:
        return catalog.get(name)
    mapped = openai_voice_map(settings)
    if name in mapped:
        return catalog.get(mapped[name])
    raise InputError(
        f"unknown voice {name[:60]!r}; use a Narrate voice ({', '.join(catalog.ids())}) "
        f"or an OpenAI name ({', '.join(OPENAI_VOICES)})",
        field="voice",
    )


class SpeechEngine:
    """The API process's synthesis pool (started at the first request), the per-voice
    stream gains, and the bound on streams served at once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._slots = threading.BoundedSemaphore(settings.speech_streams)
        self._lock = threading.Lock()
        self._pool: SynthesisPool | None = None
        self._gains: dict[str, float] = {}

    def pool(self, voice: Voice) -> SynthesisPool:
        with self._lock:
            if self._pool is None:
                self._pool = SynthesisPool(voice, self.settings.speech_processes, fork=False)
            return self._pool

    def gain(self, voice: Voice) -> float:
        """The voice's stream gain, from its calibration (measured in a pool process the
        first time a voice is used on this machine, then read from the model cache)."""
        if voice.id not in self._gains:
            self._gains[voice.id] = self.pool(voice).call(voice_gain, voice)
        return self._gains[voice.id]

    def claim(self) -> Callable[[], None]:
        """A stream slot, and the function that gives it back; 429 when none is free."""
        if not self._slots.acquire(blocking=False):
            raise QuotaExceeded(
                f"this server is reading {self.settings.speech_streams} streams already; "
                f"try again in {BUSY_RETRY_AFTER_S} s",
                retry_after=BUSY_RETRY_AFTER_S,
            )
        released = threading.Event()

        def release() -> None:
            if not released.is_set():
                released.set()
                self._slots.release()

        return release

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.terminate()
                self._pool = None


def speech_engine(request: Request) -> SpeechEngine:
    state = request.app.state
    if getattr(state, "speech", None) is None:
        state.speech = SpeechEngine(state.settings)
    return state.speech


def _next_block(blocks: Any) -> bytes | None:
    return next(blocks, None)


async def _relay(stream: SpeechStream) -> AsyncIterator[bytes]:
    """The stream's bytes, read in a thread; when the client goes away (the response is
    cancelled) or it ends, the stream is cancelled (which gives its slot back)."""
    blocks = iter(stream)
    try:
        while (
            block := await anyio.to_thread.run_sync(_next_block, blocks, abandon_on_cancel=True)
        ) is not None:
            yield block
    except Exception as exc:  # the status went out with the first byte: end the stream
        log.error("speech stream failed: %s: %s", type(exc).__name__, exc)
    finally:
        stream.cancel()


async def _sse(blocks: AsyncIterator[bytes], input_chars: int) -> AsyncIterator[bytes]:
    """OpenAI's speech events: `speech.audio.delta` with base64 audio, then
    `speech.audio.done` with usage (input characters as input tokens; no output tokens)."""
    async for block in blocks:
        event = {"type": "speech.audio.delta", "audio": base64.b64encode(block).decode()}
        yield f"data: {json.dumps(event)}\n\n".encode()
    usage = {"input_tokens": input_chars, "output_tokens": 0, "total_tokens": input_chars}
    yield f"data: {json.dumps({'type': 'speech.audio.done', 'usage': usage})}\n\n".encode()


@router.post(
    "/audio/speech",
    summary="Speech from text, streamed as it is read (OpenAI-compatible)",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The audio, streamed (24 kHz mono), or Server-Sent Events.",
            "content": {f.mime: {} for f in SpeechFormat} | {"text/event-stream": {}},
        },
        401: {"model": ErrorOut, "description": "Missing or wrong API key."},
        413: {"model": ErrorOut, "description": "The input is longer than the article limit."},
        422: {"model": ErrorOut, "description": "A field is invalid (`param` names it)."},
        429: {"model": ErrorOut, "description": "Over the key's quota, or all streams busy."},
    },
)
def create_speech(
    body: SpeechIn,
    request: Request,
    settings: SettingsDep,
    catalog: CatalogDep,
    caller: CallerDep,
) -> StreamingResponse:
    """Read `input` aloud. The response streams: bytes go out as sentences finish, in
    order. `mp3` (CBR 64 kbps), `opus` (Ogg), `aac` (ADTS) and `flac` are progressive
    streams; `wav` has a header of unknown length; `pcm` is raw 16-bit little-endian mono;
    all at 24 kHz. `stream_format: sse` sends OpenAI's `speech.audio.delta` /
    `speech.audio.done` events instead. Errors have OpenAI's shape
    (`{"error": {"message", "type", "param", "code"}}`)."""
    if len(body.input) > settings.max_article_chars:
        raise InputTooLarge(
            f"'input' has {len(body.input)} characters; the limit is {settings.max_article_chars}",
            field="input",
        )
    if body.model not in MODELS:
        raise InputError(
            f"unknown model {body.model[:60]!r}; use one of {', '.join(MODELS)}", field="model"
        )
    voice = resolve_voice(body.voice, settings, catalog)
    if not MIN_SPEED <= body.speed <= MAX_SPEED:
        raise InputError(
            f"speed {body.speed} is outside what this engine speaks ({MIN_SPEED}–{MAX_SPEED})",
            field="speed",
        )
    article = prepare_article(
        body.input,
        ArticleMeta(language=voice.language.split("_")[0]),
        InputFormat.TEXT,
        STREAM_CHUNK_CHARS,
        lexicon=settings.article_lexicon(None),
        extract=body.extract,
    )
    quotas: SubmitQuotas = request.app.state.quotas
    quotas.check(caller.key_id)
    engine = speech_engine(request)
    release = engine.claim()
    try:
        stream = SpeechStream(
            engine.pool(voice),
            voice,
            quick_start(article.chunks),
            body.response_format,
            engine.gain(voice),
            SynthesisSettings(speed=body.speed),
            on_end=release,
        )
    except BaseException:
        release()
        raise
    headers = {"X-Narrate-Voice": voice.id, "X-Narrate-Sample-Rate": str(STREAM_RATE)}
    audio = _relay(stream)
    if body.stream_format == "sse":
        return StreamingResponse(
            _sse(audio, len(body.input)), media_type="text/event-stream", headers=headers
        )
    return StreamingResponse(audio, media_type=body.response_format.mime, headers=headers)


@router.get("/models", summary="The model names the speech route accepts")
def list_models() -> dict[str, Any]:
    """OpenAI's list shape; `description` says what each name maps to."""
    return {
        "object": "list",
        "data": [
            {"id": name, "object": "model", "created": 0, "owned_by": OWNER, "description": d}
            for name, d in MODELS.items()
        ],
    }


@router.get("/audio/voices", summary="The voices the speech route accepts")
def list_speech_voices(settings: SettingsDep, catalog: CatalogDep) -> dict[str, Any]:
    """Narrate's voices by id, and OpenAI's names with the voice each speaks with."""
    own = [{"id": v, "object": "voice", "voice": v} for v in catalog.ids()]
    mapped = [
        {"id": name, "object": "voice", "voice": voice_id}
        for name, voice_id in openai_voice_map(settings).items()
    ]
    return {"object": "list", "data": own + mapped}


def close_engine(app: Any) -> None:
    """Stop the speech pool of `app`, if it was started (at the app's shutdown)."""
    engine: SpeechEngine | None = getattr(app.state, "speech", None)
    if engine is not None:
        engine.close()
