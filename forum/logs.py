"""Logging, configured in one place (`init_logging`, called by `create_app`).

- Lines carry a timestamp, the level, the logger and the request id (`-` outside a
  request): `FORUM_LOG_FORMAT=json` writes one JSON object per line instead.
- `FORUM_LOG_LEVEL` (default INFO) sets the level of the `forum` loggers.
- If the root logger already has handlers (a `--log-config` given to gunicorn, a
  `logging.config.dictConfig` of the host, pytest), they are kept: only levels and the
  request id are added. Otherwise one handler on standard error serves every logger.
- Each request gets an id: a sane `X-Request-ID` header is kept, else a new one is made;
  it is sent back in the response and written on every line logged while handling it.
- One line per request: method, endpoint, status, duration in ms and the user's id.
  Never an email address or a name: personal data stays out of log lines.
"""
import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import g, has_request_context, request

HANDLER_NAME = "forum"
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@+=-]{1,64}")

request_log = logging.getLogger("forum.request")


def current_request_id() -> str:
    """The id of the request being handled, or "-"."""
    if has_request_context():
        return g.get("request_id") or "-"
    return "-"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (a handler filter, so it sees all loggers)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the
    structured `fields` a caller passed with `extra={"fields": {...}}`."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc)
                            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", current_request_id()),
        }
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def make_formatter(kind: str) -> logging.Formatter:
    if kind.strip().lower() == "json":
        return JsonFormatter()
    return logging.Formatter(TEXT_FORMAT)


def configure(level="INFO", kind="text", stream=None) -> logging.Handler | None:
    """Set up the standard library's logging once per process; returns our handler, or
    None when the host had configured handlers of its own (those are left as they are)."""
    root = logging.getLogger()
    ours = next((h for h in root.handlers if h.get_name() == HANDLER_NAME), None)
    logging.getLogger("forum").setLevel(_level(level))
    if ours is None and root.handlers:  # someone else configured logging: respect it
        for handler in root.handlers:
            if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
                handler.addFilter(RequestIdFilter())
        return None
    if ours is not None:  # a second app in this process: re-format, do not duplicate
        root.removeHandler(ours)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(make_formatter(kind))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    if root.level > logging.WARNING or root.level == logging.NOTSET:
        root.setLevel(logging.WARNING)  # other libraries: warnings and worse
    return handler


def _level(value) -> int:
    if isinstance(value, int):
        return value
    level = logging.getLevelName(str(value).strip().upper())
    if not isinstance(level, int):
        raise ValueError(f"FORUM_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {value!r}")
    return level


def init_logging(app) -> None:
    """Configure logging from the app's settings and log one line per request."""
    configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])

    @app.before_request
    def start_request_log():
        g.request_started = time.perf_counter()
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex

    @app.after_request  # registered first, so it runs last and sees the final status
    def log_request(response):
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        duration = round((time.perf_counter() - started) * 1000, 1) if started else None
        fields = {"method": request.method, "endpoint": request.endpoint or "-",
                  "status": response.status_code, "duration_ms": duration,
                  "user_id": _user_id()}
        request_log.info(" ".join(f"{key}={value}" for key, value in fields.items()),
                         extra={"fields": fields})
        return response


def _user_id():
    """The signed-in user's id if this request already loaded them (no extra query)."""
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "id", None)
