"""Documents sent with an application (a designation decree, a letter from the ministry):
PDF, PNG or JPEG, told apart by their first bytes — never by the file's name or the type
the browser claimed — and kept as they came, under a name the mall makes."""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass

from flask_babel.speaklater import LazyString
from PIL import Image, UnidentifiedImageError

from mall.i18n import lazy_translate as _l
from mall.media.storage import Storage

#: Content type and stored extension, by the bytes every such file starts with.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
_PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


class DocumentRefused(ValueError):
    def __init__(self, message: LazyString) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True, slots=True)
class CheckedDocument:
    """An upload that passed: its bytes, what they are, and a clean name to show."""

    data: bytes
    content_type: str
    extension: str
    filename: str


@dataclass(frozen=True, slots=True)
class StoredDocument:
    key: str
    content_type: str
    size: int
    filename: str


def check_document(data: bytes, filename: str, max_bytes: int) -> CheckedDocument:
    """`data` if it is a PDF, PNG or JPEG of at most `max_bytes`; `DocumentRefused` with a
    reason a person can act on otherwise. A file that only starts like one is refused too:
    pictures must decode, and a PDF must end as PDFs do."""
    if not data:
        raise DocumentRefused(_l("The file %(name)s is empty.", name=_shown(filename)))
    if len(data) > max_bytes:
        raise DocumentRefused(_l("The file %(name)s is larger than %(mb)s MB.",
                                 name=_shown(filename), mb=f"{max_bytes / 1_000_000:g}"))
    for magic, content_type, extension in SIGNATURES:
        if data.startswith(magic):
            if content_type in _PILLOW_FORMATS:
                _check_picture(data, _PILLOW_FORMATS[content_type], filename)
            elif b"%%EOF" not in data[-1024:]:  # every PDF ends with its end-of-file marker
                raise DocumentRefused(_l("The file %(name)s is not a complete PDF document.",
                                         name=_shown(filename)))
            return CheckedDocument(data, content_type, extension, clean_filename(filename,
                                                                                 extension))
    raise DocumentRefused(_l("The file %(name)s is not a PDF, PNG or JPEG document.",
                             name=_shown(filename)))


def store_document(document: CheckedDocument, storage: Storage) -> StoredDocument:
    key = f"{secrets.token_hex(16)}.{document.extension}"
    storage.save(key, document.data)
    return StoredDocument(key, document.content_type, len(document.data), document.filename)


def _check_picture(data: bytes, expected: str, filename: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            if picture.format != expected:
                raise DocumentRefused(_l("The file %(name)s is not a picture we can read.",
                                         name=_shown(filename)))
            picture.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, DocumentRefused):
            raise
        raise DocumentRefused(_l("The file %(name)s is not a picture we can read.",
                                 name=_shown(filename))) from error


_UNSAFE = re.compile(r"[^\w .()-]+")


def clean_filename(filename: str, extension: str) -> str:
    """The uploaded name as a person would recognise it, with nothing a file system or a
    header could misread: no folders, no control or odd characters, the extension of what
    the file really is."""
    base = unicodedata.normalize("NFC", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = " ".join(_UNSAFE.sub(" ", stem).split()).strip(" .")[:80]
    return f"{stem or 'document'}.{extension}"


def _shown(filename: str) -> str:
    return " ".join(_UNSAFE.sub(" ", filename or "").split())[:80] or "?"
