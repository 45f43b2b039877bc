"""Which files we accept, decided from their contents, and clean display names.

The type comes from the bytes (magic numbers and, for Office and OpenDocument files, the
ZIP archive's structure) and must agree with the name's extension. Anything else is
refused with a message that names the allowed types.
"""
import os
import re
import unicodedata
import zipfile
from codecs import getincrementaldecoder
from dataclasses import dataclass

from ..validation import DomainError


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    mime: str
    extensions: tuple[str, ...]
    group: str

    @property
    def is_image(self) -> bool:
        return self.group == "image"

    @property
    def extension(self) -> str:
        return self.extensions[0]


_TYPES = [
    FileType("pdf", "PDF", "application/pdf", (".pdf",), "pdf"),
    FileType("docx", "Word document", "application/vnd.openxmlformats-officedocument."
             "wordprocessingml.document", (".docx",), "document"),
    FileType("odt", "OpenDocument text", "application/vnd.oasis.opendocument.text", (".odt",),
             "document"),
    FileType("xlsx", "Excel spreadsheet", "application/vnd.openxmlformats-officedocument."
             "spreadsheetml.sheet", (".xlsx",), "spreadsheet"),
    FileType("ods", "OpenDocument spreadsheet", "application/vnd.oasis.opendocument."
             "spreadsheet", (".ods",), "spreadsheet"),
    FileType("csv", "CSV", "text/csv", (".csv",), "spreadsheet"),
    FileType("pptx", "PowerPoint presentation", "application/vnd.openxmlformats-"
             "officedocument.presentationml.presentation", (".pptx",), "presentation"),
    FileType("odp", "OpenDocument presentation", "application/vnd.oasis.opendocument."
             "presentation", (".odp",), "presentation"),
    FileType("txt", "Plain text", "text/plain", (".txt",), "text"),
    FileType("png", "PNG image", "image/png", (".png",), "image"),
    FileType("jpeg", "JPEG image", "image/jpeg", (".jpg", ".jpeg"), "image"),
    FileType("gif", "GIF image", "image/gif", (".gif",), "image"),
]
TYPES: dict[str, FileType] = {t.key: t for t in _TYPES}
BY_EXTENSION: dict[str, FileType] = {ext: t for t in _TYPES for ext in t.extensions}

# Groups shown in the library's "type" filter, in display order.
GROUPS = {
    "pdf": "PDF",
    "document": "Documents (Word, OpenDocument)",
    "spreadsheet": "Spreadsheets (Excel, OpenDocument, CSV)",
    "presentation": "Presentations (PowerPoint, OpenDocument)",
    "text": "Plain text",
    "image": "Images",
}

ALLOWED_DESCRIPTION = ("PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument "
                       "(ODT, ODS, ODP), CSV, plain text (TXT), PNG, JPEG or GIF")
ACCEPT_ATTRIBUTE = ",".join(sorted(BY_EXTENSION))

# Archive limits: an Office file is a ZIP, and a ZIP can be a bomb.
MAX_ARCHIVE_MEMBERS = 5000
MAX_ARCHIVE_UNCOMPRESSED = 500 * 1024 * 1024
MAX_MEMBER_RATIO = 200  # uncompressed / compressed, checked for members over 10 MB
RATIO_CHECK_FROM = 10 * 1024 * 1024

_OOXML_MAIN = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx",
               "ppt/presentation.xml": "pptx"}
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_MARKUP_STARTS = ("<!doctype", "<html", "<svg", "<?xml", "<script", "<head", "<body",
                  "<iframe", "<object", "<embed", "<meta")
# Bytes no plain-text file contains (tab, newlines, form feed and ESC-free text only).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class FileRejected(DomainError):
    """The file is not one we accept; the message says why, in words for the uploader."""


def not_allowed(name: str) -> FileRejected:
    return FileRejected(f"“{name}” is not a type of file we accept. You can upload "
                        f"{ALLOWED_DESCRIPTION} files.")


# -- names ----------------------------------------------------------------------------------

MAX_NAME_LENGTH = 150


def clean_filename(raw: str | None) -> str:
    """A safe display name: no folders, no control or formatting characters (so no NULs,
    newlines or bidirectional overrides), no leading dots, at most 150 characters with the
    extension kept."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    # Controls (NUL, newline) become spaces; formatting characters (bidi overrides,
    # zero-width joiners) and other invisible code points simply go.
    name = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in name
                   if unicodedata.category(ch) not in {"Cf", "Cs", "Co", "Cn"})
    name = " ".join(name.split()).strip(" .")
    stem, ext = os.path.splitext(name)
    if len(ext) > 10:
        stem, ext = stem + ext, ""
    stem = stem or "file"
    if len(stem) + len(ext) > MAX_NAME_LENGTH:
        stem = stem[:MAX_NAME_LENGTH - len(ext)].rstrip(" .") or "file"
    return stem + ext.lower()


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1].lower()


# -- contents -------------------------------------------------------------------------------

def detect(path: str, name: str) -> FileType:
    """The type of the file at `path` named `name`, or FileRejected."""
    size = os.path.getsize(path)
    if size == 0:
        raise FileRejected(f"“{name}” is empty. Choose a file that has something in it.")
    claimed = BY_EXTENSION.get(extension_of(name))
    if claimed is None:
        raise not_allowed(name)
    with open(path, "rb") as handle:
        head = handle.read(8192)
    actual = _sniff(path, head, name, claimed)
    if actual.key != claimed.key:
        raise FileRejected(
            f"“{name}” is named like a {claimed.label} but its contents are a "
            f"{actual.label}. Rename it to end in {actual.extension}, or choose another file.")
    return actual


def _sniff(path: str, head: bytes, name: str, claimed: FileType) -> FileType:
    if head.startswith(b"%PDF-"):
        return TYPES["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return TYPES["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return TYPES["jpeg"]
    if head.startswith((b"GIF87a", b"GIF89a")):
        return TYPES["gif"]
    if head.startswith(b"PK\x03\x04"):
        return _sniff_archive(path, name)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise FileRejected(
            f"“{name}” is an older Office file (.doc, .xls, .ppt) or a password-protected "
            "one. Save it as DOCX, XLSX or PPTX without a password, then upload it again.")
    if claimed.key in {"txt", "csv"} and _is_plain_text(path, head):
        return claimed
    raise not_allowed(name)


def _sniff_archive(path: str, name: str) -> FileType:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            check_archive(members, name)
            names = {member.filename for member in members}
            if members and members[0].filename == "mimetype" and "content.xml" in names:
                with archive.open(members[0]) as handle:
                    kind = _ODF_MIMETYPES.get(handle.read(100).strip())
                if kind:
                    return TYPES[kind]
            if "[Content_Types].xml" in names:
                if any(n.lower().endswith("vbaproject.bin") for n in names):
                    raise FileRejected(f"“{name}” contains macros, which we do not accept. "
                                       "Save it without macros and upload it again.")
                for main, kind in _OOXML_MAIN.items():
                    if main in names:
                        return TYPES[kind]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError, ValueError):
        raise FileRejected(f"“{name}” is damaged and cannot be opened. Check it opens on your "
                           "computer, then upload it again.") from None
    raise FileRejected(f"“{name}” is a ZIP archive, which we do not accept. You can upload "
                       f"{ALLOWED_DESCRIPTION} files.")


def check_archive(members: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse archives that would expand too far (zip bombs) or hide encrypted parts."""
    bomb = FileRejected(f"“{name}” expands to far more data than a real document would, so "
                        "we cannot accept it.")
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise bomb
    if sum(member.file_size for member in members) > MAX_ARCHIVE_UNCOMPRESSED:
        raise bomb
    for member in members:
        if member.flag_bits & 0x1:
            raise FileRejected(f"“{name}” is password-protected. Remove the password and "
                               "upload it again.")
        if (member.file_size > RATIO_CHECK_FROM
                and member.file_size > MAX_MEMBER_RATIO * max(member.compress_size, 1)):
            raise bomb


def _is_plain_text(path: str, head: bytes) -> bool:
    """Plain text: no binary control bytes, valid UTF-8 (or Windows-1252), not markup."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n\x0c")[:20].lower()
    if start.startswith(tuple(m.encode() for m in _MARKUP_STARTS)):
        return False
    decoder = getincrementaldecoder("utf-8")()
    utf8 = True
    with open(path, "rb") as handle:
        while chunk := handle.read(65536):
            if _BINARY_BYTES.search(chunk):
                return False
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
            return True
        except UnicodeDecodeError:
            pass
    try:  # Excel on Windows often saves CSV as Windows-1252
        with open(path, "rb") as handle:
            while chunk := handle.read(65536):
                chunk.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def human_size(size: int | None) -> str:
    """1234567 -> '1.2 MB'."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if size >= 100 else f"{size:.1f} {unit}"
    return ""  # pragma: no cover
