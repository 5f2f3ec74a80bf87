"""The job contract between the API and the workers: what was asked, and what was delivered.

A `JobRequest` is validated once, at submit (the default voice resolved, the speed parsed,
the lexicon checked), stored as JSON and read back as the same object by every task. A
`JobResult` is what `finish` records. Neither carries a storage key: `service.keys` builds
those from the job id and the format.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from voices.catalog import DEFAULT_VOICE_ID
from workers.master import AudioFormat
from workers.synthesis import SynthesisSettings
from workers.text.prepare import ArticleMeta, Disclosure, InputFormat, Reading


@dataclass(frozen=True)
class JobRequest:
    """One article to narrate, as validated at submit."""

    source: str
    """The article: plain text (or light Markdown), or an HTML page."""

    input_format: InputFormat
    """How `source` is read: `text` or `html`."""

    voice: str
    """The voice id, resolved at submit (the default voice when none was asked for)."""

    speed: float = 1.0
    """Speaking rate (Piper's length scale is its inverse)."""

    format: AudioFormat = AudioFormat.MP3
    """The delivered file's format."""

    language: str = "en"
    title: str | None = None
    """As given; the delivered title falls back to the article's headline (`ArticleInfo`)."""

    author: str | None = None
    publication: str | None = None
    date: str | None = None
    """Publication date (ISO 8601: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`) for the tags."""

    feed: str | None = None
    """Slug of the podcast feed the finished job becomes an episode of."""

    callback_url: str | None = None
    """Called with the job's public representation when the job ends."""

    lexicon: tuple[dict[str, Any], ...] = ()
    """The request's own pronunciation entries (`word`, `replacement`, `case_sensitive`)."""

    owner: str | None = None
    """The id of the API key that submitted the job (never the key itself)."""

    source_url: str | None = None
    """The article's own address (a CMS push, or a source's item): the episode's link."""

    episode_guid: str | None = None
    """The feed episode this job makes or updates: a job with the guid of an existing
    episode replaces its audio (same guid and URL), so an edited article stays one episode."""

    read_title: bool = True
    """Read the headline first (the request's, the feed's setting, else on)."""

    read_byline: bool = True
    """Read "By NAME" after the headline when the author is known (older requests: on)."""

    disclosure: str | None = None
    """Speak the AI disclosure at the `start` or `end` (None: not at all)."""

    FROM_ARTICLE: ClassVar[frozenset[str]] = frozenset(
        {"speed", "format", "language", "title", "author", "publication", "date", "feed"}
        | {"read_title", "read_byline"}
    )
    """The fields taken from the submitted article as they are."""

    def meta(self) -> ArticleMeta:
        return ArticleMeta(self.title, self.author, self.publication, self.date, self.language)

    def reading(self) -> Reading:
        return Reading(
            read_title=self.read_title,
            read_byline=self.read_byline,
            disclosure=Disclosure(self.disclosure) if self.disclosure else None,
        )

    def synthesis(self) -> SynthesisSettings:
        return SynthesisSettings(speed=self.speed)

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["input_format"] = self.input_format.value
        data["format"] = self.format.value
        data["lexicon"] = list(self.lexicon)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobRequest:
        if "source" not in data:
            data = _request_of_version_0(data)
        return cls(
            **{
                **data,
                "input_format": InputFormat(data["input_format"]),
                "format": AudioFormat(data["format"]),
                "lexicon": tuple(data.get("lexicon") or ()),
            }
        )


def resolve_disclosure(asked: str | None, feed_default: str | None) -> str | None:
    """Where the disclosure is spoken: as asked (`start`, `end`, `none`), else as the feed
    says (podcast feeds: `start` by default), else not at all. None: not spoken."""
    where = asked or feed_default
    return None if where in (None, "none") else where


@dataclass(frozen=True)
class ArticleInfo:
    """What `prepare` learned about the article: the metadata the delivered file carries."""

    title: str
    """The request's title, else the extracted headline, else the first sentence (shortened)."""

    author: str | None = None
    publication: str | None = None
    date: str | None = None

    @classmethod
    def of(cls, meta: ArticleMeta) -> ArticleInfo:
        return cls(meta.title or "", meta.author, meta.publication, meta.date)

    def meta(self, language: str) -> ArticleMeta:
        return ArticleMeta(self.title, self.author, self.publication, self.date, language)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArticleInfo:
        return cls(**data)


@dataclass(frozen=True)
class JobResult:
    """The delivered audio of a finished job, as measured on the file."""

    format: AudioFormat
    etag: str
    """The first 32 hex digits of the file's SHA-256."""

    size: int
    duration: float
    """Seconds."""

    integrated_lufs: float
    true_peak_dbtp: float
    voice: str
    sentences: int
    chapters: int = 0

    @property
    def mime(self) -> str:
        return self.format.mime

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["format"] = self.format.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobResult:
        known = {f.name for f in dataclasses.fields(cls)}  # 0.1 also stored mime, audio_key
        fields = {k: v for k, v in data.items() if k in known}
        return cls(**{**fields, "format": AudioFormat(data["format"])})


def _request_of_version_0(data: dict[str, Any]) -> dict[str, Any]:
    """A request stored by Narrate 0.1 (the submitted article as it came) in today's shape,
    so jobs made before an upgrade stay readable."""
    html = data.get("html")
    fields = {f.name for f in dataclasses.fields(JobRequest)}
    return {
        **{k: v for k, v in data.items() if k in fields},
        "source": html if html is not None else data.get("text", ""),
        "input_format": (InputFormat.HTML if html is not None else InputFormat.TEXT).value,
        "voice": data.get("voice") or DEFAULT_VOICE_ID,
        "format": data.get("format", AudioFormat.MP3.value),
    }
