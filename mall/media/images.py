"""Turning an upload into pictures fit to publish.

The type is read from the content, never the file name; only JPEG, PNG and WebP are taken.
Pixel bombs are refused before decoding. The picture is re-encoded from its pixels alone, so
EXIF (camera, GPS position), XMP and ICC data never reach the public; it is turned upright as
its EXIF said, and stored in two widths."""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass

from flask_babel.speaklater import LazyString
from PIL import Image, ImageOps, UnidentifiedImageError

from mall.i18n import lazy_translate as _l
from mall.media.storage import Storage

ACCEPTED = {"JPEG", "PNG", "WEBP"}
WIDTHS = (320, 960)
MAX_PIXELS = 40_000_000


class ImageRefused(ValueError):
    def __init__(self, message: LazyString) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True, slots=True)
class StoredImage:
    #: The name shared by every width: `<key>-320.jpg`, `<key>-960.jpg`.
    key: str
    width: int
    height: int


def store_image(data: bytes, storage: Storage, max_bytes: int) -> StoredImage:
    if len(data) > max_bytes:
        raise ImageRefused(_l("The picture is larger than %(mb)s MB.",
                              mb=f"{max_bytes / 1_000_000:g}"))
    picture = _open(data)
    key = secrets.token_hex(16)
    for width in WIDTHS:
        storage.save(f"{key}-{width}.jpg", _encode(picture, width))
    return StoredImage(key, picture.width, picture.height)


def remove_image(key: str | None, storage: Storage) -> None:
    if key:
        for width in WIDTHS:
            storage.delete(f"{key}-{width}.jpg")


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            if picture.format not in ACCEPTED:
                raise ImageRefused(_l("Upload a JPEG, PNG or WebP picture."))
            if picture.width * picture.height > MAX_PIXELS:
                raise ImageRefused(_l("The picture has too many pixels (40 million at most)."))
            picture.load()
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, OSError, SyntaxError) as error:
        raise ImageRefused(_l("This file is not a picture we can read.")) from error
    upright = ImageOps.exif_transpose(picture)
    if upright.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", upright.size, "white")
        rgba = upright.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return upright.convert("RGB")


def _encode(picture: Image.Image, width: int) -> bytes:
    """Pixels only, at `width` (never enlarged): no metadata survives."""
    resized = picture.copy()
    resized.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", resized.size)
    clean.paste(resized)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()
