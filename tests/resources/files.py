"""Files the tests build for themselves: real documents made by real libraries, and hostile
files made by hand. Every builder returns bytes."""
import io
import struct
import zipfile
import zlib


# -- real documents -------------------------------------------------------------------------

def pdf(*pages: str) -> bytes:
    """A PDF (fpdf2) with one page per argument."""
    from fpdf import FPDF
    document = FPDF()
    document.set_font("Helvetica", size=12)
    for text in pages or ("A test PDF.",):
        document.add_page()
        document.multi_cell(0, 8, text)
    return bytes(document.output())


def encrypted_pdf(text: str = "Secret salary bands", password: str = "letmein") -> bytes:
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(text))))
    writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(*paragraphs: str) -> bytes:
    from docx import Document
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx(rows: list[list], title: str = "Survey") -> bytes:
    from openpyxl import Workbook
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pptx(*slides: tuple[str, str]) -> bytes:
    from pptx import Presentation
    presentation = Presentation()
    for title, body in slides:
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


_ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')
_ODF_MIME = {"odt": "application/vnd.oasis.opendocument.text",
             "ods": "application/vnd.oasis.opendocument.spreadsheet",
             "odp": "application/vnd.oasis.opendocument.presentation"}


def odf(kind: str = "odt", body: str | None = None, *paragraphs: str) -> bytes:
    """An OpenDocument file as LibreOffice lays it out: `mimetype` stored first, then XML."""
    if body is None:
        body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODF_NS} '
               f'office:version="1.3"><office:body><office:text>{body}</office:text>'
               f'</office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
                f'manifest:media-type="{_ODF_MIME[kind]}"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), _ODF_MIME[kind],
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def odt(*paragraphs: str) -> bytes:
    return odf("odt", None, *paragraphs)


def png(width=40, height=30, color=(200, 30, 60), exif_gps=False, text_chunk=None) -> bytes:
    from PIL import Image, PngImagePlugin
    image = Image.new("RGB", (width, height), color)
    out = io.BytesIO()
    options = {}
    if text_chunk:
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", text_chunk)
        options["pnginfo"] = info
    if exif_gps:
        options["exif"] = _gps_exif()
    image.save(out, "PNG", **options)
    return out.getvalue()


def jpeg_with_gps(width=64, height=48) -> bytes:
    from PIL import Image
    image = Image.new("RGB", (width, height), (10, 120, 200))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=_gps_exif(), comment=b"taken at the refuge")
    return out.getvalue()


def gif(frames=3) -> bytes:
    from PIL import Image
    colours = [(200, 30, 60), (30, 120, 200), (20, 160, 60), (240, 200, 0)]
    images = [Image.new("RGB", (20, 20), colours[i % 4]).convert("P") for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0,
                   comment=b"hello")
    return out.getvalue()


def _gps_exif():
    from PIL import Image
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0110] = "Model X"    # Model
    gps = {1: "N", 2: (55.0, 57.0, 12.0), 3: "W", 4: (3.0, 11.0, 30.0)}
    exif[0x8825] = gps
    return exif


# -- hostile files --------------------------------------------------------------------------

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
       b'<script>alert(document.domain)</script></svg>')
SVG_NO_PROLOG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'


def executable() -> bytes:
    """The start of a Windows PE executable."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + \
        b"PE\x00\x00" + b"This program cannot be run in DOS mode." + b"\x00" * 200


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def zip_bomb_docx(expanded_mb: int = 60) -> bytes:
    """A DOCX-shaped archive whose document part inflates from ~60 KB to `expanded_mb` MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\x00" * (1024 * 1024)
            for _ in range(expanded_mb):
                part.write(block)
    return out.getvalue()


def _docx_with_document_xml(document_xml: str) -> bytes:
    """A real DOCX (python-docx) with its document part replaced."""
    source = zipfile.ZipFile(io.BytesIO(docx("placeholder")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = document_xml.encode()
            target.writestr(item, data)
    return out.getvalue()


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def xxe_docx(target: str = "file:///etc/passwd") -> bytes:
    return _docx_with_document_xml(
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{target}">]>'
        f'<w:document {_W}><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body>'
        '</w:document>')


def billion_laughs_docx() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10))
    return _docx_with_document_xml(
        f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
        f'<w:document {_W}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>'
        '</w:document>')


def corrupt_pdf() -> bytes:
    good = pdf("This will be broken.")
    return good[:200] + b"\x00garbage\xff" * 50 + b"%%EOF"


def png_bomb(width=50_000, height=50_000) -> bytes:
    """A tiny PNG whose header claims 2.5 gigapixels."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1) * 4)  # a few rows; the rest is missing
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows)
            + chunk(b"IEND", b""))


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return out.getvalue()


def as_stored(data: bytes, name: str = "policy.pdf") -> bytes:
    """What the forum keeps of an uploaded document: the same file without its metadata
    (forum/files/metadata.py rewrites PDFs and Office files at upload)."""
    import tempfile
    from pathlib import Path

    from forum.files.filetypes import detect
    from forum.files.metadata import strip_metadata
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / name
        source.write_bytes(data)
        cleaned = strip_metadata(str(source), detect(str(source), name), name, folder)
        return Path(cleaned).read_bytes() if cleaned else data
