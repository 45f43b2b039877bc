"""Fixtures for polls: a moderator and a member (jobs such as indexing run when asked)."""
import pytest

from ..factories import make_member, make_moderator


@pytest.fixture
def app_config(app_config):
    app_config["JOBS_INLINE"] = False
    return app_config


@pytest.fixture
def moderator(app):
    return make_moderator(display_name="Ailsa Moderator")


@pytest.fixture
def member(app):
    return make_member(display_name="Fiona Campbell")
