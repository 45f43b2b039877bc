"""Where uploaded files live: a tiny interface (put, open, delete, exists by key) with a
local-folder implementation. Keys are SHA-256 digests of the content, so identical files
are stored once and a name reveals nothing about the file.

An S3-compatible store can implement the same interface later (DESIGN.md §4); callers that
need a real path (serving with ranges, extracting text) use `local_copy`, which for a
remote store would download to a temporary file.
"""
import hashlib
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol

from flask import current_app

_KEY = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024


class Storage(Protocol):
    def put(self, key: str, source_path: str) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def path(self, key: str) -> Path | None: ...  # None when the store is not local


class LocalStorage:
    """Files in a folder outside `static/`, fanned out as ab/cd/abcd…"""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):  # keys are our own digests; anything else is a bug or attack
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key[:2] / key[2:4] / key

    def put(self, key: str, source_path: str) -> None:
        """Move `source_path` into the store under `key` (atomic; same content twice is fine)."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source_path, target)  # same filesystem: the temp dir is inside root
        except OSError:
            with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
                with open(source_path, "rb") as source:
                    shutil.copyfileobj(source, handle, CHUNK)
            os.replace(handle.name, target)
            os.unlink(source_path)
        os.chmod(target, 0o640)

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def path(self, key: str) -> Path | None:
        return self._path(key)

    def temp_dir(self) -> Path:
        """A scratch folder on the same filesystem, so `put` is a rename."""
        folder = self.root / ".tmp"
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def get_storage() -> LocalStorage:
    """The configured store (UPLOAD_DIR, default instance/uploads/)."""
    app = current_app._get_current_object()
    store = app.extensions.get("forum_storage")
    if store is None or str(store.root) != app.config["UPLOAD_DIR"]:
        store = app.extensions["forum_storage"] = LocalStorage(app.config["UPLOAD_DIR"])
    return store


@contextmanager
def local_copy(key: str) -> Iterator[str]:
    """A filesystem path to the stored file for as long as the block runs."""
    store = get_storage()
    path = store.path(key)
    if path is not None:
        yield str(path)
        return
    with tempfile.NamedTemporaryFile() as handle:  # pragma: no cover - remote stores
        with store.open(key) as source:
            shutil.copyfileobj(source, handle, CHUNK)
        handle.flush()
        yield handle.name


def file_digest(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
