"""/healthz (the process answers) and /readyz (Redis, database and storage reachable)."""

from __future__ import annotations

from typing import Final

import redis
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.api.deps import SettingsDep, StorageDep, StoreDep

PING_TIMEOUT_S: Final = 2.0

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness: Redis, database and storage",
    responses={503: {"description": "A dependency is unreachable."}},
)
def readyz(settings: SettingsDep, store: StoreDep, storage: StorageDep) -> JSONResponse:
    checks: dict[str, str] = {}
    for name, probe in (
        ("redis", lambda: _ping_redis(settings.required_redis_url())),
        ("database", store.ping),
        ("storage", storage.check),
    ):
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:  # any failure means not ready; say which
            checks[name] = f"{type(exc).__name__}: {exc}"[:200]
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )


def _ping_redis(url: str) -> None:
    client = redis.Redis.from_url(
        url, socket_timeout=PING_TIMEOUT_S, socket_connect_timeout=PING_TIMEOUT_S
    )
    try:
        client.ping()
    finally:
        client.close()
