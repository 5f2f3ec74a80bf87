"""What the API reads and writes, split by role: `ArticleIn` in, `JobOut` out."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Annotated, Final, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, model_validator

from service.contract import JobRequest, resolve_disclosure
from service.store import Job, JobStatus
from workers.master import AudioFormat
from workers.pipeline import ISO_DATE_PATTERN
from workers.synthesis import MAX_SPEED, MIN_SPEED
from workers.text.prepare import InputFormat, Reading

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
    source_url: AnyHttpUrl | None = Field(
        default=None,
        description="The article's own URL (a CMS push). With `feed`, sending the same "
        "`source_url` again (an edited article) updates the same episode: same guid and URL, "
        "new audio, and only the changed paragraphs are synthesized again.",
    )
    read_title: bool | None = Field(
        default=None, description="Read the headline first (default: the feed's setting, else on)."
    )
    read_byline: bool | None = Field(
        default=None,
        description='Read "By NAME" after it (default: the feed\'s setting, else on).',
    )
    disclosure: Literal["start", "end", "none"] | None = Field(
        default=None,
        description='Speak "This audio was created with AI assistance." at the start or the '
        "end; default: as the `feed` says (`start` unless changed), else not spoken.",
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
        self,
        voice: str,
        owner: str | None,
        reading: Reading | None = None,
        feed_disclosure: str | None = None,
    ) -> JobRequest:
        """The job's request, with the voice resolved (the default when none was asked),
        the head's reading (as asked, else `reading`, the feed's, else on) and the
        disclosure (the request's, else `feed_disclosure`, the feed's)."""
        as_given = self.model_dump(include=JobRequest.FROM_ARTICLE)
        default = reading or Reading()
        as_given["read_title"] = default.read_title if self.read_title is None else self.read_title
        as_given["read_byline"] = (
            default.read_byline if self.read_byline is None else self.read_byline
        )
        source_url = str(self.source_url) if self.source_url else None
        return JobRequest(
            source_url=source_url,
            episode_guid=pushed_episode_guid(owner, self.feed, source_url),
            disclosure=resolve_disclosure(self.disclosure, feed_disclosure),
            source=self.source,
            input_format=InputFormat.TEXT if self.text is not None else InputFormat.HTML,
            voice=voice,
            callback_url=str(self.callback_url) if self.callback_url else None,
            lexicon=tuple(e.model_dump() for e in self.lexicon or ()),
            owner=owner,
            **as_given,
        )


def pushed_episode_guid(owner: str | None, feed: str | None, source_url: str | None) -> str | None:
    """The guid of the episode a pushed article makes: one per (tenant, feed, article URL),
    so a CMS that pushes an edited article updates its episode rather than adding one."""
    if not (feed and source_url):
        return None
    digest = hashlib.sha256(f"{owner or ''}\n{feed}\n{source_url}".encode()).hexdigest()
    return f"narrate-article-{digest[:32]}"


class Links(BaseModel):
    self: str
    page: str = Field(description="The listening page: progress, then the player.")
    audio: str | None = None
    transcript: str | None = None
    timings: str | None = None
    speechmarks: str | None = None


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
    created_at: datetime = Field(description="ISO 8601, UTC.")
    started_at: datetime | None = Field(description="ISO 8601, UTC; null while queued.")
    finished_at: datetime | None = Field(description="ISO 8601, UTC; null until it ends.")
    progress: Progress
    title: str | None = None
    voice: str = Field(description="The voice it is read with (the default when none asked).")
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


class ErrorDetail(BaseModel):
    """One thing wrong with a request."""

    type: str = Field(description="What kind of error, in snake_case (`missing`, `not_found`).")
    message: str = Field(description="What is wrong, in words for a person.")
    field: str | None = Field(
        description="Where: a dotted path into the JSON body (`speed`, `lexicon.0.word`), "
        "a query parameter or header name; `body` for the body as a whole; null when no one "
        "field is wrong."
    )


class ErrorOut(ErrorDetail):
    """Every error answer (4xx and 5xx), from every route: what went wrong and where. The
    top level is the first (or only) error; `errors` lists them all."""

    errors: list[ErrorDetail] = Field(description="Every error found, the first one first.")


def timestamp(epoch: float | None) -> datetime | None:
    """An epoch time as an aware UTC datetime (JSON: ISO 8601), to the millisecond."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(round(epoch, 3), UTC)


def job_links(base: str, job: Job) -> Links:
    url = f"{base}/v1/jobs/{job.id}"
    done = job.status is JobStatus.DONE
    return Links(
        self=url,
        page=f"{base}/jobs/{job.id}",
        audio=f"{url}/audio" if done else None,
        transcript=f"{url}/transcript.vtt" if done else None,
        timings=f"{url}/timings.json" if done else None,
        speechmarks=f"{url}/speechmarks.jsonl" if done else None,
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
        created_at=timestamp(job.created_at),
        started_at=timestamp(job.started_at),
        finished_at=timestamp(job.finished_at),
        progress=_progress(job),
        title=job.title,
        voice=job.result.voice if job.result else req.voice,
        speed=req.speed,
        format=req.format,
        feed=req.feed,
        audio=audio,
        error=job.error,
        webhook=webhook,
        links=links,
    )
