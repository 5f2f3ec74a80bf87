"""One settings object for API, worker and CLI, read from the environment and `.env`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from pydantic import (
    AliasChoices,
    ByteSize,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from workers.text.lexicon import Lexicon

from voices.catalog import DEFAULT_VOICE_ID, VoiceCatalog
from workers.cores import usable_cores
from workers.errors import InvalidSetting
from workers.text.dates_en import DEFAULT_DATE_ORDER, DateOrder

SQLITE_FILE: Final = "narrate.db"
STORAGE_DIR: Final = "storage"
INSTALLED_VOICES_DIR: Final = "voices"


def _split_keys(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


class Settings(BaseSettings):
    """Read once per process and passed in (`create_app(settings)`, `create_celery(settings)`).

    Every field is read from `NARRATE_<FIELD>`; the two connection strings also from the
    conventional `REDIS_URL` and `DATABASE_URL`.
    """

    model_config = SettingsConfigDict(
        env_prefix="NARRATE_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Path("data")
    """Where the SQLite file and stored audio live by default."""

    voices_dir: str = ""
    """Extra directories of `.onnx` + `.onnx.json` voices, separated by `os.pathsep`
    (`NARRATE_VOICES_DIR`)."""

    voice_index_url: str = "https://huggingface.co/rhasspy/piper-voices/resolve/v1.0.0/voices.json"
    """Piper's voice index (`voices.json`); model files are fetched from paths relative to
    it. A mirror's URL serves a site without internet access (`NARRATE_VOICE_INDEX_URL`)."""

    voice_download_timeout_s: float = Field(default=900.0, gt=0)
    """The whole download of one voice file (a model is 20-120 MB)."""

    default_voice: str = DEFAULT_VOICE_ID
    mp3_kbps: int = Field(default=64, ge=64, le=320)
    max_article_chars: int = Field(default=200_000, gt=0)
    date_order: DateOrder = DEFAULT_DATE_ORDER
    """How an all-numeric date that its numbers leave open ("03/04/2019") is read:
    `mdy` (US style, March 4) or `dmy` (UK, Indian, Australian style, 3 April)."""

    lexicon_file: Path | None = None
    """Deployment-wide pronunciation lexicon (`.tsv` or `.json`), applied to every article."""
    """Longer articles are refused with 413."""

    max_body_bytes: int = Field(default=2_000_000, gt=0)
    """Request bodies larger than this are refused with 413 before they are parsed."""

    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "NARRATE_REDIS_URL")
    )
    """Broker and result backend. None: `narrate run` starts an embedded Redis."""

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "NARRATE_DATABASE_URL")
    )
    """SQLAlchemy URL; None: a SQLite file in `data_dir`."""

    storage_dir: Path | None = None
    """Where audio and chunk caches are stored; None: `data_dir/storage`."""

    storage_url: str | None = None
    """`file:///path` or `s3://bucket/prefix` (S3, MinIO, R2, ...: the standard `AWS_*`
    variables give endpoint, keys and region); None: the directory `storage_dir`. Workers on
    several machines need object storage: they share no disk."""

    storage_redirect: bool | None = None
    """Audio downloads and feed enclosures answer with a redirect to a presigned URL on the
    object store (true) or are streamed by the API with Range (false); None: redirect when
    the storage is S3. HEAD is always answered by the API, with the exact length."""

    storage_url_expires_s: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    """How long a presigned audio URL stays valid."""

    storage_public_endpoint: str | None = None
    """The object store's endpoint as listeners reach it, for presigned URLs (e.g.
    `https://media.example.org`); None: `AWS_ENDPOINT_URL`, the one the workers use."""

    chunk_cache_max_bytes: ByteSize = ByteSize(2 * 1024**3)
    """Size bound of the cached chunk audio (`2GiB`, `500MB` or bytes): after finished jobs,
    and on `narrate cache prune`, the least recently used chunks are removed to fit, never
    those of a queued or running job. 0: unbounded, never pruned automatically."""

    api_keys: str = ""
    """Comma-separated bearer keys; empty (and no admin keys): the API is open (local use).
    Each key is a tenant: it reaches only the jobs and feeds it created."""

    admin_api_keys: str = ""
    """Comma-separated bearer keys that see and manage every key's jobs and feeds (valid
    keys too: they need not be repeated in `api_keys`)."""

    max_active_jobs_per_key: int = Field(default=20, ge=0)
    """Queued and running jobs one key may have at once; a submit over it gets 429 with
    `Retry-After`. An open API is one tenant: the cap is then global. 0: no cap."""

    submits_per_minute: int = Field(default=60, ge=0)
    """Submits one key may make in any 60 seconds (shared by every API process through
    Redis); over it, 429 with `Retry-After`. An open API: all callers together. 0: no limit."""

    public_base_url: str | None = None
    """Base of the links the API hands out (e.g. `https://narrate.example.org`);
    None: taken from each request."""

    webhook_secret: str = ""
    """Key of the HMAC-SHA256 signature on webhook calls; empty: calls go unsigned."""

    webhook_attempts: int = Field(default=6, ge=1)
    webhook_backoff_s: float = Field(default=2.0, gt=0)
    """First retry delay; it doubles with every attempt."""

    webhook_timeout_s: float = Field(default=10.0, gt=0)
    """Total time for one webhook call (connect, send, the whole answer), not per read."""

    allow_private_urls: bool = False
    """Let outbound requests (webhooks, fetching) reach loopback, private and link-local
    addresses: for intranets and tests. Off: only public addresses are called."""

    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        validation_alias=AliasChoices(
            "forwarded_allow_ips", "NARRATE_FORWARDED_ALLOW_IPS", "FORWARDED_ALLOW_IPS"
        ),
    )
    """Peers whose `X-Forwarded-Proto/-Host/-Prefix` are trusted (uvicorn's
    `--forwarded-allow-ips`): comma-separated addresses or CIDR networks, `*` for any.
    Only used when `public_base_url` is unset."""

    worker_niceness: int = Field(default=10, ge=0, le=19)
    """Synthesis runs at this `nice` level, so the API (and a person's shell) on the same
    machine stay responsive while the workers keep every core busy."""
    worker_concurrency: int = Field(default_factory=usable_cores, ge=1)
    """Worker processes per `narrate worker` (one per core, 1 onnxruntime thread each)."""

    task_soft_time_limit_s: int = Field(default=300, gt=0)
    task_time_limit_s: int = Field(default=360, gt=0)
    task_max_retries: int = Field(default=5, ge=0)
    visibility_timeout_s: int = Field(default=600, gt=0)
    """Unacknowledged tasks of a worker that died are handed out again after this long."""

    stall_after_s: float = Field(default=1800.0, gt=0)
    """A queued or running job that made no progress for this long is re-queued by the
    watchdog (`NARRATE_STALL_AFTER_S`); longer than any one task may run, queue wait
    included, so a busy queue is not mistaken for a dead worker."""
    stall_requeues: int = Field(default=2, ge=0)
    """Re-queues of a stalled job before the watchdog fails it."""
    watchdog_interval_s: float = Field(default=60.0, gt=0)
    """How often each API process looks for stalled jobs."""

    queue_name: str = "narrate"

    log_format: Literal["text", "json"] = "text"
    """`text`: a line a person reads; `json`: one JSON object per line, for a log pipeline
    (`NARRATE_LOG_FORMAT=json` in production)."""
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    """`debug` adds every request (polls and static files included) and each chunk."""

    @field_validator("log_format", "log_level", mode="before")
    @classmethod
    def _lower(cls, value: object, info: ValidationInfo) -> object:
        """Any case; an empty variable is an unset one."""
        if isinstance(value, str):
            return value.strip().lower() or cls.model_fields[info.field_name or ""].default
        return value

    source_tick_s: float = Field(default=30.0, gt=0)
    """How often Celery beat looks for article sources due a poll (each source has its own
    interval; this is the finest it can be)."""
    source_min_interval_s: float = Field(default=300.0, gt=0)
    """The shortest polling interval a source may ask for."""
    source_fetch_timeout_s: float = Field(default=15.0, gt=0)
    """Total time for fetching one source listing, robots.txt or article page."""
    source_max_page_bytes: int = Field(default=3_000_000, gt=0)
    """Article pages (and source listings) larger than this are not read: the item fails."""
    source_max_items: int = Field(default=50, gt=0)
    """At most this many items of a listing are looked at per poll (the first listed)."""
    source_retry_after_s: float = Field(default=3600.0, ge=0)
    """A failed item is tried again after this long (at once when its listing changes)."""
    beat_schedule_file: Path | None = None
    """Where `narrate beat` keeps its schedule; None: `data_dir/celerybeat-schedule`."""

    speech_processes: int = Field(default_factory=usable_cores, ge=1)
    """Synthesis processes of `POST /v1/audio/speech` in each API process (started at its
    first request, shared by every stream; 1 onnxruntime thread each)."""
    speech_streams: int = Field(default=2, ge=1)
    """Speech streams one API process serves at once; one more gets 429 with `Retry-After`."""
    openai_voices: str = ""
    """OpenAI voice names mapped to voices of the catalog (`alloy=en_US-amy-medium,...`);
    a name not mapped here speaks with `default_voice`."""

    def voice_dirs(self) -> list[Path]:
        return [Path(d) for d in self.voices_dir.split(os.pathsep) if d]

    def deployment_lexicon(self) -> Lexicon | None:
        """The lexicon file's entries, checked against the voice's phonemes (None if unset)."""
        if self.lexicon_file is None:
            return None
        from workers.text.lexicon import Lexicon

        return Lexicon.load(self.lexicon_file)

    def article_lexicon(self, own: Lexicon | None) -> Lexicon | None:
        """The lexicon an article is read with: the deployment's, with the article's own
        entries (request or `--lexicon`) winning. The CLI and the workers both use this."""
        deployment = self.deployment_lexicon()
        return deployment.merged(own) if deployment else own

    def installed_voices_dir(self) -> Path:
        """Where `narrate voices add` installs voices: `data_dir/voices`."""
        return self.data_dir / INSTALLED_VOICES_DIR

    def voice_catalog(self) -> VoiceCatalog:
        return VoiceCatalog.discover(self.voice_dirs(), self.installed_voices_dir())

    def api_key_list(self) -> list[str]:
        """Every valid key, admin keys included; empty: the API is open."""
        return _split_keys(self.api_keys) + self.admin_api_key_list()

    def admin_api_key_list(self) -> list[str]:
        return _split_keys(self.admin_api_keys)

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir.resolve() / SQLITE_FILE}"

    def resolved_storage_dir(self) -> Path:
        return self.storage_dir or self.data_dir / STORAGE_DIR

    def required_redis_url(self) -> str:
        if not self.redis_url:
            raise RuntimeError("REDIS_URL is not set (only `narrate run` starts its own Redis)")
        return self.redis_url

    def to_env(self) -> dict[str, str]:
        """These settings as environment variables, for a child process (`narrate worker`)."""
        env: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None:
                continue
            if name == "redis_url":
                env["REDIS_URL"] = str(value)
            elif name == "database_url":
                env["DATABASE_URL"] = str(value)
            else:
                env[f"NARRATE_{name.upper()}"] = str(value)
        return env


def load_settings() -> Settings:
    """The settings of this process; `InvalidSetting` names the variable that is wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{_variable(error['loc'])}: {error['msg']}" for error in exc.errors()[:3]
        )
        raise InvalidSetting(f"invalid setting {problems}") from None


def _variable(loc: tuple[int | str, ...]) -> str:
    name = str(loc[0]) if loc else "?"
    return {"redis_url": "REDIS_URL", "database_url": "DATABASE_URL"}.get(
        name, f"NARRATE_{name.upper()}"
    )
