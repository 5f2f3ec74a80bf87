"""What the API reads and writes, split by role: `ArticleIn` in, `JobOut` out."""

from __future__ import annotations

import time
from typing import Annotated, Any, Final

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, model_validator

from service.contract import JobRequest
from service.store import Job, JobStatus
from workers.master import AudioFormat
from workers.pipeline import ISO_DATE_PATTERN
from workers.synthesis import MAX_SPEED, MIN_SPEED
from workers.text.prepare import HeadReading, InputFormat

SLUG_PATTERN: Final = r"^[a-z0-9][a-z0-9-]{0,62}$"
LANGUAGE_PATTERN: Final = r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$"

EXAMPLE_ARTICLE: Final = {
    "text": (
        "Harbor Bridge Reopens After Repairs\n\n"
        "The Harbor Bridge reopened on Nov. 21 after a $1.5 billion repair. "
        "Dr. Ana Ruiz, the city engineer, said traffic would return to normal by Friday."
    ),
    "title": "Harbor Bridge Reopens After Repairs",
    "author": "Sam Lee",
    "publication": "The Daily Example",
    "voice": "en_US-joe-medium",
    "speed": 1.0,
    "format": "mp3",
    "callback_url": "https://cms.example.org/hooks/narrate",
    "lexicon": [{"word": "Ruiz", "replacement": "Roo-eess"}],
}


class LexiconEntryIn(BaseModel):
    """A pronunciation fix for this article: `word` is read as `replacement`."""

    model_config = ConfigDict(extra="forbid")

    word: Annotated[str, Field(min_length=1, max_length=200)]
    replacement: Annotated[str, Field(min_length=1, max_length=500)]
    case_sensitive: bool = False


class ArticleIn(BaseModel):
    """An article to narrate: exactly one of `text` or `html`, plus optional metadata."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_ARTICLE]})

    text: str | None = Field(default=None, description="Plain text (or light Markdown).")
    html: str | None = Field(default=None, description="An HTML page; the story is extracted.")
    title: Annotated[str | None, Field(max_length=500)] = None
    author: Annotated[str | None, Field(max_length=500)] = None
    publication: Annotated[str | None, Field(max_length=500)] = None
    date: Annotated[
        str | None,
        Field(
            pattern=f"^{ISO_DATE_PATTERN}$",
            description="Publication date for the tags: YYYY-MM-DD, YYYY-MM or YYYY.",
        ),
    ] = None
    language: Annotated[str, Field(pattern=LANGUAGE_PATTERN, max_length=35)] = "en"
    voice: Annotated[str | None, Field(max_length=200, description="See GET /v1/voices.")] = None
    speed: Annotated[float, Field(ge=MIN_SPEED, le=MAX_SPEED, allow_inf_nan=False)] = 1.0
    format: AudioFormat = AudioFormat.MP3
    feed: Annotated[str | None, Field(pattern=SLUG_PATTERN, description="Feed slug.")] = None
    callback_url: AnyHttpUrl | None = Field(
        default=None, description="Called with the job's status JSON when it ends (signed)."
    )
    lexicon: Annotated[list[LexiconEntryIn] | None, Field(max_length=1000)] = None
    read_title: bool | None = Field(
        default=None, description="Read the headline first (default: the feed's setting, else on)."
    )
    read_byline: bool | None = Field(
        default=None,
        description='Read "By NAME" after it (default: the feed\'s setting, else on).',
    )

    @model_validator(mode="after")
    def _one_source(self) -> ArticleIn:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        if not (self.text or self.html or "").strip():
            raise ValueError(f"'{'text' if self.text is not None else 'html'}' is empty")
        return self

    @property
    def source(self) -> str:
        return self.text if self.text is not None else self.html or ""

    def to_request(
        self, voice: str, owner: str | None, reading: HeadReading | None = None
    ) -> JobRequest:
        """The job's request, with the voice resolved (the default when none was asked) and
        the head's reading resolved: as asked, else `reading` (the feed's), else on."""
        as_given = self.model_dump(include=JobRequest.FROM_ARTICLE)
        default = reading or HeadReading()
        as_given["read_title"] = default.read_title if self.read_title is None else self.read_title
        as_given["read_byline"] = (
            default.read_byline if self.read_byline is None else self.read_byline
        )
        return JobRequest(
            source=self.source,
            input_format=InputFormat.TEXT if self.text is not None else InputFormat.HTML,
            voice=voice,
            callback_url=str(self.callback_url) if self.callback_url else None,
            lexicon=tuple(e.model_dump() for e in self.lexicon or ()),
            owner=owner,
            **as_given,
        )


class Links(BaseModel):
    self: str
    audio: str | None = None
    transcript: str | None = None
    timings: str | None = None


class JobAccepted(BaseModel):
    """The answer to a submit: the job exists and is queued."""

    id: str
    status: JobStatus
    links: Links


class Progress(BaseModel):
    chunks_done: int
    chunks_total: int
    chunks_cached: int = Field(description="Chunks whose audio came from the cache.")
    percent: float
    eta_seconds: float | None = Field(description="From the speed measured so far.")


class AudioResult(BaseModel):
    url: str
    format: AudioFormat
    mime: str
    size_bytes: int
    duration_seconds: float
    integrated_lufs: float
    true_peak_dbtp: float
    voice: str


class WebhookState(BaseModel):
    attempts: int
    delivered: bool
    last_error: str | None


class JobOut(BaseModel):
    """A job as the caller sees it."""

    id: str
    status: JobStatus
    created_at: float
    started_at: float | None
    finished_at: float | None
    progress: Progress
    title: str | None = None
    voice: str | None = None
    speed: float
    format: AudioFormat
    feed: str | None = None
    audio: AudioResult | None = None
    error: str | None = Field(default=None, description="Why it failed, in words.")
    webhook: WebhookState | None = None
    links: Links


class VoiceOut(BaseModel):
    id: str
    language: str
    quality: str
    sample_rate: int
    source: str
    num_speakers: int
    speakers: list[str] = []
    """Speaker names of a multi-speaker model: ask for one as `id#speaker`."""
    default: bool
    size_bytes: int | None = None
    license: str | None = None
    preview_url: str | None = None
    text_rules: str = "full"
    """`full` where the language has normalization rules, `basic` (whitespace only) else."""


class ErrorOut(BaseModel):
    """Every error answer: what went wrong, and which field when a field did."""

    type: str
    message: str
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


def job_links(base: str, job: Job) -> Links:
    url = f"{base}/v1/jobs/{job.id}"
    done = job.status is JobStatus.DONE
    return Links(
        self=url,
        audio=f"{url}/audio" if done else None,
        transcript=f"{url}/transcript.vtt" if done else None,
        timings=f"{url}/timings.json" if done else None,
    )


def _progress(job: Job) -> Progress:
    total, done = job.chunks_total, job.chunks_done
    percent = 100.0 if job.status is JobStatus.DONE else (100.0 * done / total if total else 0.0)
    eta = None
    synthesized = done - job.chunks_cached
    if job.status is JobStatus.RUNNING and job.started_at and synthesized > 0 and total:
        elapsed = time.time() - job.started_at
        eta = round(elapsed / synthesized * (total - done), 1)
    return Progress(
        chunks_done=done,
        chunks_total=total,
        chunks_cached=job.chunks_cached,
        percent=round(percent, 1),
        eta_seconds=eta,
    )


def job_out(job: Job, base: str) -> JobOut:
    """The job's public representation: what `GET /v1/jobs/{id}` answers and the webhook
    posts. `base` is the public base URL ('' for links relative to the server's root)."""
    req = job.request
    links = job_links(base, job)
    audio = None
    if job.status is JobStatus.DONE and job.result:
        r = job.result
        audio = AudioResult(
            url=links.audio or "",
            format=r.format,
            mime=r.mime,
            size_bytes=r.size,
            duration_seconds=r.duration,
            integrated_lufs=r.integrated_lufs,
            true_peak_dbtp=r.true_peak_dbtp,
            voice=r.voice,
        )
    webhook = None
    if req.callback_url:
        webhook = WebhookState(
            attempts=job.webhook_attempts,
            delivered=job.webhook_delivered_at is not None,
            last_error=job.webhook_error,
        )
    return JobOut(
        id=job.id,
        status=job.status,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        progress=_progress(job),
        title=job.title,
        voice=req.voice,
        speed=req.speed,
        format=req.format,
        feed=req.feed,
        audio=audio,
        error=job.error,
        webhook=webhook,
        links=links,
    )
