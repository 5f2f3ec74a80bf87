"""Where audio lives: a directory by default, behind a small interface for object storage."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO, Protocol


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


class DirectoryStorage:
    """Keys are relative paths under `root` (a shared volume when workers are elsewhere)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
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
