"""compose.yaml agrees with the code: services, commands, volumes and environment variables."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.cli import build_parser
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def settings_env_names() -> set[str]:
    names = {f"NARRATE_{name.upper()}" for name in Settings.model_fields}
    return names | {"REDIS_URL", "DATABASE_URL"}


def test_services_and_health(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"redis", "api", "worker"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
        assert services[name]["build"] == "."
    assert "ports" not in services["worker"]  # scalable: --scale worker=N


def test_commands_are_narrate_subcommands(compose: dict[str, Any]) -> None:
    parser = build_parser()
    for name in ("api", "worker"):
        command = compose["services"][name]["command"]
        assert command[0] == "narrate"
        args = parser.parse_args(command[1:])  # exits (fails) on an unknown option
        assert args.command == name
    api = parser.parse_args(compose["services"]["api"]["command"][1:])
    published = compose["services"]["api"]["ports"][0].split(":")[-1]
    assert str(api.port) == published
    assert "/readyz" in " ".join(compose["services"]["api"]["healthcheck"]["test"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r'^CMD \["narrate", "api"', dockerfile, re.M)


def test_environment_is_read_by_settings(compose: dict[str, Any]) -> None:
    known = settings_env_names()
    for name in ("api", "worker"):
        env = compose["services"][name]["environment"]
        assert set(env) <= known, set(env) - known
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert env["NARRATE_DATA_DIR"] == "/data"
        required = [k for k, v in env.items() if ":?" in str(v)]
        assert "NARRATE_API_KEYS" in required


def test_shared_volume(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]["volumes"]
    worker = compose["services"]["worker"]["volumes"]
    assert api == worker == ["narrate-data:/data"]
    assert set(compose["volumes"]) == {"redis-data", "narrate-data"}


def test_env_sets_the_settings(monkeypatch: pytest.MonkeyPatch, compose: dict[str, Any]) -> None:
    env = compose["services"]["worker"]["environment"]
    for key, value in env.items():
        monkeypatch.setenv(key, re.sub(r"\$\{[A-Z_]+:[-?]([^}]*)\}", r"\1", str(value)))
    settings = Settings()
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.database_url == "sqlite:////data/narrate.db"
    assert str(settings.data_dir) == "/data"
