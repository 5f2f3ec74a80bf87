"""Shared nothing: the API and two `narrate worker` processes, each with its own data
directory and scratch directory (no disk in common), sharing only Redis, PostgreSQL and an
S3 endpoint, complete jobs whose chunks land on both workers; a worker killed mid-job does
not stop the job. (Before object storage, `finish` on one worker could not read the chunks
another had stored, and the job stayed `running` for ever.)

The S3 endpoint is a real HTTP S3 server in its own process (moto in server mode). S3
features used here: PutObject and GetObject (chunk audio, sidecars, the delivered audio,
VTT, timings), HeadObject (enclosure sizes), CopyObject (cache touches), ListObjectsV2 and
DeleteObjects (deleting a job), GetObject with Range (the API proxying audio) and presigned
GET URLs (redirects; moto does not verify their signatures).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import feedparser
import httpx
import pytest
import redis

from service.keys import job_prefix
from tests.service.conftest import make_settings
from tests.service.test_faults import LONG_ARTICLE, check_audio, running_with_progress
from tests.utils.services import (
    POSTGRES_URL,
    S3Server,
    Stack,
    claim_redis_db,
    drop_schema,
    new_schema_url,
    postgres_available,
    wait_for,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PREFIX = "narrate"
SIX_PARAGRAPHS = "\n\n".join(LONG_ARTICLE.split("\n\n")[:6]).replace("Monday", "Tuesday")


@dataclass
class Cluster:
    stack: Stack
    s3: S3Server
    bucket: str
    data_dirs: list[Path]

    def objects(self, prefix: str = "") -> dict[str, int]:
        return self.s3.keys(self.bucket, f"{PREFIX}/{prefix}")

    def synthesized(self, worker: int, job_id: str) -> set[int]:
        """The chunks of the job (from 1) that this worker synthesized and counted, as its
        log says at `debug`."""
        log = self.stack.workers[worker].log_path.read_text(errors="replace")
        return {int(i) for i in re.findall(rf"job {job_id} chunk (\d+) synthesized", log)}


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory,
    redis_address: tuple[str, int],
    s3_server: S3Server,
) -> Iterator[Cluster]:
    reason = postgres_available()
    if reason:
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("shared-nothing")
    host, port = redis_address
    db = claim_redis_db(host, port)
    schema, database_url = new_schema_url(POSTGRES_URL)
    bucket = s3_server.new_bucket()
    with pytest.MonkeyPatch.context() as env:
        for name, value in s3_server.env().items():
            env.setenv(name, value)
        settings = make_settings(
            tmp / "api",
            database_url=database_url,
            redis_url=f"redis://{host}:{port}/{db}",
            storage_url=f"s3://{bucket}/{PREFIX}",
            # A killed worker's task is handed out again this long after it was taken.
            visibility_timeout_s=8,
        )
        stack = Stack(settings, tmp)
        data_dirs = [settings.data_dir]
        try:
            stack.start_api()
            stack._client = httpx.Client(base_url=stack.api.url, timeout=30, follow_redirects=True)
            for name in ("worker-a", "worker-b"):
                own = tmp / name
                (own / "tmp").mkdir(parents=True)
                stack.start_worker(
                    1, env={"TMPDIR": str(own / "tmp")}, data_dir=own / "data", log_level="debug"
                )
                data_dirs += [own / "data", own / "tmp"]
            yield Cluster(stack, s3_server, bucket, data_dirs)
        finally:
            stack.close()
            drop_schema(POSTGRES_URL, schema)
            client = redis.Redis(host=host, port=port, db=db)
            client.flushdb()
            client.close()


NARRATE_FILES = {".wav", ".mp3", ".opus", ".json", ".vtt", ".part", ".png", ".jpg"}


def files_under(directories: list[Path]) -> list[Path]:
    """Narrate's kind of files (audio, sidecars, timings, artwork) left in these directories
    (libraries keep bookkeeping files of their own in a scratch directory)."""
    found = (p for d in directories if d.exists() for p in d.rglob("*") if p.is_file())
    return [p for p in found if p.suffix in NARRATE_FILES or ".wav." in p.name]


def test_chunks_on_both_workers_make_one_job(cluster: Cluster, tmp_path: Path) -> None:
    stack = cluster.stack
    feed = stack.http.post(
        "/v1/feeds",
        json={
            "slug": "wire",
            "title": "Wire",
            "description": "Stories read aloud.",
            "author": "Desk",
            "owner_name": "Desk",
            "owner_email": "desk@example.org",
            "disclosure": "none",  # six paragraphs, six chunks: no spoken disclosure chunk
        },
    )
    assert feed.status_code == 201, feed.text
    job = stack.wait_job(stack.submit(text=SIX_PARAGRAPHS, feed="wire")["id"], 180)
    assert job["status"] == "done", job
    assert job["progress"]["chunks_total"] == 6
    # One job, both workers: each synthesized some of its chunks.
    on_a, on_b = cluster.synthesized(0, job["id"]), cluster.synthesized(1, job["id"])
    assert on_a and on_b and on_a | on_b == set(range(1, 7))

    # Every file is in the bucket; no data or scratch directory kept any.
    stored = cluster.objects(f"jobs/{job['id']}/")
    assert sorted(k.rsplit("/", 1)[1] for k in stored) == [
        "audio.mp3",
        "speechmarks.jsonl",
        "timings.json",
        "transcript.vtt",
    ]
    assert len(cluster.objects("chunks/")) == 2 * 6  # each chunk's WAV and its sidecar

    # The audio: a redirect to the store; HEAD answered by the API with the exact length.
    audio_key = f"{PREFIX}/jobs/{job['id']}/audio.mp3"
    raw = httpx.get(f"{stack.api.url}/v1/jobs/{job['id']}/audio")
    assert raw.status_code == 302 and "X-Amz-Signature=" in raw.headers["location"]
    head = httpx.head(f"{stack.api.url}/v1/jobs/{job['id']}/audio")
    assert head.status_code == 200 and int(head.headers["content-length"]) == stored[audio_key]
    body = httpx.get(raw.headers["location"]).content
    assert body == cluster.s3.client.get_object(Bucket=cluster.bucket, Key=audio_key)["Body"].read()

    # The feed's enclosure: exact length in the RSS, HEAD agrees, GET redirects to the bytes.
    wait_for(lambda: stack.http.get("/v1/feeds/wire").json()["episodes"], 30, "the episode")
    # (Making the episode measured the audio in a scratch copy: it is gone too.)
    assert files_under(cluster.data_dirs) == []
    assert all(d.is_dir() for d in cluster.data_dirs)  # they were there to be used
    (entry,) = feedparser.parse(stack.http.get("/feeds/wire.xml").content).entries
    (enclosure,) = entry.enclosures
    assert int(enclosure["length"]) == stored[audio_key]
    assert int(httpx.head(enclosure["href"]).headers["content-length"]) == stored[audio_key]
    redirect = httpx.get(enclosure["href"])
    assert redirect.status_code == 302
    assert httpx.get(redirect.headers["location"]).content == body

    # Deleting the job removes every object it had.
    assert stack.http.delete(f"/v1/jobs/{job['id']}").status_code == 204
    assert cluster.objects(f"jobs/{job['id']}") == {}


def test_audio_is_proxied_with_ranges_when_redirects_are_off(cluster: Cluster) -> None:
    """`NARRATE_STORAGE_REDIRECT=false`: the API streams from S3 with Range, HEAD, ETag and
    If-Range as it does from a directory."""
    from tests.utils.services import ApiServer

    stack = cluster.stack
    job = stack.wait_job(stack.submit(text="A short one. It ends here.")["id"], 120)
    assert job["status"] == "done", job
    key = f"{PREFIX}/jobs/{job['id']}/audio.mp3"
    whole = cluster.s3.client.get_object(Bucket=cluster.bucket, Key=key)["Body"].read()
    proxy = ApiServer(stack.settings.model_copy(update={"storage_redirect": False}))
    try:
        url = f"{proxy.url}/v1/jobs/{job['id']}/audio"
        full = httpx.get(url)
        assert full.status_code == 200 and full.content == whole
        etag = full.headers["etag"]
        part = httpx.get(url, headers={"Range": "bytes=100-1099"})
        assert part.status_code == 206 and part.content == whole[100:1100]
        assert part.headers["content-range"] == f"bytes 100-1099/{len(whole)}"
        suffix = httpx.get(url, headers={"Range": "bytes=-500", "If-Range": etag})
        assert suffix.status_code == 206 and suffix.content == whole[-500:]
        stale = httpx.get(url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
        assert stale.status_code == 200 and stale.content == whole
        head = httpx.head(url)
        assert int(head.headers["content-length"]) == len(whole) and head.content == b""
        assert httpx.get(url, headers={"Range": f"bytes={len(whole)}-"}).status_code == 416
    finally:
        proxy.stop()
        proxy.app.state.store.dispose()


def test_a_worker_killed_mid_job_does_not_stop_it(cluster: Cluster, tmp_path: Path) -> None:
    stack = cluster.stack
    job_id = stack.submit(text=LONG_ARTICLE)["id"]
    seen = running_with_progress(stack, job_id, at_least=2)
    assert seen["progress"]["chunks_done"] < seen["progress"]["chunks_total"]
    stack.workers[0].kill()  # SIGKILL: its task in hand is never acknowledged: handed out again
    survivor_before = cluster.synthesized(1, job_id)

    job = stack.wait_job(job_id, 240)
    assert job["status"] == "done", job
    assert job["progress"]["chunks_done"] == job["progress"]["chunks_total"]
    assert cluster.synthesized(1, job_id) > survivor_before  # the survivor did the rest
    check_audio(stack, job, tmp_path)  # every sentence once, as long as reported
    assert sorted(k.rsplit("/", 1)[1] for k in cluster.objects(job_prefix(job_id))) == [
        "audio.mp3",
        "speechmarks.jsonl",
        "timings.json",
        "transcript.vtt",
    ]
