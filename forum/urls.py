"""Absolute links for emails and the CLI, which may run outside a request."""
from flask import current_app, has_request_context, url_for

FALLBACK_BASE_URL = "http://127.0.0.1:5000"


def absolute_url(endpoint: str, **values) -> str:
    """An absolute URL: BASE_URL when configured, else the current request's host."""
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values) if base else url_for(endpoint, _external=True,
                                                                        **values)
    with current_app.test_request_context(base_url=base or FALLBACK_BASE_URL):
        return url_for(endpoint, _external=True, **values)
