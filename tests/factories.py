"""Factory functions for test data. Each commits, so HTTP tests see the rows."""
import itertools
from functools import lru_cache

from werkzeug.security import generate_password_hash

from forum.accounts.models import Organisation, User
from forum.discussions import services as discussions
from forum.discussions.models import Category
from forum.extensions import db

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # scrypt is deliberately slow; hash the shared test password once per run.
    return generate_password_hash(PASSWORD)


def make_organisation(**overrides) -> Organisation:
    n = next(_counter)
    values = {"name": f"Organisation {n}", "sector": "public", "accreditation": "working_towards"}
    values.update(overrides)
    organisation = Organisation(**values)
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_user(role="member", status="active", **overrides) -> User:
    """A user with the shared test password (None password for pending applicants)."""
    n = next(_counter)
    values = {"email": f"person{n}@example.org", "display_name": f"Person {n}",
              "job_role": "Equality officer", "role": role, "status": status}
    values.update(overrides)
    if "organisation" not in values and "organisation_id" not in values:
        values["organisation"] = make_organisation()
    user = User(**values)
    if status != "pending" and "password_hash" not in overrides:
        user.password_hash = _password_hash()
    db.session.add(user)
    db.session.commit()
    return user


def make_member(**overrides) -> User:
    return make_user("member", **overrides)


def make_moderator(**overrides) -> User:
    return make_user("moderator", **overrides)


def make_admin(**overrides) -> User:
    return make_user("admin", **overrides)


def make_category(**overrides) -> Category:
    n = next(_counter)
    values = {"name": f"Category {n}", "description": "About things", "position": n}
    values.update(overrides)
    category = Category(**values)
    db.session.add(category)
    db.session.commit()
    return category


def make_thread(author=None, category=None, title=None, body="The opening post.", replies=0,
                reply_author=None):
    """A thread started through the real service, with `replies` replies."""
    author = author or make_member()
    category = category or make_category()
    thread = discussions.start_thread(author, category, title=title or f"Thread {next(_counter)}",
                                      body=body)
    for i in range(replies):
        discussions.reply(reply_author or author, thread, body=f"Reply number {i + 1}.")
    return thread


def login(client, user, password=PASSWORD):
    """Log `user` in through the real login form."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.data[:500]
    return response
