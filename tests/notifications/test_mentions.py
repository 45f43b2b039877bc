"""The @mention rule: display names or handles, longest match, code and quotes ignored."""
from forum.notifications.mentions import candidates, handle_of, mentioned_users
from tests.factories import login, make_member, make_user


def _names(source):
    return sorted(user.display_name for user in mentioned_users(source))


def test_display_names_handles_and_longest_match(app):
    make_member(display_name="Fiona MacLeod")
    make_member(display_name="Fiona")
    make_member(display_name="Gail Ross")
    assert _names("Thanks @Fiona MacLeod, great.") == ["Fiona MacLeod"]
    assert _names("@fiona said so") == ["Fiona"]
    assert _names("cc @gailross.") == ["Gail Ross"]
    assert handle_of("Gail  Ross") == "gailross"


def test_code_quotes_and_emails_are_not_mentions(app):
    make_member(display_name="Gail Ross")
    source = "\n".join(["> @Gail Ross wrote this", "```", "@Gail Ross", "```",
                        "    @Gail Ross indented", "Use `@Gail Ross` in code",
                        "mail gail@gailross.org"])
    assert _names(source) == []
    assert candidates("no at sign") == []


def test_inactive_members_are_not_mentioned(app):
    make_user(status="suspended", display_name="Sam Suspended")
    make_user(status="pending", display_name="Pat Pending")
    assert _names("@Sam Suspended and @Pat Pending") == []


def test_autocomplete_lists_active_members_only(app, client):
    member = make_member(display_name="Zed Active")
    make_user(status="suspended", display_name="Zed Suspended")
    login(client, member)
    response = client.get("/notifications/member-names?q=ze")
    assert response.status_code == 200
    assert response.json == [{"name": "Zed Active", "handle": "zedactive"}]
    assert client.get("/notifications/member-names?q=%25").json == []
    assert client.get("/notifications/member-names").json == []


def test_autocomplete_is_rate_limited(app_config, tmp_path):
    """Members only, and at most 60 lookups a minute."""
    from forum import create_app
    from forum.extensions import db, limiter
    from tests.conftest import _reset_database
    app_config["RATELIMIT_ENABLED"] = True
    app = create_app(app_config)
    with app.app_context():
        _reset_database()
        limiter.reset()
        member = make_member()
        client = app.test_client()
        login(client, member)
        codes = [client.get("/notifications/member-names?q=a").status_code for _ in range(61)]
        assert codes[:60] == [200] * 60 and codes[60] == 429
        db.session.remove()
        db.engine.dispose()
