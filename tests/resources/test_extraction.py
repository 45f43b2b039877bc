"""Text extraction: known text out of real documents; hostile files recorded as failures
without ever crashing the worker."""
import pytest

from forum.extensions import db
from forum.jobs.models import Job
from forum.files.extraction import extract
from forum.files.models import TEXT_DONE, TEXT_FAILED, TEXT_NONE, StoredFile

from . import files
from .helpers import make_resource, run_jobs


def extract_bytes(tmp_path, kind, data, **limits):
    path = tmp_path / f"file.{kind}"
    path.write_bytes(data)
    return extract(kind, str(path), **limits)


REAL = [
    ("pdf", lambda: files.pdf("Menopause policy for shift workers",
                              "Second page about the preventative duty"),
     ["Menopause policy for shift workers", "Second page about the preventative duty"]),
    ("docx", lambda: files.docx("Model sexual harassment policy", "Third-party harassment"),
     ["Model sexual harassment policy", "Third-party harassment"]),
    ("xlsx", lambda: files.xlsx([["Question", "Responses"], ["Felt safe at work", 412],
                                 ["Reported harassment", 37]], title="Staff survey"),
     ["Staff survey", "Felt safe at work", "Reported harassment", "412"]),
    ("pptx", lambda: files.pptx(("Leaders modelling culture", "Scenario based sessions"),
                                ("Next steps", "Anonymous reporting route")),
     ["Leaders modelling culture", "Scenario based sessions", "Anonymous reporting route"]),
    ("odt", lambda: files.odt("Flexible working at all grades",
                              'Evidence <text:span>from HR</text:span> systems'),
     ["Flexible working at all grades", "Evidence from HR systems"]),
    ("ods", lambda: files.odf("ods", '<table:table><table:table-row><table:table-cell>'
                                     '<text:p>Pay gap by grade</text:p></table:table-cell>'
                                     '</table:table-row></table:table>'),
     ["Pay gap by grade"]),
    ("odp", lambda: files.odf("odp", "<text:h>Safe leave</text:h><text:p>Ten days paid"
                                     "</text:p>"),
     ["Safe leave", "Ten days paid"]),
    ("csv", lambda: b"organisation,action\nEastfield,lone working review\n",
     ["Eastfield,lone working review"]),
    ("txt", lambda: "Caf\u00e9 conversations about \u20acosts".encode("cp1252"),
     ["Caf\u00e9 conversations about \u20acosts"]),
]


@pytest.mark.parametrize("kind,build,expected", REAL, ids=[r[0] for r in REAL])
def test_known_text_is_extracted_from_real_files(tmp_path, kind, build, expected):
    result = extract_bytes(tmp_path, kind, build())
    assert result.ok, result.reason
    for text in expected:
        assert text in result.text


HOSTILE = [
    ("xxe", "docx", files.xxe_docx, "DTDs or entities"),
    ("billion laughs", "docx", files.billion_laughs_docx, "DTDs or entities"),
    ("corrupt pdf", "pdf", files.corrupt_pdf, "damaged"),
    ("encrypted pdf", "pdf", files.encrypted_pdf, "password-protected"),
    ("not really a docx", "docx", lambda: b"PK\x03\x04 nonsense", "damaged"),
    ("zip bomb", "docx", lambda: files.zip_bomb_docx(60), "too much data"),
]


@pytest.mark.parametrize("label,kind,build,reason", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_files_give_a_reason_instead_of_text(tmp_path, label, kind, build, reason):
    result = extract_bytes(tmp_path, kind, build())
    assert not result.ok
    assert reason in result.reason
    assert result.text == ""


def test_xxe_never_reads_the_local_file(tmp_path):
    result = extract_bytes(tmp_path, "docx", files.xxe_docx("file:///etc/passwd"))
    assert "root:" not in result.text + result.reason


def test_pages_are_capped(tmp_path):
    result = extract_bytes(tmp_path, "pdf", files.pdf("first page", "second page", "third"),
                           max_pages=1)
    assert result.ok and "first page" in result.text and "second page" not in result.text
    assert result.truncated


def test_text_is_capped(tmp_path):
    result = extract_bytes(tmp_path, "txt", b"word " * 10_000, max_chars=100)
    assert result.ok and len(result.text) <= 100 and result.truncated


def test_time_is_capped(tmp_path):
    result = extract_bytes(tmp_path, "pdf", files.pdf("slow"), timeout=0.01)
    assert not result.ok and "longer than" in result.reason


def test_memory_is_capped(tmp_path):
    result = extract_bytes(tmp_path, "pdf", files.pdf("greedy"), memory_mb=30)
    assert not result.ok


# -- through the job queue ------------------------------------------------------------------

def stored_for(resource) -> StoredFile:
    return resource.versions[0].stored_file


def test_uploading_queues_extraction_in_the_same_transaction(app):
    resource = make_resource(name="policy.docx", data=files.docx("Lone working risk"))
    job = db.session.scalar(db.select(Job))
    assert job.kind == "files.extract_text"
    assert job.payload == {"stored_file_id": stored_for(resource).id}
    run_jobs()
    stored = stored_for(resource)
    assert stored.text_status == TEXT_DONE and "Lone working risk" in stored.text
    assert db.session.scalar(db.select(db.func.count(Job.id))) == 0


def test_images_have_no_text_and_queue_no_job(app):
    resource = make_resource(name="chart.png", data=files.png())
    assert stored_for(resource).text_status == TEXT_NONE
    assert db.session.scalar(db.select(db.func.count(Job.id))
                             .where(Job.kind == "files.extract_text")) == 0


def test_damaged_and_locked_pdfs_are_refused_at_upload_saying_why(app):
    """Their author details cannot be removed, so they are not stored (issue 18, item 5)."""
    from forum.files.filetypes import FileRejected
    for name, data, words in [("corrupt.pdf", files.corrupt_pdf(), "damaged PDF"),
                              ("locked.pdf", files.encrypted_pdf(), "password-protected")]:
        with pytest.raises(FileRejected) as refused:
            make_resource(title=f"Hostile {name}", name=name, data=data)
        assert words in str(refused.value) and name in str(refused.value)
    assert db.session.scalar(db.select(db.func.count(Job.id))) == 0


def test_the_worker_survives_every_hostile_file_and_records_why(app):
    hostile = {"xxe.docx": files.xxe_docx(), "laughs.docx": files.billion_laughs_docx()}
    resources = [make_resource(title=f"Hostile {name}", name=name, data=data)
                 for name, data in hostile.items()]
    good = make_resource(title="Good one", name="good.pdf", data=files.pdf("Safe words"))
    assert db.session.scalar(db.select(db.func.count(Job.id))
                             .where(Job.kind == "files.extract_text")) == 3
    run_jobs()
    for resource in resources:
        stored = stored_for(resource)
        assert stored.text_status == TEXT_FAILED
        assert stored.text_error
    assert "Safe words" in stored_for(good).text
    # Extraction failures are results, not job failures: nothing is left to retry.
    assert db.session.scalar(db.select(db.func.count(Job.id))) == 0


def test_a_file_missing_from_storage_is_retried_not_lost(app):
    from forum.files.storage import get_storage
    resource = make_resource()
    get_storage().delete(stored_for(resource).sha256)
    run_jobs()
    job = db.session.scalar(db.select(Job).where(Job.kind == "files.extract_text"))
    assert job.status == "queued" and job.attempts == 1
    assert "missing from storage" in job.last_error
