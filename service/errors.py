"""Errors of the service shell, under the engine's `NarrateError` (see `workers.errors`).

    NarrateError
    ├── JobNotFound              no job with that id (HTTP 404)
    ├── NotReady                 the job has no audio (yet): still running, failed or cancelled
    ├── Unauthorized             a missing or wrong API key (HTTP 401)
    ├── IdempotencyConflict      an Idempotency-Key reused for a different request (HTTP 409)
    ├── RangeNotSatisfiable      a byte range outside the file (HTTP 416)
    └── QueueUnavailable         Redis cannot be reached to queue a job (HTTP 503)

All are converted to HTTP in `service.api.errors`, with the engine's own errors.
"""

from __future__ import annotations

from workers.errors import NarrateError


class JobNotFound(NarrateError):
    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        super().__init__(f"no job {job_id!r}")


class NotReady(NarrateError):
    """The job's files do not exist: it has not finished, or it failed or was cancelled."""


class Unauthorized(NarrateError):
    """No API key, or one that is not configured."""


class IdempotencyConflict(NarrateError):
    """The Idempotency-Key was used before with a different request body."""


class RangeNotSatisfiable(NarrateError):
    def __init__(self, size: int) -> None:
        self.size = size
        super().__init__(f"the requested range is outside the file ({size} bytes)")


class QueueUnavailable(NarrateError):
    """The job could not be queued: Redis is unreachable (HTTP 503; submit again)."""
