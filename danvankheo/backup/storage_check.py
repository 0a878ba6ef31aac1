"""Compare the evidence storage with the rows that refer to it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..evidence.storage import FilesystemStorage, Storage, get_storage
from ..extensions import db
from .tables import referenced_storage_keys


@dataclass
class StorageReport:
    referenced: int = 0
    held: int = 0
    # (table.column, row id, key) for rows whose file is gone.
    missing: list[tuple[str, object, str]] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    kept_recent: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.missing and len(self.orphans) == len(self.deleted)


def _age_seconds(storage: Storage, key: str) -> float | None:
    if isinstance(storage, FilesystemStorage):
        try:
            return time.time() - storage._path(key).stat().st_mtime
        except OSError:
            return None
    return None


def check_storage(*, delete_orphans: bool = False, min_age_seconds: float = 3600,
                  storage: Storage | None = None) -> StorageReport:
    """Missing files (a row names a key the storage lacks) and orphans (the reverse).

    Orphans younger than `min_age_seconds` are never deleted: an upload writes its file a
    moment before its row is committed, and must not lose it to a check running meanwhile.
    """
    storage = storage or get_storage()
    report = StorageReport()
    referenced = referenced_storage_keys(db.session.connection())
    held = set(storage.iterate())
    report.referenced, report.held = len(referenced), len(held)
    report.missing = sorted(
        (where, row_id, key) for key, (where, row_id) in referenced.items() if key not in held
    )
    report.orphans = sorted(held - referenced.keys())
    if delete_orphans:
        for key in report.orphans:
            age = _age_seconds(storage, key)
            if age is not None and age < min_age_seconds:
                report.kept_recent.append(key)
                continue
            storage.delete(key)
            report.deleted.append(key)
    return report


@dataclass
class SweepReport:
    """Staged uploads left by a process that stopped before publishing or discarding them."""

    published: list[str] = field(default_factory=list)  # the row was committed: rename finished
    removed: list[str] = field(default_factory=list)  # no row: the upload never happened
    kept_recent: list[str] = field(default_factory=list)  # maybe still being written


def sweep_temporaries(*, min_age_seconds: float = 600, storage: Storage | None = None) -> SweepReport:
    """Finish or remove staged uploads (`<key>.part`) older than `min_age_seconds`.

    A worker killed while writing leaves such a file and no row: it is removed. One killed
    between the database commit and the rename leaves a row and the file: the rename is done.
    """
    storage = storage or get_storage()
    report = SweepReport()
    temporaries = list(storage.temporaries())
    if not temporaries:
        return report
    referenced = referenced_storage_keys(db.session.connection())
    for key, age in temporaries:
        if age < min_age_seconds:
            report.kept_recent.append(key)
        elif key in referenced and not storage.exists(key):
            storage.publish(key)
            report.published.append(key)
        else:
            storage.discard(key)
            report.removed.append(key)
    return report
