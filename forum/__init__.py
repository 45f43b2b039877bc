"""The Community of Practice forum: `create_app` builds the Flask application."""
import os
from pathlib import Path

from flask import Flask

from . import files, web
from .config import load_config
from .extensions import init_extensions

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, helpers, errors, CLI."""
    app = Flask(__name__, instance_path=_instance_path(config),
                template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    load_config(app, config)
    init_extensions(app)
    files.init_app(app)
    register_blueprints(app)
    web.register_template_helpers(app)
    web.register_request_hooks(app)
    web.register_errors(app)
    from .cli import register_cli  # the CLI builds apps itself: imported once one exists
    register_cli(app)
    return app


def _instance_path(config: dict | None) -> str:
    explicit = (config or {}).get("INSTANCE_PATH") or os.environ.get("FORUM_INSTANCE_PATH")
    return str(explicit or PROJECT_ROOT / "instance")


def register_blueprints(app: Flask) -> None:
    """Every domain's blueprint (lowest first), plus health checks."""
    from . import (accounts, collections, discussions, health, jobs, meetings,  # noqa: F401
                   moderation, notifications, qa, resources, search, tags)
    for module in (accounts, discussions, health, qa, resources, collections, meetings, search,
                   jobs, moderation, notifications):
        app.register_blueprint(module.bp)
