"""Fixtures for meetings: a moderator, members, logged-in clients."""
import pytest

from ..factories import login, make_member, make_moderator


@pytest.fixture
def app_config(app_config):
    # Jobs (search indexing) run when a test says so, not after each response.
    app_config["JOBS_INLINE"] = False
    return app_config


@pytest.fixture
def moderator(app):
    return make_moderator(display_name="Ailsa Moderator")


@pytest.fixture
def member(app):
    return make_member(display_name="Fiona Campbell")


@pytest.fixture
def moderator_client(client, moderator):
    login(client, moderator)
    return client


@pytest.fixture
def member_client(client, member):
    login(client, member)
    return client
