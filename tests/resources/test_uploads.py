"""Receiving files: size caps while streaming, images re-encoded without metadata."""
import io
import os

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from forum.files.filetypes import FileRejected
from forum.files.uploads import CappedUpload, receive_all
from forum.validation import DomainError

from . import files
from .helpers import upload


def test_upload_is_hashed_and_kept_in_scratch_space_inside_the_upload_folder(app):
    data = files.pdf("hello")
    received = upload("policy.pdf", data)
    import hashlib
    stored = files.as_stored(data)  # without its metadata (issue 18, item 5)
    assert received.key == hashlib.sha256(stored).hexdigest()
    assert received.size == len(stored)
    assert received.temp_path.startswith(app.config["UPLOAD_DIR"])
    assert "static" not in received.temp_path


def test_a_file_over_the_limit_is_refused_while_copying(app):
    app.config["MAX_UPLOAD_MB"] = 1
    big = b"a" * (1024 * 1024 + 1)
    with pytest.raises(FileRejected, match="larger than 1 MB"):
        upload("notes.txt", big)
    scratch = os.path.join(app.config["UPLOAD_DIR"], ".tmp")
    assert os.listdir(scratch) == []  # nothing left behind


def test_capped_spool_stops_keeping_bytes_past_the_limit():
    spool = CappedUpload(limit=10)
    spool.write(b"12345")
    spool.write(b"678901234")
    spool.write(b"more")
    assert spool.overflowed
    spool.seek(0)
    assert spool.read() == b""  # what was kept is dropped, not half a file


def test_receive_all_is_all_or_nothing(app):
    good = FileStorage(io.BytesIO(files.pdf("ok")), filename="ok.pdf")
    bad = FileStorage(io.BytesIO(files.HTML), filename="bad.pdf")
    with pytest.raises(DomainError) as refused:
        receive_all([good, bad], field="attachments")
    assert refused.value.field == "attachments"
    assert "bad.pdf" in str(refused.value)
    assert os.listdir(os.path.join(app.config["UPLOAD_DIR"], ".tmp")) == []


def test_receive_all_limits_the_number_of_files(app):
    app.config["MAX_ATTACHMENTS"] = 2
    chosen = [FileStorage(io.BytesIO(b"text"), filename=f"{n}.txt") for n in range(3)]
    with pytest.raises(DomainError, match="up to 2 files"):
        receive_all(chosen)


def test_empty_file_inputs_are_skipped(app):
    assert receive_all([FileStorage(io.BytesIO(b""), filename=""), None]) == []


def _reopen(received):
    with open(received.temp_path, "rb") as handle:
        return handle.read()


def test_jpeg_loses_exif_gps_and_comments(app):
    original = files.jpeg_with_gps()
    assert b"SecretCam" in original and b"refuge" in original
    received = upload("photo.jpg", original)
    cleaned = _reopen(received)
    assert b"SecretCam" not in cleaned and b"refuge" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert image.size == (64, 48)


def test_png_loses_text_chunks_and_exif(app):
    original = files.png(exif_gps=True, text_chunk="home address: 1 Secret Lane")
    assert b"Secret Lane" in original
    cleaned = _reopen(upload("chart.png", original))
    assert b"Secret Lane" not in cleaned and b"SecretCam" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "PNG" and not image.getexif()


def test_animated_gif_keeps_its_frames_but_not_its_comment(app):
    original = files.gif(frames=3)
    assert b"hello" in original
    cleaned = _reopen(upload("anim.gif", original))
    assert b"hello" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.n_frames == 3


def test_data_appended_after_an_image_is_dropped(app):
    original = files.png() + b"<script>alert(1)</script>"
    assert b"<script>" not in _reopen(upload("chart.png", original))


def test_decompression_bomb_is_refused(app):
    with pytest.raises(FileRejected, match="too many pixels"):
        upload("bomb.png", files.png_bomb())


def test_image_that_cannot_be_decoded_is_refused(app):
    broken = files.png()[:60]
    with pytest.raises(FileRejected, match="not a readable PNG image"):
        upload("broken.png", broken)
