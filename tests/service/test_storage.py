"""Both storage backends keep one contract: the local directory and S3-compatible object
storage, the latter against a real S3 HTTP server (moto in server mode, its own process).

S3 features these tests exercise on that server: PutObject, multipart upload (CreateMultipart-
Upload / UploadPart / Complete, seen in the `-N` ETag), GetObject whole and with Range,
HeadObject, ListObjectsV2 with pagination, DeleteObjects in batches, DeleteObject, CopyObject
onto itself (a touch moves LastModified), and presigned GET URLs (fetched with Range; moto
does not verify signatures, so a wrong signature would go unnoticed here).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service import storage_s3
from service.cache import load_chunk_audio, prune_chunk_cache, store_chunk_audio
from service.keys import CHUNK_PREFIX
from service.settings import Settings
from service.storage import DirectoryStorage, Storage
from service.storage_s3 import S3Storage
from service.storage_url import open_storage
from service.store import JobStore
from tests.utils.services import S3Server
from workers.errors import InvalidSetting
from workers.synthesis import ChunkAudio

MIB = 1024**2


@pytest.fixture(params=["directory", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "directory":
        return DirectoryStorage(tmp_path / "storage")
    bucket = request.getfixturevalue("s3_bucket")
    return S3Storage(bucket, "narrate/test")


def stored(storage: Storage, prefix: str) -> dict[str, int]:
    return {f.key: f.size for f in storage.iter_prefix(prefix)}


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=3000),
    spans=st.lists(st.tuples(st.integers(0, 3100), st.integers(0, 3100)), max_size=4),
    via_file=st.booleans(),
)
def test_what_is_written_reads_back_whole_and_by_range(
    storage: Storage, tmp_path: Path, data: bytes, spans: list[tuple[int, int]], via_file: bool
) -> None:
    """The oracle is Python's slicing of the bytes written."""
    key = f"jobs/{uuid.uuid4().hex}/audio.mp3"
    if via_file:
        source = tmp_path / uuid.uuid4().hex
        source.write_bytes(data)
        storage.publish(key, source)
        assert not source.exists()  # consumed
    else:
        storage.write_bytes(key, data)
    assert storage.exists(key) and storage.size(key) == len(data)
    assert storage.read_bytes(key) == data
    with storage.local_copy(key) as path:
        assert path.read_bytes() == data
    for a, b in spans:
        start, end = min(a, b), min(max(a, b), len(data) - 1)
        if start <= end:
            assert b"".join(storage.read_range(key, start, end)) == data[start : end + 1]


def test_missing_keys_are_file_not_found(storage: Storage) -> None:
    key = "jobs/none/audio.mp3"
    assert not storage.exists(key)
    for read in (storage.size, storage.read_bytes, storage.read_text):
        with pytest.raises(FileNotFoundError):
            read(key)
    with pytest.raises(FileNotFoundError), storage.local_copy(key):
        pass
    assert not storage.touch(key) and not storage.delete(key)


def test_delete_prefix_removes_a_job_and_nothing_beside_it(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_s3, "DELETE_BATCH", 3)  # several DeleteObjects calls
    ours = {f"jobs/ab/{name}": i + 1 for i, name in enumerate("abcdefg")}
    beside = {"jobs/abc/audio.mp3": 5, "jobs/a/audio.mp3": 6, "feeds/ab/artwork.png": 7}
    for key, size in {**ours, **beside}.items():
        storage.write_bytes(key, b"x" * size)
    assert stored(storage, "jobs/ab") == ours
    storage.delete_prefix("jobs/ab")
    assert stored(storage, "jobs/ab") == {}
    assert stored(storage, "jobs") == {k: v for k, v in beside.items() if k.startswith("jobs/")}
    storage.check()  # its probe leaves nothing behind
    assert set(stored(storage, "")) == set(beside)


def test_a_touch_moves_used_at_and_a_conditional_delete_spares_it(storage: Storage) -> None:
    key = f"{CHUNK_PREFIX}/ab/{uuid.uuid4().hex}.wav"
    storage.write_bytes(key, b"RIFF")
    (listed,) = storage.iter_prefix(key)
    time.sleep(1.1)  # S3 keeps last-modified times to the second
    assert storage.touch(key)
    (touched,) = storage.iter_prefix(key)
    assert touched.used_at > listed.used_at
    assert not storage.delete(key, unused_since=listed.used_at)
    assert storage.exists(key) and storage.read_bytes(key) == b"RIFF"
    assert storage.delete(key, unused_since=touched.used_at)
    assert not storage.exists(key)


def test_the_chunk_cache_works_on_either_storage(storage: Storage, tmp_path: Path) -> None:
    """Cache a chunk, read it back (as `finish` on another machine would), prune it."""
    takes = (np.arange(300, dtype=np.int16), np.arange(-50, 0, dtype=np.int16))
    audio = ChunkAudio(3, 22050, takes)
    store_chunk_audio(storage, "ab" + "0" * 62, audio)
    again = load_chunk_audio(storage, "ab" + "0" * 62, 3)
    assert again.sample_rate == 22050 and again.index == 3
    assert [t.tolist() for t in again.takes] == [t.tolist() for t in takes]
    store = JobStore.from_url(f"sqlite:///{tmp_path / 'narrate.db'}")
    try:
        report = prune_chunk_cache(storage, store, max_bytes=0, grace_s=-5)
    finally:
        store.dispose()
    assert report.files_removed == 2
    assert stored(storage, CHUNK_PREFIX) == {}


def test_large_files_go_up_in_parts(s3_server: S3Server, s3_bucket: str, tmp_path: Path) -> None:
    storage = S3Storage(s3_bucket, "big", multipart_threshold=5 * MIB)
    data = np.random.default_rng(7).integers(0, 256, int(10.5 * MIB), dtype=np.uint8).tobytes()
    source = tmp_path / "audio.mp3"
    source.write_bytes(data)
    storage.publish("jobs/x/audio.mp3", source)
    head = s3_server.client.head_object(Bucket=s3_bucket, Key="big/jobs/x/audio.mp3")
    assert head["ETag"].strip('"').endswith("-3")  # S3's ETag of a 3-part upload
    assert head["ContentType"] == "audio/mpeg"
    with storage.local_copy("jobs/x/audio.mp3") as path:
        assert path.read_bytes() == data
    tail = b"".join(storage.read_range("jobs/x/audio.mp3", len(data) - 1000, len(data) - 1))
    assert tail == data[-1000:]


@pytest.fixture
def presigning(s3_bucket: str) -> Iterator[S3Storage]:
    storage = S3Storage(s3_bucket, "p", redirect_expires_s=600)
    storage.write_bytes("jobs/j/audio.mp3", bytes(range(256)) * 4)
    yield storage


def test_a_presigned_url_serves_ranges_with_our_headers(presigning: S3Storage) -> None:
    url = presigning.download_url(
        "jobs/j/audio.mp3",
        content_type="audio/mpeg",
        content_disposition='inline; filename="Story.mp3"',
    )
    assert url is not None and "X-Amz-Signature=" in url and "X-Amz-Expires=600" in url
    response = httpx.get(url, headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.content == bytes(range(10, 20))
    assert response.headers["content-type"] == "audio/mpeg"
    assert response.headers["content-disposition"] == 'inline; filename="Story.mp3"'


def test_presigned_urls_name_the_public_endpoint(s3_bucket: str) -> None:
    public = S3Storage(s3_bucket, public_endpoint="https://media.example.org")
    url = public.download_url("k.mp3", content_type="audio/mpeg", content_disposition="inline")
    assert url is not None and url.startswith(f"https://media.example.org/{s3_bucket}/k.mp3?")
    streamed = S3Storage(s3_bucket, redirect_expires_s=None)
    assert streamed.download_url("k.mp3", content_type="a", content_disposition="b") is None
    directory = DirectoryStorage(Path(public.bucket))
    assert directory.download_url("k.mp3", content_type="a", content_disposition="b") is None


def test_the_storage_url_picks_the_backend(tmp_path: Path, s3_bucket: str) -> None:
    default = open_storage(Settings(data_dir=tmp_path))
    assert isinstance(default, DirectoryStorage) and default.root == tmp_path / "storage"
    there = open_storage(Settings(storage_url=f"file://{tmp_path}/elsewhere"))
    assert isinstance(there, DirectoryStorage) and there.root == tmp_path / "elsewhere"
    s3 = open_storage(Settings(storage_url=f"s3://{s3_bucket}/a/b/"))
    assert isinstance(s3, S3Storage) and (s3.bucket, s3.prefix) == (s3_bucket, "a/b/")
    assert s3.redirect_expires_s == 3600
    proxied = open_storage(Settings(storage_url=f"s3://{s3_bucket}", storage_redirect=False))
    assert isinstance(proxied, S3Storage) and proxied.redirect_expires_s is None
    for bad in ("s3://", "ftp://host/x", "file://host/x", "/just/a/path"):
        with pytest.raises(InvalidSetting, match="NARRATE_STORAGE_URL"):
            open_storage(Settings(storage_url=bad))
