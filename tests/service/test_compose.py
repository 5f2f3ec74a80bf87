"""compose.yaml agrees with the code: services, commands, storage, volumes and environment
variables (each read by the settings, or a standard AWS variable boto3 reads)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from service.cli import build_parser
from service.settings import Settings
from service.storage_s3 import S3Storage
from service.storage_url import open_storage

ROOT = Path(__file__).resolve().parents[2]
NARRATE = ("api", "worker", "beat")
"""The services that run the image: each a `narrate` subcommand of the same name."""
AWS_VARIABLES = {"AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
_DEFAULTED = re.compile(r"\$\{([A-Z_]+):[-?]([^}]*)\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def settings_env_names() -> set[str]:
    names = {f"NARRATE_{name.upper()}" for name in Settings.model_fields}
    return names | {"REDIS_URL", "DATABASE_URL"}


def resolved(value: str) -> str:
    """A compose value with each `${VAR:-default}` / `${VAR:?message}` replaced as if unset
    (the message stands in for a required secret)."""
    return _DEFAULTED.sub(r"\2", str(value))


def required(value: str) -> set[str]:
    return set(re.findall(r"\$\{([A-Z_]+):\?", str(value)))


def test_services_and_health(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"redis", "postgres", "minio", "bucket", *NARRATE}
    for name, service in services.items():
        if name != "bucket":  # a one-shot job: it exits once the bucket is made
            assert "healthcheck" in service, name
    for name in NARRATE:
        assert services[name]["build"] == "."
        depends = services[name]["depends_on"]
        for needed in ("redis", "postgres", "minio"):
            assert depends[needed]["condition"] == "service_healthy", (name, needed)
        assert depends["bucket"]["condition"] == "service_completed_successfully"
    worker = services["worker"]
    assert not {"ports", "container_name", "volumes"} & set(worker)  # --scale worker=N
    assert services["beat"]["deploy"]["replicas"] == 1  # periodic work: exactly one
    assert services["postgres"]["healthcheck"]["test"][1] == "pg_isready"


def test_commands_are_narrate_subcommands(compose: dict[str, Any]) -> None:
    parser = build_parser()
    subcommands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in NARRATE:
        command = compose["services"][name]["command"]
        assert command[0] == "narrate" and command[1] == name
        if name not in subcommands:
            continue  # checked below, once the command exists
        args = parser.parse_args(command[1:])  # exits (fails) on an unknown option
        assert args.command == name
    api = parser.parse_args(compose["services"]["api"]["command"][1:])
    published = compose["services"]["api"]["ports"][0].split(":")[-1]
    assert str(api.port) == published
    assert "/readyz" in " ".join(compose["services"]["api"]["healthcheck"]["test"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r'^CMD \["narrate", "api"', dockerfile, re.M)
    if "beat" not in subcommands:
        pytest.skip("`narrate beat` (feed-source polling) is not in this tree yet")


def test_environment_is_read_by_settings_or_boto3(compose: dict[str, Any]) -> None:
    known = settings_env_names() | AWS_VARIABLES
    for name in NARRATE:
        env = compose["services"][name]["environment"]
        assert set(env) <= known, set(env) - known
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert urlsplit(resolved(env["DATABASE_URL"])).hostname == "postgres"
        assert urlsplit(env["AWS_ENDPOINT_URL"]).hostname == "minio"
        secrets = set().union(*(required(v) for v in env.values()))
        assert {"NARRATE_API_KEYS", "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD"} <= secrets


def test_no_shared_disk(compose: dict[str, Any]) -> None:
    """Nothing the image runs mounts a volume: what they share is Redis, PostgreSQL and the
    object store, each with a volume of its own."""
    services = compose["services"]
    for name in NARRATE:
        assert "volumes" not in services[name], name
    assert set(compose["volumes"]) == {"redis-data", "postgres-data", "minio-data"}
    for name, volume in (("redis", "redis-data"), ("postgres", "postgres-data")):
        assert services[name]["volumes"][0].startswith(f"{volume}:")
    assert services["minio"]["volumes"] == ["minio-data:/data"]


def test_storage_credentials_and_bucket_agree(compose: dict[str, Any]) -> None:
    services = compose["services"]
    env = services["worker"]["environment"]
    minio = services["minio"]["environment"]
    assert required(env["AWS_ACCESS_KEY_ID"]) == required(minio["MINIO_ROOT_USER"])
    assert required(env["AWS_SECRET_ACCESS_KEY"]) == required(minio["MINIO_ROOT_PASSWORD"])
    bucket = urlsplit(resolved(env["NARRATE_STORAGE_URL"])).netloc
    assert resolved(services["bucket"]["environment"]["NARRATE_BUCKET"]) == bucket
    assert "mc mb --ignore-existing" in services["bucket"]["command"][0]
    published = services["minio"]["ports"][0].split(":")[0]
    assert urlsplit(resolved(env["NARRATE_STORAGE_PUBLIC_ENDPOINT"])).port == int(published)


def test_env_sets_the_settings(monkeypatch: pytest.MonkeyPatch, compose: dict[str, Any]) -> None:
    env = compose["services"]["worker"]["environment"]
    for key, value in env.items():
        monkeypatch.setenv(key, resolved(value))
    settings = Settings()
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.database_url is not None
    assert settings.database_url.startswith("postgresql+psycopg://narrate:")
    assert str(settings.data_dir) == "/data"
    storage = open_storage(settings)
    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.prefix) == ("narrate", "audio/")
    assert storage.redirect_expires_s == settings.storage_url_expires_s  # redirects: on
    assert storage.client.meta.endpoint_url == "http://minio:9000"
    assert storage.signer.meta.endpoint_url == "http://localhost:9000"
