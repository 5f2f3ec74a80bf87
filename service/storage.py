"""Where audio lives: a directory by default, behind a small interface for object storage."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple, Protocol


class StoredFile(NamedTuple):
    """One file as a listing sees it, without reading it."""

    key: str
    size: int
    used_at: float
    """When it was last written or `touch`ed, in seconds since the epoch."""


class Storage(Protocol):
    """Files by key (`jobs/<id>/audio.mp3`, `chunks/ab/<hash>.wav`), shared by API and workers.

    Workers hand the engine local paths, so an object-store implementation would stage
    files through a local cache directory behind `local_path` and `publish`.
    """

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...

    def open(self, key: str) -> BinaryIO: ...

    def local_path(self, key: str) -> Path:
        """A local path for reading `key`, or for writing it then calling `publish`."""
        ...

    def publish(self, key: str, source: Path) -> None:
        """Move the finished file `source` to `key` atomically."""
        ...

    def write_text(self, key: str, text: str) -> None: ...

    def read_text(self, key: str) -> str: ...

    def delete_prefix(self, prefix: str) -> None: ...

    def check(self) -> None:
        """Raise when the storage cannot be written (for /readyz)."""
        ...

    def iter_prefix(self, prefix: str) -> Iterator[StoredFile]:
        """Every file under `prefix`, in no particular order: one listing, no reads (an
        object store's paginated list gives key, size and last-modified alike)."""
        ...

    def touch(self, key: str) -> bool:
        """Mark `key` as used now (its `used_at`); False, and nothing done, when it does not
        exist. Cache hits call it so that the least recently *used* audio is pruned first.
        (An object store would copy the object onto itself, or keep the time in metadata.)"""
        ...

    def delete(self, key: str, unused_since: float | None = None) -> bool:
        """Remove one file; with `unused_since`, only if it was not written or touched after
        that time (a conditional delete). True when this call removed it."""
        ...


class DirectoryStorage:
    """Keys are relative paths under `root` (a shared volume when workers are elsewhere)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._resolved_root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self._resolved_root / key).resolve()
        if not path.is_relative_to(self._resolved_root):
            raise ValueError(f"storage key escapes the root: {key!r}")
        return path

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def local_path(self, key: str) -> Path:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def publish(self, key: str, source: Path) -> None:
        target = self.local_path(key)
        if source != target:
            os.replace(source, target)

    def write_text(self, key: str, text: str) -> None:
        target = self.local_path(key)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)

    def read_text(self, key: str) -> str:
        return self._path(key).read_text(encoding="utf-8")

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
