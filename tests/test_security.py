"""Security properties across the whole app: CSRF, headers, cookies, rate limits."""
import re

import pytest

from forum import create_app
from forum.extensions import db

from .conftest import _reset_database, make_test_config
from .factories import PASSWORD, login, make_member


@pytest.fixture
def csrf_app(tmp_path, smtp_server):
    controller, _ = smtp_server
    app = create_app(make_test_config(tmp_path, controller.port, WTF_CSRF_ENABLED=True))
    with app.app_context():
        _reset_database()
        yield app
        db.session.remove()
        db.engine.dispose()


def _fill(rule: str) -> str:
    rule = re.sub(r"<any\(([\w-]+)[^)]*\):\w+>", r"\1", rule)  # <any(a, b):x> -> a
    return re.sub(r"<(?:\w+:)?(\w+)>", "1", rule)


def test_every_state_changing_route_refuses_a_request_without_csrf_token(csrf_app):
    client = csrf_app.test_client()
    checked = 0
    for rule in csrf_app.url_map.iter_rules():
        if not rule.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            continue
        response = client.post(_fill(rule.rule), data={"body": "x", "email": "a@b.example"})
        assert response.status_code == 400, rule.rule
        assert b"This form has expired" in response.data, rule.rule
        checked += 1
    assert checked >= 20


def test_forms_carry_a_csrf_token(csrf_app):
    page = csrf_app.test_client().get("/login").data.decode()
    assert re.search(r'name="csrf_token" type="hidden" value="[^"]{20,}"', page)


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" in response.headers["Cache-Control"]


def test_templates_contain_no_inline_script_or_style(client):
    member = make_member()
    login(client, member)
    for path in ["/", "/forum", "/account", "/directory"]:
        page = client.get(path).data.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert " style=" not in page and " onclick=" not in page, path


def test_session_cookie_is_httponly_and_samesite_lax(client):
    member = make_member()
    response = client.post("/login", data={"email": member.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookies_when_configured(tmp_path, smtp_server):
    controller, _ = smtp_server
    app = create_app(make_test_config(tmp_path, controller.port, SECURE_COOKIES=True))
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_passwords_are_stored_with_scrypt(app):
    member = make_member()
    member.set_password("a long password here")
    assert member.password_hash.startswith("scrypt:")
    assert "a long password here" not in member.password_hash


@pytest.mark.parametrize("path,data,limit", [
    ("/login", {"email": "x@example.org", "password": "wrong"}, 10),
    ("/password/forgot", {"email": "x@example.org"}, 5),
    ("/join", {"name": ""}, 5),
])
def test_rate_limits(app_config, mailbox, path, data, limit):
    app_config["RATELIMIT_ENABLED"] = True
    app = create_app(app_config)
    from forum.extensions import limiter
    with app.app_context():
        _reset_database()
        limiter.reset()
        client = app.test_client()
        statuses = [client.post(path, data=data).status_code for _ in range(limit + 1)]
        assert 429 not in statuses[:limit]
        assert statuses[limit] == 429
        assert b"Too many attempts" in client.post(path, data=data).data
        db.session.remove()
        db.engine.dispose()


def test_generated_secret_key_is_kept_in_the_instance_folder(tmp_path, smtp_server):
    controller, _ = smtp_server
    config = make_test_config(tmp_path, controller.port)
    del config["SECRET_KEY"]
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "instance" / "secret_key").read_text().strip() == first


def test_healthz_reports_503_when_the_database_is_unreachable(tmp_path, smtp_server):
    controller, _ = smtp_server
    app = create_app(make_test_config(
        tmp_path, controller.port,
        DATABASE_URL="postgresql://nobody@127.0.0.1:1/none"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_errors_never_show_a_stack_trace(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    assert b"secret internals" not in response.data and b"Traceback" not in response.data


def test_members_cannot_use_moderator_actions_even_with_a_valid_csrf_token(csrf_app):
    """Direct POSTs carrying the member's own valid CSRF token to every moderator action
    on threads and members are refused, and change nothing."""
    from forum.accounts.models import User
    from forum.discussions.models import Thread

    from .factories import make_admin, make_thread
    client = csrf_app.test_client()
    member, other, admin = make_member(), make_member(), make_admin()
    thread = make_thread(author=other, replies=1)
    target = make_thread(author=other)
    login_page = client.get("/login").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    assert client.post("/login", data={"email": member.email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    page = client.get(f"/threads/{thread.id}").data.decode()
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    posts = [
        (f"/threads/{thread.id}/lock", {}), (f"/threads/{thread.id}/unlock", {}),
        (f"/threads/{thread.id}/pin", {"scope": "forum"}), (f"/threads/{thread.id}/unpin", {}),
        (f"/moderation/threads/{thread.id}/move", {"category": target.category_id,
                                                   "reason": "x"}),
        (f"/moderation/threads/{thread.id}/merge", {"target": str(target.id), "reason": "x"}),
        (f"/moderation/threads/{thread.id}/split", {"title": "Split", "reason": "x",
                                                    "category": thread.category_id}),
        (f"/moderation/members/{other.id}/suspend", {"reason": "x"}),
        (f"/moderation/members/{other.id}/reinstate", {}),
        (f"/moderation/members/{other.id}/role", {"role": "admin"}),
        (f"/moderation/members/{member.id}/role", {"role": "admin"}),
    ]
    for path, data in posts:
        response = client.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 403, path
    for path in (f"/threads/{thread.id}/pin", f"/moderation/threads/{thread.id}/split",
                 f"/moderation/members/{other.id}/suspend", "/moderation/members"):
        assert client.get(path).status_code == 403, path
    db.session.expire_all()
    moved = db.session.get(Thread, thread.id)
    assert (moved.is_locked, moved.pin_scope, moved.category_id, moved.merged_into_id,
            moved.post_count) == (False, None, thread.category_id, None, 2)
    assert [(u.role, u.status) for u in (db.session.get(User, member.id),
                                         db.session.get(User, other.id))] == [
        ("member", "active"), ("member", "active")]
    assert admin.role == "admin"
