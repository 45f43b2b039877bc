"""`forum demo` fills the library with real, generated PDF and DOCX files."""
import io

from forum.demo import load_demo
from forum.extensions import db
from forum.files.models import StoredFile
from forum.resources.models import Resource
from forum.files.storage import get_storage

from .helpers import run_jobs


def test_demo_library_has_real_pdf_and_docx_files_with_text(app):
    load_demo()
    run_jobs()
    resources = db.session.scalars(db.select(Resource)).all()
    kinds = {r.kind for r in resources}
    assert {"pdf", "docx", "link"} <= kinds
    assert any(r.version_count == 2 for r in resources)  # one has a history
    for stored in db.session.scalars(db.select(StoredFile)):
        with get_storage().open(stored.sha256) as handle:
            data = handle.read()
        if stored.kind == "pdf":
            from pypdf import PdfReader
            assert PdfReader(io.BytesIO(data)).pages
        else:
            from docx import Document
            assert Document(io.BytesIO(data)).paragraphs
        assert stored.text_status == "done" and len(stored.text) > 100
    assert all(r.thread_id for r in resources)


def test_demo_library_loads_once(app):
    load_demo()
    before = db.session.scalar(db.select(db.func.count(Resource.id)))
    load_demo()
    assert db.session.scalar(db.select(db.func.count(Resource.id))) == before
