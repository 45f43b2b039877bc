"""Re-encode uploaded images with Pillow: the stored copy keeps only pixels, so EXIF (GPS,
camera serials), comments, XMP and anything smuggled after the image data are dropped, and
a file that merely starts like an image never reaches a browser as one."""
import os
import tempfile
import warnings

from PIL import Image, ImageOps, ImageSequence

from .filetypes import FileRejected, FileType

MAX_GIF_FRAMES = 300
_PIL_FORMAT = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF"}
_KEEP_INFO = {"transparency", "duration", "loop", "background"}


def reencode(path: str, filetype: FileType, name: str, max_pixels: int, temp_dir) -> str:
    """Write a clean copy of the image at `path` to a new temporary file; return its path.

    Refuses decompression bombs (more than `max_pixels` pixels, counting every frame) and
    files Pillow cannot decode as the type their header claims.
    """
    expected = _PIL_FORMAT[filetype.key]
    damaged = FileRejected(f"“{name}” is not a readable {filetype.label}. Check it opens "
                           "on your computer, then upload it again.")
    too_big = FileRejected(f"“{name}” has too many pixels for us to process "
                           f"(the limit is {max_pixels // 1_000_000} megapixels). "
                           "Make it smaller and upload it again.")
    out = tempfile.NamedTemporaryFile(dir=temp_dir, delete=False, suffix=filetype.extension)
    out.close()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=[expected]) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1) if expected == "GIF" else 1
                if width * height > max_pixels or width * height * min(frames, MAX_GIF_FRAMES) \
                        > max_pixels * 4:
                    raise too_big
                _save_clean(image, expected, out.name)
    except FileRejected:
        os.unlink(out.name)
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        os.unlink(out.name)
        raise too_big from None
    except Exception:  # Pillow raises many kinds of error on hostile input
        os.unlink(out.name)
        raise damaged from None
    return out.name


def _clean(frame: Image.Image) -> Image.Image:
    copy = frame.copy()
    copy.info = {key: value for key, value in frame.info.items() if key in _KEEP_INFO}
    return copy


def _save_clean(image: Image.Image, fmt: str, target: str) -> None:
    if fmt == "JPEG":
        image = ImageOps.exif_transpose(image)  # keep the picture upright without EXIF
        if image.mode not in {"RGB", "L", "CMYK"}:
            image = image.convert("RGB")
        _clean(image).save(target, "JPEG", quality=90, optimize=True)
    elif fmt == "PNG":
        image.load()
        _clean(image).save(target, "PNG", optimize=False)
    else:
        frames = [_clean(frame) for _, frame in zip(range(MAX_GIF_FRAMES),
                                                     ImageSequence.Iterator(image))]
        first, rest = frames[0], frames[1:]
        options = {"save_all": bool(rest), "append_images": rest}
        if rest:
            options["loop"] = image.info.get("loop", 0)
            options["duration"] = [frame.info.get("duration", 100) for frame in frames]
        first.save(target, "GIF", **options)
