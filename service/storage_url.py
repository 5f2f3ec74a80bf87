"""Which storage the settings name: `NARRATE_STORAGE_URL` (`file:///path` or
`s3://bucket/prefix`), else the directory `NARRATE_STORAGE_DIR`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from service.settings import Settings
from service.storage import DirectoryStorage, Storage
from workers.errors import InvalidSetting


def open_storage(settings: Settings) -> Storage:
    """The storage `settings` name: `NARRATE_STORAGE_URL` when set (`file:///path` or
    `s3://bucket/prefix`, with the standard `AWS_*` variables), else the directory
    `NARRATE_STORAGE_DIR` (default `data_dir/storage`)."""
    url = settings.storage_url
    if not url:
        return DirectoryStorage(settings.resolved_storage_dir())
    parts = urlsplit(url)
    if parts.scheme == "file" and parts.netloc in ("", "localhost") and parts.path:
        return DirectoryStorage(Path(unquote(parts.path)))
    if parts.scheme == "s3" and parts.netloc:
        from service.storage_s3 import S3Storage

        redirect = settings.storage_redirect is not False  # unset: redirect
        return S3Storage(
            parts.netloc,
            unquote(parts.path).strip("/"),
            redirect_expires_s=settings.storage_url_expires_s if redirect else None,
            public_endpoint=settings.storage_public_endpoint,
        )
    raise InvalidSetting(
        f"NARRATE_STORAGE_URL must be file:///path or s3://bucket/prefix, not {url!r}"
    )
