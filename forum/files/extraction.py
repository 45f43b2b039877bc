"""Defensive text extraction for search: PDF, DOCX, XLSX, PPTX, ODT/ODS/ODP, TXT and CSV.

`extract(kind, path, ...)` runs this file as a separate, isolated Python process (`-I`)
with a wall-clock timeout and, inside the child, limits on memory, CPU time and file
writes. Whatever a hostile file does to a parser (loops, huge allocations, crashes), the
worker only sees "text could not be extracted" with a short reason.

Inside the child, archives are checked before reading (member count, declared sizes,
compression ratio), every read is bounded, XML is parsed with defusedxml refusing DTDs,
entities and external references (so no XXE and no billion laughs), PDFs are read for at
most `max_pages` pages and all text stops at `max_chars` characters.

This module is run as a script, so it imports only the standard library at the top.
"""
import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass

MAX_MEMBER_BYTES = 200 * 1024 * 1024   # any one XML part, decompressed
MAX_TOTAL_BYTES = 500 * 1024 * 1024    # all parts read from one archive
MAX_MEMBERS = 5000
MAX_RATIO = 200


@dataclass
class Extraction:
    ok: bool
    text: str = ""
    reason: str = ""
    truncated: bool = False


class ExtractionFailed(Exception):
    """A reason the text could not be extracted, phrased for the uploader."""


# -- the parent side --------------------------------------------------------------------------

def extract(kind: str, path: str, *, timeout: float = 30, max_chars: int = 1_000_000,
            max_pages: int = 500, memory_mb: int = 1024) -> Extraction:
    """Extract text from the file at `path` in a child process. Never raises for bad files."""
    command = [sys.executable, "-I", os.path.abspath(__file__), kind, path, str(max_chars),
               str(max_pages), str(memory_mb), str(int(timeout) + 1)]
    try:
        finished = subprocess.run(command, capture_output=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL, env={"PATH": os.defpath},
                                  preexec_fn=_die_with_parent)
    except subprocess.TimeoutExpired:
        return Extraction(False, reason=f"reading it took longer than {timeout:g} seconds")
    if finished.returncode != 0 or not finished.stdout:
        return Extraction(False, reason="the reader stopped unexpectedly (the file may be "
                                        "damaged or too complex)")
    try:
        data = json.loads(finished.stdout)
    except ValueError:
        return Extraction(False, reason="the reader gave an unreadable answer")
    return Extraction(bool(data.get("ok")), text=data.get("text", ""),
                      reason=data.get("reason", ""), truncated=bool(data.get("truncated")))


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    """In the forked child before exec: ask Linux to SIGKILL it when the worker that
    started it dies (a worker killed with `kill -9` must not leave a parser running)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        os._exit(127)  # refuse to run unsupervised
    if os.getppid() == 1:  # the parent already died between fork and prctl
        os._exit(127)


# -- the child side ---------------------------------------------------------------------------

class _Text:
    """Collects text up to a character budget."""

    def __init__(self, max_chars: int):
        self.parts: list[str] = []
        self.left = max_chars
        self.truncated = False

    @property
    def full(self) -> bool:
        return self.left <= 0

    def add(self, text: str) -> None:
        if not text or self.full:
            return
        if len(text) > self.left:
            text, self.truncated = text[:self.left], True
        self.parts.append(text)
        self.left -= len(text)

    def result(self) -> tuple[str, bool]:
        text = "".join(self.parts)
        text = re.sub(r"[ \t]+\n", "\n", text)
        text = re.sub(r"\n{3,}", "\n\n", text)
        return text.strip(), self.truncated or self.full


def _pdf(path: str, out: _Text, max_pages: int) -> None:
    import logging
    logging.disable(logging.WARNING)  # pypdf warns loudly about damaged files
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:  # "encrypted" with an empty password only restricts printing and copying
                if not reader.decrypt(""):
                    raise FileNotDecryptedError("needs a password")
            except (DependencyError, FileNotDecryptedError, NotImplementedError):
                raise ExtractionFailed("the PDF is password-protected (encrypted)") from None
        for number, page in enumerate(reader.pages):
            if number >= max_pages:
                out.truncated = True
                break
            out.add((page.extract_text() or "") + "\n\n")
            if out.full:
                break
    except PdfReadError:
        raise ExtractionFailed("the PDF is damaged and could not be read") from None


class _Bounded:
    """A file-like reader that refuses to hand out more than `limit` bytes."""

    def __init__(self, raw, limit: int, budget: dict):
        self.raw, self.limit, self.budget, self.seen = raw, limit, budget, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(65536 if size is None or size < 0 else min(size, 65536))
        self.seen += len(chunk)
        self.budget["left"] -= len(chunk)
        if self.seen > self.limit or self.budget["left"] < 0:
            raise ExtractionFailed("the document expands to too much data")
        return chunk


class _Archive:
    def __init__(self, path: str):
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ExtractionFailed("the file is damaged and could not be opened") from None
        members = self.zip.infolist()
        if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
            raise ExtractionFailed("the document expands to too much data")
        for member in members:
            if member.flag_bits & 0x1:
                raise ExtractionFailed("the document is password-protected")
            if member.file_size > 10 * 1024 * 1024 and \
                    member.file_size > MAX_RATIO * max(member.compress_size, 1):
                raise ExtractionFailed("the document expands to too much data")
        self.names = [m.filename for m in members]
        self.budget = {"left": MAX_TOTAL_BYTES}

    def paragraphs(self, name: str, ends: set[str], collect):
        """Stream the XML part `name`, calling `collect(element)` when an element whose
        local name is in `ends` closes, then dropping it from memory."""
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import ParseError, iterparse
        try:
            with self.zip.open(name) as raw:
                source = _Bounded(raw, MAX_MEMBER_BYTES, self.budget)
                for _, element in iterparse(source, events=("end",), forbid_dtd=True,
                                            forbid_entities=True, forbid_external=True):
                    if _local(element.tag) in ends:
                        if collect(element) is False:
                            return
                        element.clear()
        except DefusedXmlException:
            raise ExtractionFailed("the document contains XML declarations we refuse to "
                                   "process for safety (DTDs or entities)") from None
        except (ParseError, zipfile.BadZipFile, EOFError, KeyError, ValueError):
            raise ExtractionFailed("the document is damaged and could not be read") from None


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _numbered(names: list[str], pattern: str) -> list[str]:
    matcher = re.compile(pattern)
    found = [(int(m.group(1)), n) for n in names if (m := matcher.fullmatch(n))]
    return [name for _, name in sorted(found)]


def _docx(path: str, out: _Text, max_pages: int) -> None:
    archive = _Archive(path)
    if "word/document.xml" not in archive.names:
        raise ExtractionFailed("the document is damaged and could not be read")
    parts = ["word/document.xml"] + [n for n in archive.names if re.fullmatch(
        r"word/(header\d*|footer\d*|footnotes|endnotes|comments)\.xml", n)]

    def paragraph(element):
        for node in element.iter():
            tag = _local(node.tag)
            if tag == "t":
                out.add(node.text or "")
            elif tag == "tab":
                out.add("\t")
            elif tag in {"br", "cr"}:
                out.add("\n")
        out.add("\n")
        return not out.full

    for part in parts:
        archive.paragraphs(part, {"p"}, paragraph)
        if out.full:
            return


def _pptx(path: str, out: _Text, max_pages: int) -> None:
    archive = _Archive(path)
    slides = _numbered(archive.names, r"ppt/slides/slide(\d+)\.xml")[:max_pages]
    notes = _numbered(archive.names, r"ppt/notesSlides/notesSlide(\d+)\.xml")[:max_pages]

    def paragraph(element):
        for node in element.iter():
            tag = _local(node.tag)
            if tag == "t":
                out.add(node.text or "")
            elif tag == "br":
                out.add("\n")
        out.add("\n")
        return not out.full

    for part in slides + notes:
        archive.paragraphs(part, {"p"}, paragraph)
        out.add("\n")
        if out.full:
            return


def _xlsx(path: str, out: _Text, max_pages: int) -> None:
    archive = _Archive(path)
    shared: list[str] = []
    budget = {"chars": out.left}

    def shared_string(element):
        text = "".join(node.text or "" for node in element.iter() if _local(node.tag) == "t")
        budget["chars"] -= len(text)
        shared.append(text if budget["chars"] > 0 else "")
        return True

    if "xl/sharedStrings.xml" in archive.names:
        archive.paragraphs("xl/sharedStrings.xml", {"si"}, shared_string)
    if "xl/workbook.xml" in archive.names:
        def sheet_name(element):
            out.add(f"{element.get('name', '')}\n")
        archive.paragraphs("xl/workbook.xml", {"sheet"}, sheet_name)
    row: list[str] = []

    def cell_or_row(element):
        tag = _local(element.tag)
        if tag == "row":
            out.add("\t".join(value for value in row if value) + "\n")
            row.clear()
            return not out.full
        kind = element.get("t", "n")
        value = next((node.text or "" for node in element if _local(node.tag) == "v"), "")
        if kind == "s":
            index = int(value) if value.isdigit() else -1
            value = shared[index] if 0 <= index < len(shared) else ""
        elif kind == "inlineStr":
            value = "".join(node.text or "" for node in element.iter()
                            if _local(node.tag) == "t")
        elif kind == "b":
            value = ""
        row.append(value)
        return True

    for sheet in _numbered(archive.names, r"xl/worksheets/sheet(\d+)\.xml")[:max_pages]:
        archive.paragraphs(sheet, {"c", "row"}, cell_or_row)
        out.add("\n")
        if out.full:
            return


def _odf(path: str, out: _Text, max_pages: int) -> None:
    archive = _Archive(path)
    if "content.xml" not in archive.names:
        raise ExtractionFailed("the document is damaged and could not be read")

    def walk(node, top: bool) -> None:
        tag = _local(node.tag)
        if tag == "s":
            count = node.get("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}c", "1")
            out.add(" " * min(int(count) if count.isdigit() else 1, 100))
        elif tag == "tab":
            out.add("\t")
        elif tag == "line-break":
            out.add("\n")
        else:
            out.add(node.text or "")
            for child in node:
                walk(child, False)
        if not top:
            out.add(node.tail or "")

    def paragraph(element):
        try:
            walk(element, True)
        except RecursionError:
            raise ExtractionFailed("the document is nested too deeply to read") from None
        out.add("\n")
        return not out.full

    archive.paragraphs("content.xml", {"p", "h"}, paragraph)


def _plain(path: str, out: _Text, max_pages: int) -> None:
    with open(path, "rb") as handle:
        data = handle.read(out.left * 4 + 4)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    out.add(text)


EXTRACTORS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "pptx": _pptx, "odt": _odf,
              "ods": _odf, "odp": _odf, "txt": _plain, "csv": _plain}


def _limit_resources(memory_mb: int, cpu_seconds: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return
    limits = [(resource.RLIMIT_AS, memory_mb * 1024 * 1024),
              (resource.RLIMIT_CPU, cpu_seconds),
              (resource.RLIMIT_FSIZE, 0)]  # the reader never needs to write a file
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):  # pragma: no cover - a lower hard limit is fine too
            pass


def run_child(argv: list[str]) -> dict:
    kind, path = argv[0], argv[1]
    max_chars, max_pages, memory_mb, cpu_seconds = (int(value) for value in argv[2:6])
    _limit_resources(memory_mb, cpu_seconds)
    out = _Text(max_chars)
    try:
        if kind not in EXTRACTORS:
            raise ExtractionFailed("this type of file has no text to extract")
        EXTRACTORS[kind](path, out, max_pages)
    except ExtractionFailed as failure:
        return {"ok": False, "reason": str(failure)}
    except MemoryError:
        return {"ok": False, "reason": "reading it needed too much memory"}
    except RecursionError:
        return {"ok": False, "reason": "the document is nested too deeply to read"}
    except Exception as error:  # any parser error on hostile input is "could not be read"
        return {"ok": False, "reason": "the file is damaged or could not be read",
                "detail": f"{type(error).__name__}: {error}"[:300]}
    text, truncated = out.result()
    return {"ok": True, "text": text, "truncated": truncated}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(run_child(sys.argv[1:])))
