"""Logging for the API and the workers: one handler on the root logger, text or JSON lines,
and every line passed through `RedactSecrets` first.

uvicorn, Celery, the libraries and Narrate's own loggers all propagate to that one handler
(uvicorn is started without its own logging config, Celery's `setup_logging` signal hands
its setup to us), so no record reaches the terminal without being redacted.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import warnings
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

from service.settings import Settings

REDACTED: Final = "***"
MIN_SECRET_CHARS: Final = 4
"""Configured secrets shorter than this are not searched for as text (they would turn
ordinary words into `***`); the patterns below still catch them where they are used."""

_QUERY_SECRET: Final = re.compile(
    r"(?i)([?&;](?:token|access_token|api[_-]?key|key|secret|signature|sig|password|auth)=)"
    r"[^&;\s\"'#]+"
)
"""A secret in a URL's query (`/feeds/news.xml?token=…`)."""
_AUTH_HEADER: Final = re.compile(
    r"(?i)(authorization|proxy-authorization|x-api-key|narrate-signature)"
    r"([\"']?\s*[:=,]\s*[\"']?(?:(?:bearer|basic|token|digest)\s+)?)[^\s\"']+"
)
"""A header that carries a credential, as `Name: value`, `name=value` or `('name', 'value')`."""
_BEARER: Final = re.compile(r"(?i)(?<![a-z])(bearer)\s+[A-Za-z0-9._~+/=-]{4,}")
"""A bearer token on its own (`Bearer <key>`); "basic" only after a header name, being a
common word."""
_URL_PASSWORD: Final = re.compile(r"([a-z][a-z0-9+.-]*://[^:/\s@]*:)[^@\s/]+@", re.IGNORECASE)
"""The password in `scheme://user:password@host` (Redis, PostgreSQL URLs)."""

FIELDS_ATTR: Final = "fields"
"""Structured fields of a record (`log.info(..., extra={"fields": {...}})`): keys of the
JSON line, `key=value` pairs after the message in text."""
IN_MESSAGE_ATTR: Final = "fields_in_message"
"""The fields a record's message already says (True: all), so text shows them once."""

QUIET_LOGGERS: Final = {
    # Each chunk's task received / succeeded: the job lines say what happened, by job id.
    "celery.app.trace": logging.WARNING,
    "celery.worker.strategy": logging.WARNING,
    # Article extraction reports an empty page as ERROR; the job's failure line says it.
    "trafilatura": logging.CRITICAL,
    "htmldate": logging.CRITICAL,
    "courlan": logging.CRITICAL,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
}
"""Loggers whose INFO lines are noise to an operator; shown again with NARRATE_LOG_LEVEL=debug
(the extraction libraries excepted: their errors are about the input, not the service)."""


SHOWN_AS: Final = {"uvicorn.error": "uvicorn"}
"""Loggers shown under another name: uvicorn writes its start-up lines to `uvicorn.error`."""


def known_secrets(settings: Settings) -> list[str]:
    """The secret values in `settings`: API keys, the webhook secret, URL passwords."""
    found = [*settings.api_key_list(), settings.webhook_secret]
    for url in (settings.redis_url, settings.database_url):
        match = _URL_PASSWORD.search(url or "")
        if match:
            found.append(match.group(0)[len(match.group(1)) : -1])
    return [s for s in found if len(s) >= MIN_SECRET_CHARS]


class RedactSecrets(logging.Filter):
    """Replaces credentials in a record (message, arguments, traceback, fields) by `***`:
    the configured secrets wherever they appear, and anything in the place of a credential
    (a `?token=` query, an `Authorization` header, a URL's password) whatever its value."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        ordered = sorted(set(secrets), key=len, reverse=True)  # a key inside a longer one
        self._literal = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def redact(self, text: str) -> str:
        if self._literal is not None:
            text = self._literal.sub(REDACTED, text)
        text = _QUERY_SECRET.sub(rf"\1{REDACTED}", text)
        text = _AUTH_HEADER.sub(rf"\1\2{REDACTED}", text)
        text = _BEARER.sub(rf"\1 {REDACTED}", text)
        return _URL_PASSWORD.sub(rf"\1{REDACTED}@", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        fields = getattr(record, FIELDS_ATTR, None)
        if isinstance(fields, Mapping):
            setattr(record, FIELDS_ATTR, {k: self._value(v) for k, v in fields.items()})
        return True

    def _value(self, value: Any) -> Any:
        return self.redact(value) if isinstance(value, str) else value


class ShowAs(logging.Filter):
    """Shows a record of a `SHOWN_AS` logger under the name a reader expects."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.name = SHOWN_AS.get(record.name, record.name)
        return True


def _fields_text(record: logging.LogRecord) -> str:
    fields = getattr(record, FIELDS_ATTR, None)
    said = getattr(record, IN_MESSAGE_ATTR, ())
    if not isinstance(fields, Mapping) or said is True:
        return ""
    pairs = [f"{k}={v}" for k, v in fields.items() if v is not None and k not in said]
    return " " + " ".join(pairs) if pairs else ""


class TextFormatter(logging.Formatter):
    """`2026-12-01 19:54:52 INFO narrate.jobs: job 1f73… done chunks=13 rtf=0.31`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")

    def formatMessage(self, record: logging.LogRecord) -> str:
        return super().formatMessage(record) + _fields_text(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: `ts` (ISO 8601, UTC), `level`, `logger`, `message`,
    `process`, the record's fields, and `exc` when there is a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.processName,
        }
        fields = getattr(record, FIELDS_ATTR, None)
        if isinstance(fields, Mapping):
            line.update({k: v for k, v in fields.items() if k not in line})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exc"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(settings: Settings) -> None:
    """Route every log record of this process through one redacting handler on stderr,
    in `settings.log_format`, at `settings.log_level`. Idempotent."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    handler.addFilter(RedactSecrets(known_secrets(settings)))
    handler.addFilter(ShowAs())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    level = getattr(logging, settings.log_level.upper())
    root.setLevel(level)
    for name, quiet in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(logging.NOTSET if level <= logging.DEBUG else quiet)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "celery"):
        # A library that set up its own handlers would write around the redaction.
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.captureWarnings(True)  # warnings become records, and so are redacted too


def silence_root_warning() -> None:
    """Celery warns at length when a worker runs as root. Its danger is a pickled message
    running code as root; Narrate's workers accept JSON only (`accept_content`), so in a
    container, where root is the norm, the warning is noise."""
    from celery.platforms import SecurityWarning

    warnings.filterwarnings("ignore", category=SecurityWarning)


def quiet_task_success() -> None:
    """Celery's line for a task that returned says `succeeded ...: None`, also for a step
    that ended its job as failed (the step handles the error: the task itself returns). The
    job's own line tells the outcome; Celery's (at debug level) says only that the task ran."""
    from celery.app import trace

    trace.LOG_SUCCESS = "Task %(name)s[%(id)s] ran in %(runtime)ss"
