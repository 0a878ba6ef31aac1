"""Where evidence bytes live.

`Storage` is the interface; `FilesystemStorage` keeps each file under a random name in a
random folder of its own below UPLOAD_FOLDER, so no user-supplied text ever reaches a path.
An object-store backend only has to implement the same six methods and be named in
EVIDENCE_STORAGE.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CHUNK_SIZE = 64 * 1024
_KEY_CHARS = set("0123456789abcdef/")


class Storage:
    """Stores byte streams under opaque keys that the storage itself chooses."""

    def save_stream(self, stream: BinaryIO) -> str:
        """Copy `stream` in chunks to a new random key and return the key."""
        raise NotImplementedError

    def save_stream_as(self, key: str, stream: BinaryIO) -> None:
        """Copy `stream` to exactly `key` (a restore puts files back under their old keys).
        An existing object under `key` is an error, never overwritten."""
        raise NotImplementedError

    def open(self, key: str) -> BinaryIO:
        raise NotImplementedError

    def delete(self, key: str) -> None:
        """Remove the object; a missing key is not an error."""
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        raise NotImplementedError

    def iterate(self) -> Iterator[str]:
        """Every key held, e.g. to find files that no row refers to."""
        raise NotImplementedError


class FilesystemStorage(Storage):
    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        # Keys are made here, but a key read back from the database is still checked.
        if not key or not set(key) <= _KEY_CHARS or ".." in key or key.startswith("/"):
            raise ValueError(f"invalid storage key {key!r}")
        return self.root / key

    def save_stream(self, stream: BinaryIO) -> str:
        folder = secrets.token_hex(16)
        key = f"{folder[:2]}/{folder}/{secrets.token_hex(16)}"
        self.save_stream_as(key, stream)
        return key

    def save_stream_as(self, key: str, stream: BinaryIO) -> None:
        path = self._path(key)  # validates the key: no traversal out of the storage root
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as target:  # "x": an existing file is an error
            try:
                shutil.copyfileobj(stream, target, CHUNK_SIZE)
            except BaseException:
                target.close()
                self.delete(key)
                raise

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        # Remove the file's own folder and its (now possibly empty) parent.
        for folder in (path.parent, path.parent.parent):
            try:
                folder.rmdir()
            except OSError:
                break

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def iterate(self) -> Iterator[str]:
        if not self.root.exists():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file():
                yield path.relative_to(self.root).as_posix()


BACKENDS: dict[str, type[Storage]] = {"filesystem": FilesystemStorage}


def check_backend(config) -> None:
    """Refuse to start with an EVIDENCE_STORAGE that names no backend (rather than failing
    at the first upload)."""
    backend = config.get("EVIDENCE_STORAGE", "filesystem")
    if backend not in BACKENDS:
        raise RuntimeError(
            f"EVIDENCE_STORAGE={backend!r} is not a storage backend; known: {', '.join(sorted(BACKENDS))}."
        )


def get_storage() -> Storage:
    """The storage chosen by EVIDENCE_STORAGE (default: the filesystem under UPLOAD_FOLDER)."""
    backend = current_app.config.get("EVIDENCE_STORAGE", "filesystem")
    if backend == "filesystem":
        return FilesystemStorage(current_app.config["UPLOAD_FOLDER"])
    return BACKENDS[backend]()
