"""Request dependencies as `Annotated` aliases: settings, store, storage, queue, the caller.

They are `async def` because none of them blocks: FastAPI runs a plain `def` dependency
in its thread pool, one hop per dependency per request, and under load those hops (not
the work) were most of a submit's latency."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated, Final

from celery import Celery
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.settings import Settings
from service.storage import Storage
from service.store import JobStore
from voices.catalog import VoiceCatalog
from workers.errors import Unauthorized

KEY_ID_HEX: Final = 16
"""A key's id: this many hex digits of its SHA-256 (64 bits: stable, short, not the key)."""


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_store(request: Request) -> JobStore:
    return request.app.state.store


async def get_storage(request: Request) -> Storage:
    return request.app.state.storage


async def get_queue(request: Request) -> Celery:
    return request.app.state.queue


async def get_catalog(request: Request) -> VoiceCatalog:
    return request.app.state.catalog


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[JobStore, Depends(get_store)]
StorageDep = Annotated[Storage, Depends(get_storage)]
QueueDep = Annotated[Celery, Depends(get_queue)]
CatalogDep = Annotated[VoiceCatalog, Depends(get_catalog)]

_bearer = HTTPBearer(auto_error=False, description="An API key, when keys are configured.")


def key_id(key: str) -> str:
    """The non-secret id a key's jobs and feeds are owned by: stable across restarts and
    API processes, and not the key (a leaked database or log does not leak keys)."""
    return hashlib.sha256(key.encode()).hexdigest()[:KEY_ID_HEX]


def key_matches(given: str, keys: list[str]) -> bool:
    """Constant-time comparison against every configured key (no early exit)."""
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(given.encode(), key.encode())
    return matched


@dataclass(frozen=True)
class Caller:
    """Who is calling: the tenant that owns what it creates, and what it may see."""

    key_id: str | None
    """The id of the caller's key (`key_id`); None when the API is open (no keys)."""
    admin: bool = False
    """An admin key (`NARRATE_ADMIN_API_KEYS`): sees and manages every job and feed."""

    @property
    def scope(self) -> str | None:
        """The owner whose jobs and feeds this caller may reach; None: all of them (an
        admin key, or an open API, where nobody owns anything)."""
        return None if self.admin else self.key_id


OPEN: Final = Caller(key_id=None)
"""The caller of an open API: one anonymous tenant that reaches everything."""


async def require_api_key(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller, or 401 when keys are configured and none (or a wrong one) was sent."""
    keys = settings.api_key_list()
    if not keys:
        return OPEN  # open: no keys configured (logged once at start)
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("an API key is required: Authorization: Bearer <key>")
    given = credentials.credentials
    if not key_matches(given, keys):
        raise Unauthorized("the API key is not valid")
    return Caller(key_id(given), admin=key_matches(given, settings.admin_api_key_list()))


ApiKey = Depends(require_api_key)
"""For a router's `dependencies`: every route needs a key (when keys are configured)."""
CallerDep = Annotated[Caller, Depends(require_api_key)]
"""The caller of a route (FastAPI runs `require_api_key` once per request, however many
times it is named)."""
