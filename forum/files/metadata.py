"""Strip document metadata from uploads before they are stored (issue 18, item 5).

An Office or PDF file carries its author's name, "last modified by", company and manager,
and often an email address, in its metadata. Stored and served as is, an anonymous asker's
attachment would name them. Every uploaded document is therefore rewritten without it
before its checksum is taken, so the stored bytes (and the deduplication key) are clean:

- PDF: the document information dictionary and every XMP ``/Metadata`` stream (catalog,
  pages, other objects) are removed; the file is rewritten with pypdf.
- Office OOXML (DOCX, XLSX, PPTX): ``docProps/core.xml``, ``docProps/app.xml`` and
  ``docProps/custom.xml`` are replaced by empty property sets (the parts stay, so the
  package's relationships remain valid).
- OpenDocument (ODT, ODS, ODP): ``meta.xml`` is replaced by an empty ``office:meta``.
- Images are re-encoded by forum.files.images, which keeps only pixels.
- CSV and plain text have no metadata.

A file we cannot rewrite (a PDF that needs a password, a damaged archive) is refused
with a message saying why, rather than stored with its author inside.
"""
import os
import tempfile
import zipfile

from .filetypes import FileRejected, FileType

_CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
         'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
         'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/'
         'dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>').encode()
_APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        '2006/docPropsVTypes"/>').encode()
_CUSTOM = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
           '2006/docPropsVTypes"/>').encode()
_ODF_META = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
             'office:1.0" office:version="1.2"><office:meta/></office:document-meta>').encode()

OOXML_REPLACEMENTS = {"docProps/core.xml": _CORE, "docProps/app.xml": _APP,
                      "docProps/custom.xml": _CUSTOM}
ODF_REPLACEMENTS = {"meta.xml": _ODF_META}
_ARCHIVES = {"docx": OOXML_REPLACEMENTS, "xlsx": OOXML_REPLACEMENTS,
             "pptx": OOXML_REPLACEMENTS, "odt": ODF_REPLACEMENTS, "ods": ODF_REPLACEMENTS,
             "odp": ODF_REPLACEMENTS}


def strip_metadata(path: str, filetype: FileType, name: str, temp_dir) -> str | None:
    """Write a copy of the document at `path` without its metadata and return the copy's
    path, or None when the type carries none (text, CSV; images are re-encoded elsewhere).
    Raises FileRejected when the file cannot be cleaned."""
    if filetype.key == "pdf":
        return _rewrite(path, temp_dir, filetype, lambda target: _strip_pdf(path, target, name))
    replacements = _ARCHIVES.get(filetype.key)
    if replacements is not None:
        return _rewrite(path, temp_dir, filetype,
                        lambda target: _strip_archive(path, target, replacements, name))
    return None


def _rewrite(path, temp_dir, filetype, write) -> str:
    handle, target = tempfile.mkstemp(dir=temp_dir, prefix="clean-", suffix=filetype.extension)
    os.close(handle)
    try:
        write(target)
    except BaseException:
        os.unlink(target)
        raise
    return target


def _strip_archive(path: str, target: str, replacements: dict[str, bytes], name: str) -> None:
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
            for member in source.infolist():  # detect() has checked sizes and ratios
                data = replacements.get(member.filename)
                if data is None:
                    data = source.read(member)
                info = zipfile.ZipInfo(member.filename, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = member.compress_type  # ODF's "mimetype" stays stored
                info.external_attr = member.external_attr
                out.writestr(info, data)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError, ValueError, KeyError):
        raise FileRejected(f"“{name}” is damaged, so we could not remove its author details "
                           "(document properties) before sharing it. Check it opens on your "
                           "computer, then upload it again.") from None


def _strip_pdf(path: str, target: str, name: str) -> None:
    import logging
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import NameObject
    logger = logging.getLogger("pypdf")
    level, logger.level = logger.level, logging.ERROR  # damaged files make pypdf chatty
    damaged = FileRejected(f"“{name}” is a damaged PDF, so we could not remove its author "
                           "details (document properties) before sharing it. Save it again "
                           "as PDF and upload it again.")
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileRejected(
                f"“{name}” is password-protected, so we cannot remove its author details "
                "(document properties) before sharing it. Save it without a password and "
                "upload it again.")
        writer = PdfWriter(clone_from=reader)
        for obj in _objects(writer):
            if "/Metadata" in obj:
                del obj[NameObject("/Metadata")]
            if "/PieceInfo" in obj:  # application private data, often with author names
                del obj[NameObject("/PieceInfo")]
        for obj in _objects(writer):  # XMP streams referred to from anywhere else too
            if obj.get("/Type") == "/Metadata" and hasattr(obj, "set_data"):
                obj.set_data(b"")
        writer.metadata = None  # no /Info dictionary at all
        _drop_unreferenced(writer)  # the XMP streams no longer referred to
        with open(target, "wb") as handle:
            writer.write(handle)
    except FileRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError,
            NotImplementedError, OSError):
        raise damaged from None
    except Exception:  # pypdf raises many kinds of error on hostile input
        raise damaged from None
    finally:
        logger.level = level


def _drop_unreferenced(writer) -> None:
    """pypdf 7 renamed the arguments (remove_orphans -> remove_unreferenced)."""
    try:
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    except TypeError:  # pypdf 5 and 6
        writer.compress_identical_objects(remove_identicals=False, remove_orphans=True)


def _objects(writer):
    """Every dictionary object of the document being written (catalog, pages, fonts…)."""
    from pypdf.generic import DictionaryObject, StreamObject
    for obj in list(writer._objects):
        if obj is None:
            continue
        obj = obj.get_object() if hasattr(obj, "get_object") else obj
        if isinstance(obj, (DictionaryObject, StreamObject)):
            yield obj
