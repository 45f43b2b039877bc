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


_MAX_NEXT = 500


def same_site_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: the only `next` addresses a
    form or link may send a member on to (an open redirect would let a phishing page
    borrow our login).

    Browsers drop tab, CR and LF from URLs and treat a backslash as a slash, so
    "/\\t/evil.example" is "//evil.example" to them: anything with a control character,
    a backslash, or that starts with "//" (also once percent-decoded, for links that are
    decoded twice) is refused, as are schemes, hosts and over-long values.
    """
    if not target or len(target) > _MAX_NEXT or not target.startswith("/"):
        return None
    from urllib.parse import unquote, urlsplit
    for candidate in (target, unquote(target), unquote(unquote(target))):
        if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in candidate) or "\\" in candidate:
            return None
        if candidate.startswith("//") or not candidate.startswith("/"):
            return None
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return None
    return target


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a path on this site (see `same_site_path`), else `default`."""
    return same_site_path(target) or default
