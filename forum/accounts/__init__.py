"""Membership: applications, approval, login, passwords, profiles and organisations."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from . import staff_views, views  # noqa: E402,F401  (routes register on import)
