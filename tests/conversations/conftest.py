"""Fixtures for conversations: three members, and clients logged in as them."""
import pytest

from ..factories import make_member


@pytest.fixture
def app_config(app_config):
    # Jobs (notification emails) run when a test says so, not after each response.
    app_config["JOBS_INLINE"] = False
    return app_config


@pytest.fixture
def fiona(app):
    return make_member(display_name="Fiona Campbell")


@pytest.fixture
def raj(app):
    return make_member(display_name="Raj Patel")


@pytest.fixture
def grace(app):
    return make_member(display_name="Grace Okafor")
