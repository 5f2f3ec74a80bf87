"""`narrate submit`: a small client of the HTTP API (submit, wait, download)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, Final, TextIO

import httpx

from workers.errors import (
    Conflict,
    InputError,
    JobFailed,
    NarrateError,
    NotFound,
    QueueUnavailable,
    Unauthorized,
)

POLL_INTERVAL_S: Final = 1.0
TIMEOUT_S: Final = 30.0

_ANSWERS: Final[dict[int, type[NarrateError]]] = {
    401: Unauthorized,
    404: NotFound,
    409: Conflict,
    413: InputError,
    422: InputError,
}
"""The server's error answers as Narrate's own errors, so `narrate submit` exits as
`narrate convert` would (2 for the caller's input, 1 for a server-side failure)."""


def answer_error(status: int, message: str) -> NarrateError:
    cls = _ANSWERS.get(status) or (QueueUnavailable if status >= 500 else NarrateError)
    return cls(f"server answered {status}: {message}")


class NarrateClient:
    def __init__(self, server: str, api_key: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = httpx.Client(base_url=server.rstrip("/"), headers=headers, timeout=TIMEOUT_S)

    def _check(self, response: httpx.Response) -> httpx.Response:
        if response.is_error:
            try:
                message = response.json().get("message", response.text)
            except ValueError:
                message = response.text
            raise answer_error(response.status_code, message)
        return response

    def submit(self, article: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return self._check(self.http.post("/v1/jobs", json=article, headers=headers)).json()

    def job(self, job_id: str) -> dict[str, Any]:
        return self._check(self.http.get(f"/v1/jobs/{job_id}")).json()

    def wait(self, job_id: str, progress: TextIO | None = None) -> dict[str, Any]:
        while True:
            job = self.job(job_id)
            if progress is not None and progress.isatty():
                p = job["progress"]
                progress.write(f"\r{job['status']}: {p['chunks_done']}/{p['chunks_total']} chunks")
                progress.flush()
            if job["status"] in ("done", "failed", "cancelled"):
                if progress is not None and progress.isatty():
                    progress.write("\n")
                return job
            time.sleep(POLL_INTERVAL_S)

    def download(self, job_id: str, out: Path) -> int:
        partial = out.with_name(f".{out.name}.part")
        with self.http.stream("GET", f"/v1/jobs/{job_id}/audio") as response:
            self._check(response)
            with partial.open("wb") as fh:
                for block in response.iter_bytes():
                    fh.write(block)
        partial.replace(out)
        return out.stat().st_size

    def close(self) -> None:
        self.http.close()


def submit_article(
    server: str,
    article: dict[str, Any],
    api_key: str | None,
    wait: bool,
    out: Path | None,
) -> int:
    client = NarrateClient(server, api_key)
    try:
        accepted = client.submit(article)
        links = accepted["links"]
        print(f"job {accepted['id']} {accepted['status']}: {links.get('page') or links['self']}")
        if not (wait or out):
            return 0
        job = client.wait(accepted["id"], sys.stderr)
        if job["status"] != "done":
            raise JobFailed(f"job {job['id']} {job['status']}: {job.get('error')}")
        audio = job["audio"]
        target = out or Path(f"{job['id']}.{audio['format']}")
        size = client.download(job["id"], target)
        print(
            f"{target}: {audio['duration_seconds']:.1f} s of audio, {size} bytes, "
            f"{audio['integrated_lufs']:.1f} LUFS"
        )
        return 0
    finally:
        client.close()
