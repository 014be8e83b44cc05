"""Uploaded images made safe to keep: checked, then re-encoded without their metadata.

Checked before anything is kept — at most `max_bytes`, a JPEG, PNG or WebP image that Pillow
can read, between MIN_SIDE and MAX_SIDE pixels a side — then re-encoded: EXIF (a phone's GPS
position, the camera, the time), XMP and comments are gone; the EXIF orientation is applied
first, so the picture stands as it was taken. Used for requests' photos and qualifications'
scans; each says the refusal in its own words (`ImageRefused.reason`).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MIN_SIDE = 64
MAX_SIDE = 8000
#: Pillow's format → the type the image is served as.
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
#: Metadata Pillow would otherwise carry over: EXIF (GPS), XMP, comments.
METADATA = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "comments")


class ImageRefused(ValueError):
    """Why an upload is not kept: ``too_large``, ``empty``, ``not_image`` (another format),
    ``dimensions`` or ``unreadable``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int


def clean_image(raw: bytes, *, max_bytes: int) -> CleanImage:
    """The image checked and re-encoded without metadata; `ImageRefused` otherwise."""
    if len(raw) > max_bytes:
        raise ImageRefused("too_large")
    if not raw:
        raise ImageRefused("empty")
    try:
        with warnings.catch_warnings():
            # A "decompression bomb" (a small file of enormous dimensions) is refused.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            kind = image.format
            if kind not in FORMATS:
                raise ImageRefused("not_image")
            width, height = image.size
            if min(width, height) < MIN_SIDE or max(width, height) > MAX_SIDE:
                raise ImageRefused("dimensions")
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ImageRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused("unreadable") from None
    for key in METADATA:
        upright.info.pop(key, None)
    if kind == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    out = io.BytesIO()
    upright.save(out, kind, **({"quality": 88} if kind in ("JPEG", "WEBP") else {}))
    return CleanImage(out.getvalue(), FORMATS[kind], *upright.size)
