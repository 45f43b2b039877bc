"""Configuration: defaults, then the instance folder, then FORUM_* environment variables,
then (in tests) an explicit dict. Secrets are never hard-coded: a missing secret key is
generated once into the instance folder."""
from datetime import timedelta
import os
import secrets
from pathlib import Path

DEFAULTS = {
    "SITE_NAME": "Equally Safe at Work Community of Practice",
    "DATABASE_URL": None,  # None: SQLite file in the instance folder
    "SECRET_KEY": None,
    "SECURE_COOKIES": False,
    "MAIL_SERVER": "",  # empty: emails are written to the log instead of sent
    "MAIL_PORT": 25,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_FROM": "Community of Practice <noreply@localhost>",
    "MAIL_TIMEOUT": 10,
    # Reply by email (`forum mail-in`): reply+<token>@MAIL_IN_DOMAIN reaches the forum
    "MAIL_IN_DOMAIN": "localhost",
    "MAIL_IN_MAX_BYTES": 10 * 1024 * 1024,  # larger incoming messages are refused
    "MAIL_IN_TOKEN_DAYS": 90,  # a reply address works this long after its email was sent
    "BASE_URL": "",  # used in emailed links when set, e.g. https://forum.example.org
    # memory:// counts per process; with several gunicorn workers use redis:// (the
    # `redis` extra) so limits are shared. A warning is logged when they are not.
    "RATELIMIT_STORAGE_URI": "memory://",
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted
    "TRUSTED_PROXIES": 0,
    # Logging (forum/logs.py): level, and "text" or "json" lines
    "LOG_LEVEL": "INFO",
    "LOG_FORMAT": "text",
    "RATELIMIT_ENABLED": True,
    "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
    # Failed logins per account (normalised email), whatever the address they come from
    "LOGIN_ACCOUNT_RATE_LIMIT": "20 per hour",
    "JOIN_RATE_LIMIT": "5 per minute;20 per hour",
    "RESET_RATE_LIMIT": "5 per minute;20 per hour",
    "POST_RATE_LIMIT": "20 per minute",
    "TOKEN_MAX_AGE_HOURS": 72,
    # "Keep me logged in" lasts this long; no session of any kind is accepted after it
    "REMEMBER_DAYS": 30,
    "THREADS_PER_PAGE": 25,
    "POSTS_PER_PAGE": 20,
    "TIMEZONE": "Europe/London",
    "UPLOAD_DIR": None,  # None: instance/uploads
    "MAX_UPLOAD_MB": 25,
    # Resource library and attachments
    "MAX_ATTACHMENTS": 10,  # files per post
    "MAX_IMAGE_PIXELS": 40_000_000,  # larger images are refused (decompression bombs)
    "RESOURCES_PER_PAGE": 20,
    "EXTRACTION_TIMEOUT": 30,  # seconds for reading the text of one file
    "EXTRACTION_MAX_PAGES": 500,  # PDF pages, slides or sheets read for search
    "EXTRACTION_MAX_CHARS": 1_000_000,  # text kept per file
    "EXTRACTION_MEMORY_MB": 1024,
    # Background jobs
    "JOBS_INLINE": True,  # the web process runs due jobs after responses (no `forum worker`)
    "JOBS_INLINE_LIMIT": 20,  # jobs run after one response at most
    "JOBS_INLINE_INTERVAL": 60,  # seconds between drains when no request queued work
    "JOB_MAX_ATTEMPTS": 5,
    "JOB_RETRY_SECONDS": 30,  # back-off: 30 s, 60 s, 120 s, ... (at most an hour)
    "JOB_TIMEOUT_SECONDS": 900,  # a job "running" longer is presumed dead and run again
    # Search
    "SEARCH_BACKEND": "whoosh",  # whoosh (embedded), tantivy (fast, one host), postgres
    "SEARCH_INDEX_DIR": None,  # None: search_index/ in the project folder (whoosh, tantivy)
    "SEARCH_RESULTS_PER_PAGE": 20,
    "SEARCH_REBUILD_PROCESSES": 2,  # whoosh: processes analysing documents in a rebuild
    # Private conversations (forum/conversations)
    "CONVERSATION_MAX_PARTICIPANTS": 10,  # everyone in one conversation, its starter included
    "CONVERSATION_RATE_LIMIT": "10 per hour",  # new conversations a member may start
    # Polls (forum/polls)
    "POLL_MIN_GROUP": 5,  # organisations a benchmark breakdown group needs to be shown
}

# Settings that arrive from the environment as strings but are used as other types.
_BOOLEAN = {"SECURE_COOKIES", "MAIL_USE_TLS", "MAIL_USE_SSL", "RATELIMIT_ENABLED",
            "JOBS_INLINE"}
_INTEGER = {"MAIL_PORT", "MAIL_TIMEOUT", "TOKEN_MAX_AGE_HOURS", "REMEMBER_DAYS", "THREADS_PER_PAGE",
            "POSTS_PER_PAGE", "MAX_UPLOAD_MB", "MAX_ATTACHMENTS", "MAX_IMAGE_PIXELS",
            "RESOURCES_PER_PAGE", "EXTRACTION_TIMEOUT", "EXTRACTION_MAX_PAGES",
            "EXTRACTION_MAX_CHARS", "EXTRACTION_MEMORY_MB", "JOBS_INLINE_LIMIT",
            "JOBS_INLINE_INTERVAL", "JOB_MAX_ATTEMPTS", "JOB_RETRY_SECONDS",
            "JOB_TIMEOUT_SECONDS", "SEARCH_RESULTS_PER_PAGE", "SEARCH_REBUILD_PROCESSES",
            "CONVERSATION_MAX_PARTICIPANTS", "POLL_MIN_GROUP"}
_INTEGER |= {"TRUSTED_PROXIES"}


def _from_environment(environ):
    values = {}
    for name in DEFAULTS:
        raw = environ.get(f"FORUM_{name}")
        if raw is None:
            continue
        if name in _BOOLEAN:
            values[name] = raw.strip().lower() in {"1", "true", "yes", "on"}
        elif name in _INTEGER:
            values[name] = int(raw)
        else:
            values[name] = raw
    return values


def _secret_key(instance_path: Path) -> str:
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(app, overrides=None):
    """Fill `app.config`: defaults -> instance/forum.cfg -> FORUM_* env -> `overrides`."""
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.update(DEFAULTS)
    app.config.from_pyfile(str(instance_path / "forum.cfg"), silent=True)  # not root_path
    app.config.update(_from_environment(os.environ))
    app.config.update(overrides or {})

    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{instance_path / 'forum.db'}"
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _secret_key(instance_path)
    if not app.config["UPLOAD_DIR"]:
        app.config["UPLOAD_DIR"] = str(instance_path / "uploads")
    if not app.config["SEARCH_INDEX_DIR"]:
        app.config["SEARCH_INDEX_DIR"] = _default_index_dir(instance_path)

    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(app.config["DATABASE_URL"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["MAX_CONTENT_LENGTH"] = (app.config["MAX_UPLOAD_MB"] + 1) * 1024 * 1024
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = app.config["SECURE_COOKIES"]
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=app.config["REMEMBER_DAYS"])
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SECURE_COOKIES"]
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # tied to the session instead of a clock
    app.config["RATELIMIT_HEADERS_ENABLED"] = True


def _default_index_dir(instance_path: Path) -> str:
    """search_index/ beside the code in a checkout; in the instance folder when installed."""
    checkout = Path(__file__).resolve().parent.parent / "search_index"
    return str(checkout if checkout.is_dir() else instance_path / "search_index")


def _normalise_database_url(url: str) -> str:
    # psycopg 3 is the driver we ship; plain postgres URLs would ask for psycopg2.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}
