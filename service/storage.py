"""Where audio lives: the storage interface, and its local-directory backend (the default).
Object storage is `service.storage_s3`; `service.storage_url` picks one from the settings."""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Final, NamedTuple, Protocol

READ_BLOCK: Final = 64 * 1024
"""Reads of a byte range come in blocks of this size (the API streams them as they come)."""


class StoredFile(NamedTuple):
    """One file as a listing sees it, without reading it."""

    key: str
    size: int
    used_at: float
    """When it was last written or `touch`ed, in seconds since the epoch."""


class Storage(Protocol):
    """Files by key (`jobs/<id>/audio.mp3`, `chunks/ab/<hash>.wav`), shared by API and workers.

    Nothing outside an implementation sees a path of the store: writers hand over a finished
    local file (`publish`) or bytes; readers get bytes, a byte range, or a private local copy
    (`local_copy`). So a worker needs no disk shared with anyone: with object storage, every
    machine reaches the same files through the network. Writes are atomic: a key holds the
    old content or the whole new one, never part (a file is renamed into place; an object,
    multipart or not, appears when its upload completes).
    """

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...

    def read_bytes(self, key: str) -> bytes: ...

    def read_text(self, key: str) -> str: ...

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes `start` to `end` (inclusive) of `key`, in blocks."""
        ...

    def local_copy(self, key: str) -> AbstractContextManager[Path]:
        """A local file holding `key`'s content while the block runs; treat it as read-only
        (a directory store hands out the stored file itself)."""
        ...

    def publish(self, key: str, source: Path) -> None:
        """Store the finished local file `source` as `key` atomically; `source` is consumed."""
        ...

    def write_bytes(self, key: str, data: bytes) -> None: ...

    def write_text(self, key: str, text: str) -> None: ...

    def delete_prefix(self, prefix: str) -> None:
        """Remove `prefix` and everything under `prefix/` (a job's, a feed's files)."""
        ...

    def check(self) -> None:
        """Raise when the storage cannot be written (for /readyz)."""
        ...

    def iter_prefix(self, prefix: str) -> Iterator[StoredFile]:
        """Every file under `prefix`, in no particular order: one listing, no reads (an
        object store's paginated list gives key, size and last-modified alike)."""
        ...

    def touch(self, key: str) -> bool:
        """Mark `key` as used now (its `used_at`); False, and nothing done, when it does not
        exist. Cache hits call it so that the least recently *used* audio is pruned first."""
        ...

    def delete(self, key: str, unused_since: float | None = None) -> bool:
        """Remove one file; with `unused_since`, only if it was not written or touched after
        that time (a conditional delete). True when this call removed it."""
        ...

    def download_url(self, key: str, *, content_type: str, content_disposition: str) -> str | None:
        """Where listeners GET `key` straight from the store (a presigned URL: Range works
        there, and a CDN can sit in front), answered with these headers; None when the API
        streams it itself (a directory, or redirects turned off)."""
        ...


class DirectoryStorage:
    """Keys are relative paths under `root`: the embedded default, one machine (or a shared
    volume)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._resolved_root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self._resolved_root / key).resolve()
        if not path.is_relative_to(self._resolved_root):
            raise ValueError(f"storage key escapes the root: {key!r}")
        return path

    def local_path(self, key: str) -> Path:
        """Where `key` lives on this disk (its directory made): only this backend has one."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def read_bytes(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def read_text(self, key: str) -> str:
        return self._path(key).read_text(encoding="utf-8")

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        with self._path(key).open("rb") as fh:
            fh.seek(start)
            left = end - start + 1
            while left > 0:
                block = fh.read(min(READ_BLOCK, left))
                if not block:
                    break
                left -= len(block)
                yield block

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(f"not stored: {key}")
        yield path

    def publish(self, key: str, source: Path) -> None:
        target = self.local_path(key)
        if source == target:
            return
        try:
            os.replace(source, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            # Another file system (a scratch directory elsewhere): copy beside, then rename.
            partial = self._partial(target)
            shutil.copyfile(source, partial)
            os.replace(partial, target)
            source.unlink()

    def write_bytes(self, key: str, data: bytes) -> None:
        target = self.local_path(key)
        partial = self._partial(target)
        partial.write_bytes(data)
        os.replace(partial, target)

    def write_text(self, key: str, text: str) -> None:
        self.write_bytes(key, text.encode("utf-8"))

    @staticmethod
    def _partial(target: Path) -> Path:
        return target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")

    def delete_prefix(self, prefix: str) -> None:
        path = self._path(prefix)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()

    def check(self) -> None:
        probe = self.root / f".ready-{uuid.uuid4().hex}"
        probe.write_bytes(b"ok")
        probe.unlink()

    def iter_prefix(self, prefix: str) -> Iterator[StoredFile]:
        top = self._path(prefix)
        if top.is_file():
            stat = top.stat()
            yield StoredFile(prefix, stat.st_size, stat.st_mtime)
            return
        pending = [(str(top), prefix.rstrip("/"))]
        while pending:  # scandir's entries carry their type: no extra stat for directories
            directory, key_prefix = pending.pop()
            try:
                entries = list(os.scandir(directory))
            except (FileNotFoundError, NotADirectoryError):
                continue  # removed while we walked, or never there
            for entry in entries:
                key = f"{key_prefix}/{entry.name}" if key_prefix else entry.name
                try:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((entry.path, key))
                    elif entry.is_file(follow_symlinks=False):
                        stat = entry.stat(follow_symlinks=False)
                        yield StoredFile(key, stat.st_size, stat.st_mtime)
                except FileNotFoundError:
                    continue

    def touch(self, key: str) -> bool:
        path = self._path(key)
        try:
            os.utime(path)
        except FileNotFoundError:
            return False
        return path.is_file()

    def delete(self, key: str, unused_since: float | None = None) -> bool:
        path = self._path(key)
        try:
            if unused_since is not None and path.stat().st_mtime > unused_since:
                return False
            path.unlink()
        except (FileNotFoundError, IsADirectoryError):
            return False
        return True

    def download_url(self, key: str, *, content_type: str, content_disposition: str) -> str | None:
        return None
