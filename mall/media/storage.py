"""Where uploads are kept: behind one small interface, so a bucket or a CDN origin can
replace the local folder without touching the code that stores or serves them.

Pictures the posts publish (`storage`) and documents sent with applications
(`documents_storage`, never public) live in different places, each taking only names of
its own shape."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from flask import current_app

#: `<32 hex>-<size>.jpg`: names the app made, nothing a request could point elsewhere.
KEY = re.compile(r"[0-9a-f]{32}-(?:320|960)\.jpg")
#: `<32 hex>.<pdf|png|jpg>`: an application's document.
DOCUMENT_KEY = re.compile(r"[0-9a-f]{32}\.(?:pdf|png|jpg)")


class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...

    def read(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...


class LocalStorage:
    """A folder on this machine (MALL_MEDIA_DIR); the default, and enough for one node."""

    def __init__(self, root: Path, names: re.Pattern[str] = KEY) -> None:
        self.root = root
        self.names = names

    def save(self, key: str, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(data)
        temporary.replace(path)  # readers never see half a file

    def read(self, key: str) -> bytes | None:
        path = self._path(key)
        return path.read_bytes() if path.is_file() else None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        if not self.names.fullmatch(key):
            raise ValueError(f"not a media key: {key!r}")
        return self.root / key


def storage() -> Storage:
    return LocalStorage(Path(current_app.config["MEDIA_DIR"]))


def documents_storage() -> Storage:
    """Private: apart from the published pictures (which a CDN may serve whole), read only
    through the operator's desk."""
    return LocalStorage(Path(current_app.config["DOCUMENTS_DIR"]), DOCUMENT_KEY)
