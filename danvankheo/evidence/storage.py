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
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CHUNK_SIZE = 64 * 1024
_KEY_CHARS = set("0123456789abcdef/")
# An upload is written to "<key>.part" beside its target and renamed once its row is
# committed: a process killed meanwhile leaves only such a file, never a half-written key.
TEMP_SUFFIX = ".part"


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

    # Staged writes. A backend without them publishes at once (stage = save).

    def stage_stream(self, stream: BinaryIO) -> str:
        """Write `stream` under a new key that is not yet visible; `publish` makes it so."""
        return self.save_stream(stream)

    def publish(self, key: str) -> None:
        """Make a staged key visible (after the database commit)."""

    def discard(self, key: str) -> None:
        """Forget a staged key (after a rollback)."""
        self.delete(key)

    def temporaries(self) -> Iterator[tuple[str, float]]:
        """(key, age in seconds) of every staged write not published nor discarded."""
        return iter(())


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
            # Only keys: not staged uploads (".part") nor probes such as /healthz's ".healthz-*".
            if path.is_file() and "." not in path.name:
                yield path.relative_to(self.root).as_posix()

    def _temp_path(self, key: str) -> Path:
        path = self._path(key)
        return path.with_name(path.name + TEMP_SUFFIX)

    def stage_stream(self, stream: BinaryIO) -> str:
        folder = secrets.token_hex(16)
        key = f"{folder[:2]}/{folder}/{secrets.token_hex(16)}"
        temp = self._temp_path(key)
        temp.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "xb") as target:
            try:
                shutil.copyfileobj(stream, target, CHUNK_SIZE)
                target.flush()
                os.fsync(target.fileno())
            except BaseException:
                target.close()
                self.discard(key)
                raise
        return key

    def publish(self, key: str) -> None:
        os.rename(self._temp_path(key), self._path(key))  # atomic within one folder

    def discard(self, key: str) -> None:
        temp = self._temp_path(key)
        temp.unlink(missing_ok=True)
        for folder in (temp.parent, temp.parent.parent):
            try:
                folder.rmdir()
            except OSError:
                break

    def temporaries(self) -> Iterator[tuple[str, float]]:
        if not self.root.exists():
            return
        now = time.time()
        for path in sorted(self.root.rglob("*" + TEMP_SUFFIX)):
            key = path.relative_to(self.root).as_posix()[: -len(TEMP_SUFFIX)]
            try:
                self._path(key)
                age = now - path.stat().st_mtime
            except (ValueError, OSError):
                continue
            yield key, age


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
