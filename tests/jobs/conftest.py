"""Job handlers used only by these tests, registered once."""
import threading

import pytest

from forum.extensions import db
from forum.jobs import handler

RAN: list = []
LOCK = threading.Lock()


@handler("test.record")
def record(value, fail_times=0):
    with LOCK:
        RAN.append(value)
        attempts = RAN.count(value)
    if attempts <= fail_times:
        raise RuntimeError(f"planned failure {attempts} for {value}")


@handler("test.write")
def write(name):
    from forum.accounts.models import Organisation
    db.session.add(Organisation(name=name))


@handler("test.crash")
def crash():
    raise ValueError("the handler blew up")


@pytest.fixture(autouse=True)
def clear_record():
    RAN.clear()
    yield
    RAN.clear()
