"""Narrate's one error hierarchy, and how each error reaches a caller.

    NarrateError                 anything Narrate raises on purpose              500 / exit 1
    ├── InputError               the caller's input cannot be used               422 / exit 2
    │   ├── EmptyInput           nothing, or nothing speakable, in the input
    │   ├── InputTooLarge        over the configured size limit                  413
    │   │   └── ImageTooLarge    feed artwork over the byte limit                413
    │   ├── LexiconError         a pronunciation lexicon that cannot be read
    │   ├── InvalidSSML          SSML that is malformed or outside the subset
    │   ├── UnsafeURL            a URL Narrate will not call (also a FetchError)
    │   ├── InvalidSetting       a setting (environment, `.env`) that cannot be used
    │   ├── InvalidFeedField     a feed slug, language, category, email or URL
    │   ├── InvalidImage         feed artwork that is not a usable JPEG/PNG
    │   └── UnknownFeed          a job names a feed that does not exist
    ├── VoiceNotFound            an unknown voice id; the message lists them      422 / exit 2
    ├── OutputError              the output cannot be written where asked              exit 2
    ├── NotFound                 no such thing (job, feed, episode)              404 / exit 2
    │   ├── JobNotFound
    │   ├── FeedNotFound         (also a private feed's wrong token: no leak)
    │   └── EpisodeNotFound
    ├── Conflict                 the request clashes with what is stored        409 / exit 2
    │   ├── NotReady             the job has no audio (yet)
    │   ├── IdempotencyConflict  an Idempotency-Key reused for another request
    │   ├── FeedExists           the slug is taken
    │   └── VoiceInUse           a voice to remove is the default or a job's
    ├── Unauthorized             a missing or wrong API key                      401 / exit 2
    ├── RangeNotSatisfiable      a byte range outside the file                   416
    ├── QuotaExceeded            too many jobs or submits for this key           429 / exit 1
    ├── QueueUnavailable         Redis cannot be reached to queue a job          503 / exit 1
    ├── FetchError               an outbound request got no usable answer        (webhooks: retried)
    │   ├── RedirectRefused      the server answered 3xx (redirects are not followed)
    │   └── ResponseTooLarge     the answer is over the size cap
    ├── VoiceInstallError        a voice download that cannot be verified (size, checksum)  exit 1
    ├── SynthesisError           Piper failed on a chunk                         failed job / exit 1
    ├── EncodingError            ffmpeg failed, or mastering missed its targets  failed job / exit 1
    └── JobFailed                a job ended `failed` or `cancelled` on the server      exit 1

The rule: the caller's fault (bad input, unknown things) is a 4xx and exit code 2; Narrate's
own failure (a server-side error, a failed job) is a 5xx or a `failed` job, and exit code 1.
`http_status` and `exit_code` on each class are the whole mapping: the API's handler
(`service.api.errors`) and the CLI (`service.cli`) read them and nothing else.

This module imports nothing of Narrate's: every layer (voices, the engine, the service) may
raise these errors.
"""

from __future__ import annotations

from typing import ClassVar, Final

EXIT_INPUT: Final = 2
"""Exit code for bad input of any kind (argparse uses 2 for usage errors too)."""
EXIT_FAILURE: Final = 1
"""Exit code when Narrate itself failed."""


class NarrateError(Exception):
    """Base class of every error Narrate raises on purpose."""

    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = EXIT_FAILURE
    field: str | None = None
    """The request field the error is about, when one is."""

    def __init__(self, message: str = "", field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


class InputError(NarrateError):
    """The caller's input cannot be used as given."""

    http_status = 422
    exit_code = EXIT_INPUT


class EmptyInput(InputError):
    """The input holds no text, or nothing that would be spoken."""


class InputTooLarge(InputError):
    """The input is larger than the configured limit."""

    http_status = 413
    field = "text"


class ImageTooLarge(InputTooLarge):
    """Artwork over the configured byte limit."""

    field = "image"


class LexiconError(InputError):
    """A pronunciation lexicon is malformed."""

    field = "lexicon"


class InvalidSSML(InputError):
    """SSML input that is not well-formed or uses elements outside the supported subset."""


class FetchError(NarrateError):
    """An outbound request did not give a usable answer (`service.fetch`)."""


class UnsafeURL(FetchError, InputError):
    """A URL Narrate will not call: not http(s), or its host is (or resolves to) an address
    that is not public. Raised at submit time by `check_public_url` (HTTP 422) and again at
    request time by `fetch`, after the name is resolved."""


class RedirectRefused(FetchError):
    """The server answered 3xx; redirects are not followed."""


class ResponseTooLarge(FetchError):
    """The response body is larger than the cap."""


class InvalidSetting(InputError):
    """A setting from the environment or `.env` that cannot be used."""


class InvalidFeedField(InputError):
    """A feed field that cannot be used as given."""


class InvalidImage(InputError):
    """Artwork that is not a usable JPEG or PNG."""

    field = "image"


class UnknownFeed(InputError):
    """A job names a feed that does not exist."""

    field = "feed"


class VoiceNotFound(NarrateError):
    """The requested voice id is not in the catalog."""

    http_status = 422
    exit_code = EXIT_INPUT
    field = "voice"

    def __init__(self, voice_id: str, available: list[str]) -> None:
        self.voice_id = voice_id
        self.available = available
        super().__init__(
            f"unknown voice {voice_id!r}; available voices: {', '.join(available) or 'none'}"
        )


class OutputError(NarrateError):
    """The output path cannot be written."""

    exit_code = EXIT_INPUT


class NotFound(NarrateError):
    """No such thing."""

    http_status = 404
    exit_code = EXIT_INPUT


class JobNotFound(NotFound):
    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        super().__init__(f"no job {job_id!r}")


class FeedNotFound(NotFound):
    """No feed with this slug (or the private feed's token is wrong: same answer, no leak)."""

    field = "feed"

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(f"no feed {slug!r}")


class EpisodeNotFound(NotFound):
    """No such episode in this feed."""


class SourceNotFound(NotFound):
    """No such article source (or another key's: the same answer)."""

    def __init__(self, source_id: str) -> None:
        self.source_id = source_id
        super().__init__(f"no source {source_id!r}")


class Conflict(NarrateError):
    """The request clashes with the state of what is stored."""

    http_status = 409
    exit_code = EXIT_INPUT


class NotReady(Conflict):
    """The job's files do not exist: it has not finished, or it failed or was cancelled."""


class IdempotencyConflict(Conflict):
    """The Idempotency-Key was used before with a different request body."""


class FeedExists(Conflict):
    """A feed with this slug exists already."""

    field = "slug"

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(f"a feed with slug {slug!r} exists already")


class VoiceInUse(Conflict):
    """The voice to remove is the default voice or is used by a queued or running job."""

    field = "voice"


class Unauthorized(NarrateError):
    """No API key, or one that is not configured."""

    http_status = 401
    exit_code = EXIT_INPUT


class RangeNotSatisfiable(NarrateError):
    http_status = 416

    def __init__(self, size: int) -> None:
        self.size = size
        super().__init__(f"the requested range is outside the file ({size} bytes)")


class QuotaExceeded(NarrateError):
    """Too many queued jobs or submits for this key; `retry_after` seconds until it eases."""

    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class QueueUnavailable(NarrateError):
    """The job could not be queued: Redis is unreachable (HTTP 503; submit again)."""

    http_status = 503


class VoiceInstallError(NarrateError):
    """A voice's files could not be downloaded whole, or do not match the index's size and
    checksum: nothing was installed."""


class SynthesisError(NarrateError):
    """Piper failed to synthesize a chunk."""


class EncodingError(NarrateError):
    """ffmpeg failed, or the delivered file missed the mastering targets."""


class JobFailed(NarrateError):
    """A job the server ran ended `failed` or `cancelled` (for `narrate submit --wait`)."""
