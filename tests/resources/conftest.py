"""Fixtures for the resource library: people, a category, a logged-in client."""
import pytest

from ..factories import login, make_category, make_member


@pytest.fixture
def app_config(app_config):
    # Jobs run when a test says so (run_jobs), not after responses, so tests are exact.
    app_config["JOBS_INLINE"] = False
    return app_config


@pytest.fixture
def member(app):
    return make_member()


@pytest.fixture
def category(app):
    return make_category(name="Policies and guidance")


@pytest.fixture
def member_client(client, member):
    login(client, member)
    return client
