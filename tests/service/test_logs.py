"""Logs a person can read and nobody can mine: secrets never reach a log line (a property
of the redacting filter, then the whole `narrate run` with a real worker), JSON lines parse,
a job is one line per transition, polls are debug lines."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from service.embedded_redis import free_port
from service.logs import FIELDS_ATTR, JsonFormatter, RedactSecrets, TextFormatter
from service.serve import WORKER_MAIN
from tests.service.conftest import make_settings
from tests.utils.services import ROOT, SHORT_ARTICLE, wait_for

SECRET = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~", min_size=8
).filter(lambda s: s.strip("-_.~"))
"""Token-like values (feed tokens are URL-safe base64; API keys are whatever people pick)."""

SHAPES: Final = (
    ('%s "%s %s" %d', ("127.0.0.1", "GET", "/feeds/news.xml?token={s}", 200)),
    ('%s "%s %s" %d', ("127.0.0.1", "GET", "/feeds/news?page=2&token={s}&x=1", 200)),
    ("GET /v1/jobs/abc?api_key={s} 401", ()),
    ("headers: {{'authorization': 'Bearer {s}', 'accept': '*/*'}}", ()),
    ("Authorization: Basic {s}", ()),
    ("connecting to redis://:{s}@cache.internal:6379/0", ()),
    ("postgresql+psycopg://narrate:{s}@db/narrate refused", ()),
    ("Narrate-Signature: t=1,v1={s}", ()),
)


def _formatted(record: logging.LogRecord, secrets: list[str]) -> tuple[str, str]:
    """The record as the text and the JSON handler write it, through the redacting filter."""
    lines = []
    for formatter in (TextFormatter(), JsonFormatter()):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter)
        handler.addFilter(RedactSecrets(secrets))
        clone = logging.makeLogRecord(record.__dict__)
        handler.handle(clone)
        lines.append(stream.getvalue())
    return lines[0], lines[1]


@settings(deadline=None)  # a shared CI machine may be slow to format one traceback
@given(secret=SECRET, shape=st.sampled_from(SHAPES), noise=st.text(max_size=30))
@example(secret="s3cr3t-feed-token", shape=SHAPES[0], noise="")
def test_no_secret_survives_formatting(
    secret: str, shape: tuple[str, tuple[Any, ...]], noise: str
) -> None:
    """Whatever the token, in a query, a header, a URL's password, or as a configured key
    quoted anywhere (message, arguments, structured fields, a traceback): the written line
    (text and JSON) does not contain it, and the JSON line parses."""
    assume(secret not in noise)  # the noise is the part no pattern may touch
    template, args = shape
    if args:
        message = template
        args = tuple(a.format(s=secret) if isinstance(a, str) else a for a in args)
    else:
        message, args = noise + template.format(s=secret), ()
    try:
        raise RuntimeError(f"refused key {secret}")
    except RuntimeError:
        exc_info = sys.exc_info()
    for configured in ([secret], []):
        record = logging.LogRecord("t", logging.INFO, __file__, 1, message, args, exc_info)
        fields = {"path": f"/x?token={secret}"}
        if configured:  # a configured secret is found anywhere: a bare value, a traceback
            fields["key"] = secret
        setattr(record, FIELDS_ATTR, fields)
        text, line = _formatted(record, configured)
        if configured:
            assert secret not in text and secret not in line
        else:  # unconfigured: found by where it stands (the message and fields)
            assert secret not in text.split("Traceback")[0]
            parsed = json.loads(line)
            assert secret not in parsed["message"] and secret not in parsed["path"]
        assert json.loads(line)["level"] == "info"


@pytest.mark.parametrize(
    "line",
    [
        '1.2.3.4 "GET /v1/jobs/ab?wait=1" 200',
        "a basic rule applies to the token count",
        "Idempotency-Key: article-1",
        "job 1f73 done chunks=3 rtf=0.31",
    ],
)
def test_ordinary_lines_are_left_alone(line: str) -> None:
    record = logging.LogRecord("narrate", logging.INFO, __file__, 1, "%s", (line,), None)
    text, json_line = _formatted(record, ["a-configured-key"])
    assert text.rstrip("\n").endswith(f"narrate: {line}")
    assert json.loads(json_line)["message"] == line


# --- the whole service ----------------------------------------------------------------------

API_KEY: Final = "narrate-test-key-7Hq2mZ"
WEBHOOK_SECRET: Final = "whsec-test-9Lp4Xr"


class RunningService:
    """`narrate run` (API + worker pool) as a user starts it, its output in one file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER_MAIN, "run", "--port", str(self.port)],
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)
        wait_for(self._ready, 90, f"narrate run to serve (log: {log_path})", every=0.3)

    def _ready(self) -> bool:
        assert self.process.poll() is None, self.log_path.read_text()[-3000:]
        if b" ready." not in self.log_path.read_bytes():
            return False
        try:
            return self.http.get("/readyz").status_code == 200
        except httpx.TransportError:
            return False

    def stop(self) -> str:
        self.http.close()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(60)
        self.log.close()
        return self.log_path.read_text()


def test_a_session_logs_no_secret_and_one_line_per_transition(
    tmp_path: Path, redis_url: str
) -> None:
    run_settings = make_settings(
        tmp_path,
        redis_url=redis_url,
        api_keys=API_KEY,
        webhook_secret=WEBHOOK_SECRET,
        log_format="json",
        log_level="debug",  # every line there is: polls, static files, chunks, Celery's
        worker_concurrency=1,
    )
    service = RunningService(run_settings.to_env(), tmp_path / "run.log")
    try:
        http = service.http
        auth = {"Authorization": f"Bearer {API_KEY}"}
        created = http.post(
            "/v1/feeds",
            headers=auth,
            json={
                "slug": "members",
                "title": "Members",
                "description": "For members.",
                "author": "Desk",
                "owner_name": "Desk",
                "owner_email": "desk@example.org",
                "private": True,
            },
        )
        assert created.status_code == 201, created.text
        token = created.json()["token"]
        assert http.get("/feeds/members.xml", params={"token": token}).status_code == 200
        assert http.get("/feeds/members", params={"token": token}).status_code == 200
        job = http.post(
            "/v1/jobs", headers=auth, json={"text": SHORT_ARTICLE, "speed": 2.0, "feed": "members"}
        ).json()
        bad = http.post("/v1/jobs", headers=auth, json={"text": "* * * ... !!!"}).json()
        assert http.get(f"/jobs/{job['id']}").status_code == 200
        assert http.get("/static/player.js").status_code == 200

        def ended(job_id: str) -> bool:
            http.get(f"/listen/{job_id}/status")  # as the player page polls
            status = http.get(f"/v1/jobs/{job_id}", headers=auth).json()["status"]
            return status in ("done", "failed")

        wait_for(lambda: ended(job["id"]) and ended(bad["id"]), 120, "both jobs", every=0.3)
        # A key put where it does not belong (the query) is still not written down.
        assert http.get(f"/v1/jobs/{job['id']}", params={"api_key": API_KEY}).status_code == 401
        assert http.get("/metrics").status_code == 200
    finally:
        output = service.stop()

    for secret in (API_KEY, token, WEBHOOK_SECRET):
        assert secret not in output
    records = []
    for line in output.splitlines():
        if line in ("", "worker: Warm shutdown (MainProcess)"):
            continue  # Celery prints this one itself (after a blank line), straight to stdout
        records.append(json.loads(line))  # every other line is one JSON object

    def job_lines(job_id: str) -> dict[str, dict[str, Any]]:
        return {r["status"]: r for r in records if r.get("job") == job_id and "status" in r}

    done = job_lines(job["id"])
    assert list(done) == ["queued", "running", "done"]
    assert done["done"]["chunks"] >= 1 and done["done"]["rtf"] > 0
    assert done["done"]["took_s"] > 0 and "cached" in done["done"]
    failed = job_lines(bad["id"])
    assert list(failed) == ["queued", "failed"] and failed["failed"]["level"] == "warning"
    assert "no speakable text" in failed["failed"]["message"]
    assert not any("succeeded" in r["message"] for r in records)
    assert not any("SecurityWarning" in r["message"] for r in records)
    # Celery's own lines (debug: a task received, ran) name the job by its task id.
    celery = [
        r for r in records if r["logger"].startswith("celery") and "Task narrate." in r["message"]
    ]
    assert celery and all(job["id"] in r["message"] or bad["id"] in r["message"] for r in celery)
    access = [r for r in records if r["logger"] == "narrate.access"]
    levels = {(r["method"], r["route"]): r["level"] for r in access if r["status"] < 400}
    assert levels[("GET", "/listen/{job_id}/status")] == "debug"
    assert levels[("GET", "/v1/jobs/{job_id}")] == "debug"
    assert levels[("GET", "/static")] == "debug"
    assert levels[("POST", "/v1/jobs")] == "info"
    assert levels[("GET", "/feeds/{slug}.xml")] == "info"
    assert all(job["id"] not in r["route"] for r in access)
