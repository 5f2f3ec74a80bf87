"""S3-compatible object storage (AWS S3, MinIO, Cloudflare R2, GCS's S3 API) through boto3.

Credentials, endpoint and region come from the standard variables: `AWS_ACCESS_KEY_ID`,
`AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT_URL` (unset: AWS itself), `AWS_REGION` (or
`AWS_DEFAULT_REGION`). Large files go up in parts (an object appears only when its last part
is in, so a reader never sees half a file); listings are paginated; a job's objects are
deleted in batches of a thousand.
"""

from __future__ import annotations

import mimetypes
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from service.storage import READ_BLOCK, StoredFile

MULTIPART_THRESHOLD: Final = 8 * 1024**2
"""Files from this size up are uploaded in parts of this size (boto3's default; S3 wants
parts of at least 5 MiB)."""
DELETE_BATCH: Final = 1000
"""Keys per DeleteObjects call: the most S3 takes."""
CONNECTIONS: Final = 32
"""Connections kept per process: the API streams and signs from many threads at once."""
_MISSING: Final = frozenset({"404", "NoSuchKey", "NotFound"})

TRANSIENT_ERRORS: Final = (BotoConnectionError, HTTPClientError)
"""The store could not be reached or hung up (after boto3's own retries): worth a retry."""


_sessions: dict[int, boto3.session.Session] = {}
_sessions_lock = threading.Lock()


def _session() -> boto3.session.Session:
    """One boto3 session per process (its loaded API models are reused by every client made
    from it); a forked worker makes its own."""
    with _sessions_lock:
        session = _sessions.get(os.getpid())
        if session is None:
            session = _sessions[os.getpid()] = boto3.session.Session()
        return session


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in _MISSING


def _content_type(key: str) -> str:
    return mimetypes.guess_type(key)[0] or "application/octet-stream"


class S3Storage:
    """Keys are object names under `prefix` in `bucket`."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        redirect_expires_s: int | None = 3600,
        public_endpoint: str | None = None,
        multipart_threshold: int = MULTIPART_THRESHOLD,
    ) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.redirect_expires_s = redirect_expires_s
        config = Config(
            signature_version="s3v4",  # MinIO and R2 take no other
            retries={"mode": "standard", "max_attempts": 5},
            connect_timeout=5,
            read_timeout=60,
            max_pool_connections=CONNECTIONS,
        )
        session = _session()
        region = os.environ.get("AWS_REGION") or None
        self.client = session.client("s3", config=config, region_name=region)
        # Presigned URLs are signed for the host listeners use, which may not be the one
        # the workers reach (`http://minio:9000` inside compose): signing needs no request.
        self.signer = (
            session.client("s3", config=config, region_name=region, endpoint_url=public_endpoint)
            if public_endpoint
            else self.client
        )
        self.transfer = TransferConfig(
            multipart_threshold=multipart_threshold, multipart_chunksize=multipart_threshold
        )

    def _name(self, key: str) -> str:
        if key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"storage key escapes the prefix: {key!r}")
        return self.prefix + key

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if _missing(exc):
                return None
            raise

    def _get(self, key: str, **extra: Any) -> Any:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key), **extra)
        except ClientError as exc:
            if _missing(exc):
                raise FileNotFoundError(f"not stored: {key}") from exc
            raise

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise FileNotFoundError(f"not stored: {key}")
        return int(head["ContentLength"])

    def read_bytes(self, key: str) -> bytes:
        return self._get(key)["Body"].read()

    def read_text(self, key: str) -> str:
        return self.read_bytes(key).decode("utf-8")

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        if end < start:
            return
        body = self._get(key, Range=f"bytes={start}-{end}")["Body"]
        try:
            yield from body.iter_chunks(READ_BLOCK)
        finally:
            body.close()

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix="narrate-s3-") as scratch:
            path = Path(scratch) / key.rsplit("/", 1)[-1]
            try:
                self.client.download_file(
                    self.bucket, self._name(key), str(path), Config=self.transfer
                )
            except ClientError as exc:
                if _missing(exc):
                    raise FileNotFoundError(f"not stored: {key}") from exc
                raise
            yield path

    def publish(self, key: str, source: Path) -> None:
        self.client.upload_file(
            str(source),
            self.bucket,
            self._name(key),
            ExtraArgs={"ContentType": _content_type(key)},
            Config=self.transfer,
        )
        source.unlink()

    def write_bytes(self, key: str, data: bytes) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._name(key), Body=data, ContentType=_content_type(key)
        )

    def write_text(self, key: str, text: str) -> None:
        self.write_bytes(key, text.encode("utf-8"))

    def _list(self, prefix: str) -> Iterator[dict[str, Any]]:
        """Objects at `prefix` or under `prefix/` (not `prefix` + other characters)."""
        prefix = prefix.strip("/")
        name = self._name(prefix) if prefix else self.prefix
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=name
        )
        for page in pages:
            for item in page.get("Contents", []):
                if not prefix or item["Key"] == name or item["Key"].startswith(f"{name}/"):
                    yield item

    def iter_prefix(self, prefix: str) -> Iterator[StoredFile]:
        for item in self._list(prefix):
            key = item["Key"][len(self.prefix) :]
            yield StoredFile(key, int(item["Size"]), item["LastModified"].timestamp())

    def delete_prefix(self, prefix: str) -> None:
        batch: list[dict[str, str]] = []
        for item in self._list(prefix):
            batch.append({"Key": item["Key"]})
            if len(batch) == DELETE_BATCH:
                self._delete_batch(batch)
                batch = []
        if batch:
            self._delete_batch(batch)

    def _delete_batch(self, batch: list[dict[str, str]]) -> None:
        answer = self.client.delete_objects(
            Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
        )
        if answer.get("Errors"):
            first = answer["Errors"][0]
            raise OSError(f"could not delete {first.get('Key')}: {first.get('Message')}")

    def check(self) -> None:
        probe = self._name(f".ready-{uuid.uuid4().hex}")
        self.client.put_object(Bucket=self.bucket, Key=probe, Body=b"ok")
        self.client.delete_object(Bucket=self.bucket, Key=probe)

    def touch(self, key: str) -> bool:
        # An object's last-modified time moves only when it is written: copy it onto itself
        # (a server-side copy; no bytes travel). REPLACE keeps S3 from refusing a copy
        # that changes nothing.
        name = self._name(key)
        try:
            self.client.copy_object(
                Bucket=self.bucket,
                Key=name,
                CopySource={"Bucket": self.bucket, "Key": name},
                MetadataDirective="REPLACE",
                ContentType=_content_type(key),
                Metadata={"used-at": f"{time.time():.0f}"},
            )
        except ClientError as exc:
            if _missing(exc):
                return False
            raise
        return True

    def delete(self, key: str, unused_since: float | None = None) -> bool:
        # S3 has no delete-if-unmodified-since: a touch between the HEAD and the DELETE (a
        # few milliseconds) is lost, as with a directory's stat-then-unlink. The prune
        # never picks the audio of a queued or running job, nor audio used in its grace
        # period, so this needs a job to find the chunk within those milliseconds.
        head = self._head(key)
        if head is None:
            return False
        if unused_since is not None and head["LastModified"].timestamp() > unused_since:
            return False
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))
        return True

    def download_url(self, key: str, *, content_type: str, content_disposition: str) -> str | None:
        if self.redirect_expires_s is None:
            return None
        return self.signer.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self._name(key),
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition,
            },
            ExpiresIn=self.redirect_expires_s,
        )
