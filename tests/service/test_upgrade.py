"""An upgrade keeps stored work: a database written by Narrate 0.1 (its schema as that
version created it, `data/schema-0.1.sql`, and rows in its formats) is brought up to date
when the service starts, and its jobs and feeds read and serve as before."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from tests.utils.services import SHORT_ARTICLE, Stack

SCHEMA_0_1 = Path(__file__).parent / "data" / "schema-0.1.sql"
OLD_REQUEST = {
    "text": SHORT_ARTICLE,
    "title": "Harbor news",
    "language": "en",
    "speed": 1.0,
    "format": "mp3",
    "feed": "old",
}
OLD_RESULT = {
    "format": "mp3",
    "mime": "audio/mpeg",
    "audio_key": "jobs/0123456789abcdef0123456789abcdef/audio.mp3",
    "etag": "e" * 32,
    "size": 1234,
    "duration": 5.5,
    "integrated_lufs": -19.0,
    "true_peak_dbtp": -1.5,
    "voice": "en_US-joe-medium",
    "sentences": 3,
}
JOB_ID = "0123456789abcdef0123456789abcdef"


def old_database(path: Path) -> None:
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_0_1.read_text())
    now = time.time()
    db.execute(
        "INSERT INTO jobs (id, status, request_hash, request, created_at, started_at, "
        "finished_at, chunks_total, chunks_done, chunks_cached, synthesis_seconds, result, "
        "webhook_attempts) VALUES (?, 'done', 'h', ?, ?, ?, ?, 2, 2, 0, 1.5, ?, 0)",
        (JOB_ID, json.dumps(OLD_REQUEST), now, now, now, json.dumps(OLD_RESULT)),
    )
    db.execute(
        "INSERT INTO feeds (id, slug, title, description, author, owner_name, owner_email, "
        "language, category, explicit, podcast_guid, created_at, updated_at) VALUES "
        "(1, 'old', 'Old feed', 'Stories', 'Desk', 'Desk', 'desk@example.org', 'en', "
        "'News', 0, '6f1b7a1e-0000-4000-8000-000000000000', ?, ?)",
        (now, now),
    )
    db.commit()
    db.close()


def test_a_0_1_database_is_upgraded_in_place(
    make_stack: Callable[..., Stack], tmp_path: Path
) -> None:
    path = tmp_path / "old.db"
    old_database(path)
    stack = make_stack(database_url=f"sqlite:///{path}")
    stack.start_api()

    job = stack.job(JOB_ID)
    assert job["status"] == "done" and job["title"] == "Harbor news"
    assert job["audio"]["duration_seconds"] == 5.5 and job["voice"] == "en_US-joe-medium"
    feed = stack.http.get("/v1/feeds/old")
    assert feed.status_code == 200, feed.text
    assert feed.json()["title"] == "Old feed"
    assert stack.http.get("/metrics").status_code == 200

    # New work goes into the same database.
    new = stack.submit(text="A new story after the upgrade.")
    assert stack.job(new["id"])["status"] in ("queued", "running")
    columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(jobs)")}
    assert {"owner", "article", "audio_seconds", "progress_at", "requeues"} <= columns
