"""Images lose their metadata before they are kept: EXIF (with GPS), XMP, PNG text chunks.

Each image is decoded with Pillow and saved again with only what is needed to show it the same
way: the pixels (turned upright first, as its EXIF orientation said), the colour profile, and a
PNG's transparency. A JPEG keeps its own quantisation tables and subsampling (what Pillow's
quality="keep" does), so it is not made worse by being saved again.
"""

import io
from typing import IO

from PIL import Image, ImageOps, JpegImagePlugin, UnidentifiedImageError

# What libmagic's type means to Pillow: MPO is how many phones write a JPEG.
PILLOW_FORMATS = {"image/png": {"PNG"}, "image/jpeg": {"JPEG", "MPO"}}
IMAGE_TYPES = set(PILLOW_FORMATS)


class ImageRefused(Exception):
    """Why an image is refused, in words to put after the file's name."""


def without_metadata(file: IO[bytes], mime_type: str) -> bytes:
    """The image in `file` saved again without its metadata; ImageRefused if it is not one."""
    try:
        with Image.open(file, formats=sorted(PILLOW_FORMATS[mime_type])) as original:
            width, height = original.size
            limit = Image.MAX_IMAGE_PIXELS  # None would switch Pillow's check off
            if limit is not None and width * height > limit:
                raise ImageRefused(_too_many_pixels())
            original.load()
            return _saved_again(original, mime_type)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own check (a warning above MAX_IMAGE_PIXELS, an error at twice that).
        raise ImageRefused(_too_many_pixels()) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        raise ImageRefused("is damaged: it cannot be opened as an image") from error
    finally:
        file.seek(0)


def _too_many_pixels() -> str:
    return (
        f"has too many pixels (the most is {Image.MAX_IMAGE_PIXELS or 0:,}); send a smaller version"
    )


def _saved_again(original: Image.Image, mime_type: str) -> bytes:
    upright = ImageOps.exif_transpose(original)  # a copy, turned as the EXIF said
    kept = {
        key: original.info[key] for key in ("icc_profile", "transparency") if key in original.info
    }
    upright.info = {}  # nothing of the original's info is written unless listed below
    options: dict[str, object] = {}
    if icc_profile := kept.get("icc_profile"):
        options["icc_profile"] = icc_profile
    if mime_type == "image/jpeg":
        options["qtables"] = original.quantization  # type: ignore[attr-defined]
        options["subsampling"] = JpegImagePlugin.get_sampling(original)
        options["progressive"] = bool(original.info.get("progressive"))
        image_format = "JPEG"
    else:
        if "transparency" in kept:
            options["transparency"] = kept["transparency"]
        image_format = "PNG"
    out = io.BytesIO()
    upright.save(out, format=image_format, **options)
    return out.getvalue()
