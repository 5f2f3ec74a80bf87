"""Request dependencies as `Annotated` aliases: settings, store, storage, queue, auth.

They are `async def` because none of them blocks: FastAPI runs a plain `def` dependency
in its thread pool, one hop per dependency per request, and under load those hops (not
the work) were most of a submit's latency."""

from __future__ import annotations

import hmac
from typing import Annotated

from celery import Celery
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.settings import Settings
from service.storage import Storage
from service.store import JobStore
from voices.catalog import VoiceCatalog
from workers.errors import Unauthorized


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


def key_matches(given: str, keys: list[str]) -> bool:
    """Constant-time comparison against every configured key (no early exit)."""
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(given.encode(), key.encode())
    return matched


async def require_api_key(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    keys = settings.api_key_list()
    if not keys:
        return  # open: no keys configured (logged once at start)
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("an API key is required: Authorization: Bearer <key>")
    if not key_matches(credentials.credentials, keys):
        raise Unauthorized("the API key is not valid")


ApiKey = Depends(require_api_key)
