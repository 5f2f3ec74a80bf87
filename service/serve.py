"""Running the service: the API, a worker pool, or both with a Redis (`narrate run`)."""

from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import subprocess
import sys
from contextlib import ExitStack
from typing import Final

from service.logs import configure_logging, quiet_task_success, silence_root_warning
from service.settings import Settings
from workers.errors import InvalidSetting

log = logging.getLogger(__name__)

WORKER_STOP_TIMEOUT_S: Final = 20.0
WORKER_MAIN: Final = "import sys; from service.cli import main; sys.exit(main(sys.argv[1:]))"


def worker_argv(settings: Settings, concurrency: int | None = None) -> list[str]:
    """Celery worker options: one prefork process per core, Narrate's queue only; no banner
    (`run_worker` logs one line instead)."""
    return [
        "--quiet",
        "worker",
        f"--loglevel={settings.log_level.upper()}",
        f"--concurrency={concurrency or settings.worker_concurrency}",
        "--pool=prefork",
        "-Q",
        settings.queue_name,
        "-n",
        f"narrate-{os.getpid()}@{socket.gethostname()}",
        "--without-gossip",
        "--without-mingle",
    ]


def run_worker(settings: Settings, concurrency: int | None = None) -> None:
    from celery.signals import setup_logging

    from service.tasks import create_celery

    configure_logging(settings)
    # Celery calls this instead of setting up logging its own way (handlers of its own).
    setup_logging.connect(lambda **_: configure_logging(settings), weak=False)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    os.nice(settings.worker_niceness)  # the pool processes inherit it
    app = create_celery(settings)
    if "pickle" not in app.conf.accept_content:
        silence_root_warning()
    quiet_task_success()
    log.info(
        "worker: %d processes on queue %s, broker %s",
        concurrency or settings.worker_concurrency,
        settings.queue_name,
        settings.required_redis_url(),
    )
    app.worker_main(worker_argv(settings, concurrency))


def check_port_free(host: str, port: int) -> None:
    """Refuse, in one line that says what to do, a port this process cannot listen on:
    taken by another program, or privileged. Checked before anything is started."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise InvalidSetting(f"cannot listen on {host!r}: {exc.strerror}", field="host") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                message = f"port {port} is in use; try make run PORT={port + 1}"
                message += f" (or --port {port + 1})"
            elif exc.errno == errno.EACCES:
                message = f"port {port} needs more privileges; try make run PORT=8000"
            else:
                message = f"cannot listen on {host}:{port}: {exc.strerror}"
            raise InvalidSetting(message, field="port") from None


def run_beat(settings: Settings) -> None:
    """Celery beat: queues the source-polling tick every `source_tick_s`. Run one per
    deployment (two would only tick twice as often: each source is claimed once per poll)."""
    from celery.signals import setup_logging

    from service.tasks import create_celery

    configure_logging(settings)
    setup_logging.connect(lambda **_: configure_logging(settings), weak=False)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # quiet: no banner on stdout (a log pipeline reads one JSON object a line).
    create_celery(settings).Beat(loglevel="INFO", quiet=True).run()


def run_api(settings: Settings, host: str, port: int) -> None:
    check_port_free(host, port)
    import uvicorn

    from service.app import create_app

    configure_logging(settings)
    # Forwarded headers are judged by `public_base_url` against `forwarded_allow_ips`, which
    # needs the direct peer: uvicorn's own proxy handling would replace it with the client.
    # No log config of uvicorn's own: its records go to our redacting handler, and the app
    # logs each request itself (`service.api.access`: polls at debug level).
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_config=None,
        log_level=settings.log_level,
        access_log=False,
        proxy_headers=False,
    )


def run_all(settings: Settings, host: str, port: int) -> None:
    """API in this process, a worker pool and beat (source polling) in child processes, and
    (without `REDIS_URL`) an embedded Redis; everything started here is stopped on exit."""
    check_port_free(host, port)  # before Redis and the workers start, not after
    configure_logging(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # uvicorn re-raises SIGTERM after its graceful shutdown; with the default handler
    # that would end this process at once and orphan the worker pool and Redis.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with ExitStack() as stack:
        if not settings.redis_url:
            from service.embedded_redis import EmbeddedRedis

            embedded = stack.enter_context(EmbeddedRedis(settings.data_dir / "redis"))
            settings = settings.model_copy(update={"redis_url": embedded.url})
            log.warning("no REDIS_URL: started an embedded Redis at %s", embedded.url)
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER_MAIN, "worker"],
            env={**os.environ, **settings.to_env()},
        )
        stack.callback(_stop, worker)
        beat = subprocess.Popen(
            [sys.executable, "-c", WORKER_MAIN, "beat"], env={**os.environ, **settings.to_env()}
        )
        stack.callback(_stop, beat)
        run_api(settings, host, port)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()  # Celery's warm shutdown: running tasks finish or are requeued
        try:
            process.wait(WORKER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
