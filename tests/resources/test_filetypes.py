"""Types are decided by content and must agree with the name; names are cleaned."""
import pytest

from forum.files.filetypes import FileRejected, clean_filename, detect

from . import files


def detect_bytes(tmp_path, name, data):
    path = tmp_path / "upload"
    path.write_bytes(data)
    return detect(str(path), name)


GOOD = [
    ("policy.pdf", lambda: files.pdf("x"), "pdf"),
    ("policy.docx", lambda: files.docx("x"), "docx"),
    ("survey.xlsx", lambda: files.xlsx([["a"]]), "xlsx"),
    ("slides.pptx", lambda: files.pptx(("t", "b")), "pptx"),
    ("notes.odt", lambda: files.odt("x"), "odt"),
    ("sheet.ods", lambda: files.odf("ods", "<text:p>x</text:p>"), "ods"),
    ("deck.odp", lambda: files.odf("odp", "<text:p>x</text:p>"), "odp"),
    ("data.csv", lambda: b"name,count\nEastfield,3\n", "csv"),
    ("readme.txt", lambda: "Caf\u00e9 policy notes\n".encode(), "txt"),
    ("windows.csv", lambda: "Caf\u00e9,\u20ac3\n".encode("cp1252"), "csv"),
    ("chart.png", lambda: files.png(), "png"),
    ("photo.jpg", lambda: files.jpeg_with_gps(), "jpeg"),
    ("photo.JPEG", lambda: files.jpeg_with_gps(), "jpeg"),
    ("anim.gif", lambda: files.gif(), "gif"),
]


@pytest.mark.parametrize("name,build,kind", GOOD, ids=[g[0] for g in GOOD])
def test_allowed_types_are_recognised_by_content(tmp_path, name, build, kind):
    assert detect_bytes(tmp_path, name, build()).key == kind


HOSTILE = [
    ("html renamed pdf", "invoice.pdf", files.HTML, "not a type of file we accept"),
    ("svg", "logo.svg", files.SVG, "not a type of file we accept"),
    ("svg renamed png", "logo.png", files.SVG, "not a type of file we accept"),
    ("svg without prolog renamed png", "logo.png", files.SVG_NO_PROLOG,
     "not a type of file we accept"),
    ("html renamed txt", "notes.txt", files.HTML, "not a type of file we accept"),
    ("svg renamed txt", "notes.txt", files.SVG, "not a type of file we accept"),
    ("exe renamed pdf", "report.pdf", files.executable(), "not a type of file we accept"),
    ("exe", "setup.exe", files.executable(), "not a type of file we accept"),
    ("elf renamed txt", "notes.txt", files.elf(), "not a type of file we accept"),
    ("plain zip renamed docx", "policy.docx", files.plain_zip(), "ZIP archive"),
    ("zip", "bundle.zip", files.plain_zip(), "not a type of file we accept"),
    ("zip bomb renamed docx", "policy.docx", files.zip_bomb_docx(), "expands to far more"),
    ("empty", "empty.pdf", b"", "is empty"),
    ("no extension", "README", b"hello", "not a type of file we accept"),
    ("ole (old or encrypted office)", "old.docx",
     b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected"),
    ("pdf named docx", "policy.docx", files.pdf("x"), "its contents are a PDF"),
    ("docx named pdf", "policy.pdf", files.docx("x"), "contents are a Word document"),
    ("png named jpg", "photo.jpg", files.png(), "contents are a PNG image"),
    ("truncated zip", "policy.docx", files.docx("x")[:300], "damaged"),
]


@pytest.mark.parametrize("label,name,data,message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_and_mislabelled_files_are_refused_with_a_clear_message(tmp_path, label, name,
                                                                       data, message):
    with pytest.raises(FileRejected) as refused:
        detect_bytes(tmp_path, name, data)
    assert message in str(refused.value)


def test_refusal_names_the_allowed_types(tmp_path):
    with pytest.raises(FileRejected) as refused:
        detect_bytes(tmp_path, "invoice.pdf", files.HTML)
    text = str(refused.value)
    for kind in ("PDF", "DOCX", "XLSX", "PPTX", "ODT", "ODS", "ODP", "CSV", "TXT", "PNG",
                 "JPEG", "GIF"):
        assert kind in text


def test_office_file_with_macros_is_refused(tmp_path):
    import io
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    with pytest.raises(FileRejected, match="macros"):
        detect_bytes(tmp_path, "policy.docx", out.getvalue())


@pytest.mark.parametrize("raw,clean", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\report.PDF", "report.pdf"),
    ("C:\\Users\\fiona\\Survey 2024.xlsx", "Survey 2024.xlsx"),
    ("a\x00b.pdf", "a b.pdf"),
    ("line\nbreak.txt", "line break.txt"),
    ("carriage\r\nreturn.txt", "carriage return.txt"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
    ("report\u2066.pdf\u2069.txt", "report.pdf.txt"),
    ("zero\u200bwidth.pdf", "zerowidth.pdf"),
    ("  ..hidden.txt", "hidden.txt"),
    ("", "file"),
    ("/", "file"),
    ("résumé.pdf", "résumé.pdf"),
])
def test_display_names_lose_paths_controls_and_direction_overrides(raw, clean):
    assert clean_filename(raw) == clean


def test_long_names_are_cut_keeping_the_extension():
    cleaned = clean_filename("x" * 300 + ".pdf")
    assert len(cleaned) == 150
    assert cleaned.endswith(".pdf")


def test_rtl_override_cannot_disguise_an_executable(tmp_path):
    name = clean_filename("invoice\u202efdp.exe")
    with pytest.raises(FileRejected, match="not a type of file we accept"):
        detect_bytes(tmp_path, name, files.pdf("x"))
