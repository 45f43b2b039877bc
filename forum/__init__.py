"""The Community of Practice forum: `create_app` builds the Flask application."""
from flask import Flask

from . import files, web
from .config import load_config
from .extensions import init_extensions
from .logs import init_logging
from .paths import data_dir, instance_path



def create_app(config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, helpers, errors, CLI."""
    app = Flask(__name__, instance_path=instance_path(config),
                template_folder=str(data_dir("templates")),
                static_folder=str(data_dir("static")))
    load_config(app, config)
    init_logging(app)
    _trust_proxies(app)
    init_extensions(app)
    files.init_app(app)
    register_blueprints(app)
    web.register_template_helpers(app)
    web.register_request_hooks(app)
    web.register_errors(app)
    from .cli import register_cli  # the CLI builds apps itself: imported once one exists
    register_cli(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address, scheme and host
    from their X-Forwarded-* headers (so per-address rate limits see real clients);
    with 0 (the default) those headers are ignored, as anyone can send them."""
    count = app.config["TRUSTED_PROXIES"]
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count,
                                x_port=count)


def register_blueprints(app: Flask) -> None:
    """Every domain's blueprint (lowest first), plus health checks."""
    from . import (accounts, collections, conversations, discussions, health,  # noqa: F401
                   jobs, meetings, moderation, notifications, polls, qa, resources, search,
                   tags)
    for module in (accounts, discussions, health, qa, resources, collections, meetings, search,
                   jobs, polls, conversations, moderation, notifications):
        app.register_blueprint(module.bp)
