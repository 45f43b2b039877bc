"""Flask extensions, created unbound here and bound to the app in `create_app`."""
import logging
import os
import shlex
import sys

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

# Named constraints keep migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
login_manager = LoginManager()
csrf = CSRFProtect()
# Per client address: the real one behind FORUM_TRUSTED_PROXIES proxies (ProxyFix).
limiter = Limiter(key_func=get_remote_address)

log = logging.getLogger("forum.ratelimit")


def login_account_key() -> str:
    """Key of the per-account login limit: the email typed, normalised as accounts are
    looked up (trimmed, lower case), whatever address the attempt comes from."""
    return "account:" + request.form.get("email", "").strip().lower()[:254]


def no_login_account() -> bool:
    """A login form without an email is no guess at anyone's password."""
    return not request.form.get("email", "").strip()


def failed_login(response) -> bool:
    """Only failed attempts count against an account (a login that works redirects)."""
    return response.status_code not in (301, 302, 303)
migrate = Migrate()


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record):
    """WAL lets readers and one writer work at once; foreign keys are off by default."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_extensions(app):
    """Bind every extension to `app`."""
    db.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to see the Community of Practice."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    limiter.init_app(app)
    _warn_if_limits_are_per_worker(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True, directory=str(app.config.get("MIGRATIONS_DIR")
                                              or _project_migrations_dir()))


def _project_migrations_dir():
    from .paths import data_dir  # the checkout's migrations/, or the installed copy's
    return data_dir("migrations")


def _warn_if_limits_are_per_worker(app) -> None:
    """memory:// keeps counts in each process: under several gunicorn workers every
    worker allows the full limit, so say so loudly at start-up."""
    uri = app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    if not app.config.get("RATELIMIT_ENABLED", True) or not uri.startswith("memory://"):
        return
    workers = gunicorn_workers()
    if workers is not None and workers > 1:
        log.warning(
            "RATE LIMITS ARE PER WORKER: FORUM_RATELIMIT_STORAGE_URI is memory:// under "
            "%s gunicorn workers, so each allows the full limit (%s times the login limit "
            "in all). Set FORUM_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379 "
            "(pip install 'forum[redis]') or run one worker.", workers, workers)


def gunicorn_workers(environ=None, argv=None) -> int | None:
    """How many gunicorn workers serve this app, or None outside gunicorn. Read as
    gunicorn does: --workers/-w on its command line, GUNICORN_CMD_ARGS, WEB_CONCURRENCY,
    else gunicorn's default of 1; a config file's setting is read by gunicorn's own parser."""
    environ = os.environ if environ is None else environ
    argv = sys.argv if argv is None else argv
    if not environ.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
        return None
    args = list(argv[1:]) + shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))
    found = None
    for index, arg in enumerate(args):
        for flag in ("--workers", "-w"):
            if arg == flag and index + 1 < len(args):
                found = args[index + 1]
            elif arg.startswith(flag + "=") or (flag == "-w" and arg.startswith("-w")
                                                 and arg[2:].isdigit()):
                found = arg.split("=", 1)[1] if "=" in arg else arg[2:]
    if found is None:
        found = _workers_from_config_file(args) or environ.get("WEB_CONCURRENCY") or "1"
    try:
        return int(found)
    except ValueError:
        return None


def _workers_from_config_file(args) -> str | None:
    for index, arg in enumerate(args):
        path = None
        if arg in ("-c", "--config") and index + 1 < len(args):
            path = args[index + 1]
        elif arg.startswith("--config="):
            path = arg.split("=", 1)[1]
        if path and not path.startswith("python:") and os.path.isfile(path):
            namespace = {}
            try:
                with open(path) as config_file:
                    exec(compile(config_file.read(), path, "exec"), namespace)  # as gunicorn
            except Exception:
                return None
            workers = namespace.get("workers")
            return str(workers) if workers is not None else None
    return None
