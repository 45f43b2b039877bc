"""Issue 18 item 5: an anonymous asker is never named inside their own files.

Every uploaded document loses its metadata before it is stored (forum/files/metadata.py);
images are re-encoded. The test attaches documents whose metadata carry the asker's name
and email to an answer by the anonymous asker, then crawls every download of the thread
as a member and as a moderator and looks for the name and email in every byte, including
inside zip members, decompressed.
"""
import io
import re
import zipfile

import pytest

from forum.extensions import db

from .factories import login, make_category, make_member, make_moderator
from .qa.factories import make_question
from .resources import files

NAME, EMAIL = "Hamish Macleod", "hamish.macleod@council.example"
# Some formats store text as UTF-16 or escaped; search every plausible spelling.
NEEDLES = [NAME, EMAIL, "Macleod", "hamish.macleod"]


def _pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(files.pdf("Our draft policy"))))
    writer.add_metadata({"/Author": NAME, "/Creator": EMAIL, "/Producer": EMAIL,
                         "/Title": f"Draft by {NAME}"})
    xmp = DecodedStreamObject()
    xmp.set_data(f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{NAME} {EMAIL}'
                 f'</dc:creator></x:xmpmeta>'.encode())
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    writer.pages[0][NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _with_app_and_custom(data: bytes) -> bytes:
    """Add Company/Manager to docProps/app.xml and a custom property naming the author."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            body = source.read(member)
            if member.filename == "docProps/app.xml":
                body = body.replace(b"</Properties>", f"<Company>{NAME}</Company><Manager>"
                                    f"{EMAIL}</Manager></Properties>".encode())
            target.writestr(member, body)
        target.writestr("docProps/custom.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.'
            'openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://'
            'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property '
            'fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Owner">'
            f'<vt:lpwstr>{EMAIL}</vt:lpwstr></property></Properties>'))
    return out.getvalue()


def _docx() -> bytes:
    from docx import Document
    document = Document()
    document.add_paragraph("Our draft policy")
    document.core_properties.author = NAME
    document.core_properties.last_modified_by = EMAIL
    document.core_properties.comments = EMAIL
    out = io.BytesIO()
    document.save(out)
    return _with_app_and_custom(out.getvalue())


def _xlsx() -> bytes:
    from openpyxl import Workbook
    workbook = Workbook()
    workbook.active.append(["Survey", 12])
    workbook.properties.creator = NAME
    workbook.properties.lastModifiedBy = EMAIL
    out = io.BytesIO()
    workbook.save(out)
    return _with_app_and_custom(out.getvalue())


def _pptx() -> bytes:
    from pptx import Presentation
    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "Our draft policy"
    presentation.core_properties.author = NAME
    presentation.core_properties.last_modified_by = EMAIL
    out = io.BytesIO()
    presentation.save(out)
    return _with_app_and_custom(out.getvalue())


def _odt() -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(files.odt("Our draft policy"))), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            target.writestr(member, source.read(member))
        target.writestr("meta.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><office:document-meta xmlns:office="urn:'
            'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:'
            'opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<office:meta><meta:initial-creator>{NAME}</meta:initial-creator><dc:creator>'
            f'{EMAIL}</dc:creator></office:meta></office:document-meta>'),
            zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _jpeg() -> bytes:
    from PIL import Image
    image = Image.new("RGB", (32, 24), (200, 30, 60))
    exif = Image.Exif()
    exif[0x013B] = NAME  # Artist
    exif[0x8298] = EMAIL  # Copyright
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=EMAIL.encode())
    return out.getvalue()


DOCUMENTS = {"policy.pdf": _pdf, "policy.docx": _docx, "survey.xlsx": _xlsx,
             "slides.pptx": _pptx, "notes.odt": _odt, "photo.jpg": _jpeg}


def _all_bytes(data: bytes) -> list[bytes]:
    """The file, plus every member of it decompressed if it is a zip."""
    found = [data]
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            found += [archive.read(member) for member in archive.infolist()]
    return found


def _leaks(data: bytes) -> list[str]:
    leaks = []
    for blob in _all_bytes(data):
        lowered = blob.lower()
        for needle in NEEDLES:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                if needle.lower().encode(encoding) in lowered:
                    leaks.append(needle)
    return leaks


def test_the_builders_really_carry_the_askers_name():
    """Guard against a test that cannot fail: the uploads do name the asker."""
    for name, build in DOCUMENTS.items():
        assert _leaks(build()), name


def _reopen(name: str, data: bytes) -> None:
    """The stored copy still opens in the library that reads its type."""
    if name.endswith(".pdf"):
        from pypdf import PdfReader
        assert "Our draft policy" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    elif name.endswith(".docx"):
        from docx import Document
        assert Document(io.BytesIO(data)).paragraphs[0].text == "Our draft policy"
    elif name.endswith(".xlsx"):
        from openpyxl import load_workbook
        assert load_workbook(io.BytesIO(data)).active["A1"].value == "Survey"
    elif name.endswith(".pptx"):
        from pptx import Presentation
        assert Presentation(io.BytesIO(data)).slides[0].shapes.title.text == "Our draft policy"
    elif name.endswith(".odt"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.infolist()[0].filename == "mimetype"
            assert archive.infolist()[0].compress_type == zipfile.ZIP_STORED
            assert b"Our draft policy" in archive.read("content.xml")
    else:
        from PIL import Image
        Image.open(io.BytesIO(data)).load()


@pytest.fixture
def app_config(app_config):
    app_config["JOBS_INLINE"] = False
    return app_config


def test_anonymous_askers_files_never_name_them(app, client):
    asker = make_member(display_name=NAME, email=EMAIL)
    question = make_question(author=asker, category=make_category(), anonymous=True,
                             title="How do we word the disclosure policy?")
    login(client, asker)
    data = {"body": "Here are our drafts.",
            "attachments": [(io.BytesIO(build()), name) for name, build in DOCUMENTS.items()]}
    response = client.post(f"/questions/{question.id}/answers", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.data.decode()[:2000]
    client.post("/logout")
    for viewer in (make_member(), make_moderator()):
        login(client, viewer)
        page = client.get(f"/questions/{question.id}").data.decode()
        urls = sorted(set(re.findall(r'(?:href|src)="(/attachments/\d+/(?:download|image))"',
                                     page)))
        assert len([u for u in urls if u.endswith("/download")]) == len(DOCUMENTS), urls
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == "private, no-store"
            assert _leaks(response.data) == [], (url, response.headers["Content-Disposition"])
            if url.endswith("/download"):
                filename = re.search(r"filename=\"?([^\";]+)",
                                     response.headers["Content-Disposition"]).group(1)
                _reopen(filename, response.data)
        client.post("/logout")
