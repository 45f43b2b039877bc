"""Helpers for resource tests: uploads from bytes, resources made through the services."""
import io

from werkzeug.datastructures import FileStorage

from forum.extensions import db
from forum.jobs import run_pending
from forum.resources import services
from forum.resources.models import Resource
from forum.files.uploads import receive

from ..factories import make_category, make_member
from . import files


def upload(name: str, data: bytes):
    """A checked Upload, as a form would give the services."""
    return receive(FileStorage(stream=io.BytesIO(data), filename=name))


def make_resource(author=None, category=None, title="Model harassment policy",
                  description="A policy template.", name="policy.pdf", data=None,
                  url=None, tags="policy") -> Resource:
    """A resource shared through the real service (a PDF unless `url` is given)."""
    author = author or make_member()
    category = category or make_category()
    the_upload = None
    if url is None:
        the_upload = upload(name, data if data is not None else files.pdf(title))
    return services.share_resource(author, title=title, description=description,
                                   category=category, tags=tags, upload=the_upload, url=url)


def run_jobs() -> int:
    """Run every due job, as `forum worker --once` would."""
    ran = run_pending(limit=1000)
    db.session.expire_all()
    return ran


def form_file(name: str, data: bytes):
    """A file for the test client's `data=` argument."""
    return (io.BytesIO(data), name)
