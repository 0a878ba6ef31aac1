"""Hồ sơ điện tử: the whole proposal as one zip, with a manifest of names and SHA-256.

`write_dossier` takes a proposal and a writable file object and streams the zip into it:
the list (xlsx and pdf), the Tờ trình, the biên bản, the dự thảo Quyết định, a báo cáo
thành tích per line, and the evidence files of every proposed model, read in chunks from
the evidence storage. It needs the app's configuration and database session but no
request, so it can run as a background job.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from ..evidence.storage import CHUNK_SIZE, Storage
from ..exports import documents as list_documents
from ..exports import queries as list_queries
from ..exports.pdf import PdfUnavailable, convert_to_pdf, pdf_name, soffice_path
from ..exports.xlsx import workbook_bytes
from . import documents
from .models import Proposal

MANIFEST_NAME = "MANIFEST-SHA256.txt"
NOTES_NAME = "GHI CHU.txt"


@dataclass(frozen=True)
class ManifestEntry:
    name: str
    size: int
    sha256: str


def _safe(text: str, limit: int = 80) -> str:
    """A name part that every unzip tool accepts: no separators or control characters."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text)
    cleaned = " ".join(cleaned.split()).strip(" .")
    return cleaned[:limit].rstrip(" .") or "tep"


class _ZipWriter:
    def __init__(self, target: BinaryIO) -> None:
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)
        self.entries: list[ManifestEntry] = []
        self.names: set[str] = set()

    def _unique(self, name: str) -> str:
        candidate, number = name, 2
        while candidate.lower() in self.names:
            stem, dot, ext = name.rpartition(".")
            candidate = f"{stem} ({number}).{ext}" if dot else f"{name} ({number})"
            number += 1
        self.names.add(candidate.lower())
        return candidate

    def add_bytes(self, name: str, data: bytes) -> None:
        name = self._unique(name)
        self.zip.writestr(name, data)
        self.entries.append(ManifestEntry(name, len(data), hashlib.sha256(data).hexdigest()))

    def add_stream(self, name: str, stream: BinaryIO) -> None:
        name = self._unique(name)
        digest, size = hashlib.sha256(), 0
        with self.zip.open(name, "w", force_zip64=True) as out:
            while chunk := stream.read(CHUNK_SIZE):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        self.entries.append(ManifestEntry(name, size, digest.hexdigest()))

    def close(self, notes: list[str]) -> None:
        if notes:
            self.add_bytes(NOTES_NAME, ("\r\n".join(notes) + "\r\n").encode("utf-8"))
        # sha256sum's own format, so `sha256sum -c MANIFEST-SHA256.txt` checks the unpacked files.
        manifest = "".join(f"{entry.sha256}  {entry.name}\n" for entry in self.entries)
        self.zip.writestr(MANIFEST_NAME, manifest.encode("utf-8"))
        self.zip.close()


def generated_files(proposal: Proposal, config: Mapping[str, Any], today: date) -> dict[str, bytes]:
    """The documents of the dossier, by their name in the zip (before the PDFs)."""
    settings = documents.Settings.for_proposal(proposal, config)
    year = proposal.round.year
    files: dict[str, bytes] = {}
    ctx = list_documents.DocumentContext.from_organiser(proposal.round.organiser, config, today)
    sheets = list_documents.proposal_sheets(ctx, list_queries.proposal_list(proposal))
    files[f"01 Danh sách đề nghị khen thưởng {year}.xlsx"] = workbook_bytes(sheets)
    files[f"02 Tờ trình {year}.docx"] = documents.proposal_document(proposal, documents.SUBMISSION.slug, settings)
    files[f"03 Biên bản họp Hội đồng {year}.docx"] = documents.proposal_document(
        proposal, documents.MINUTES.slug, settings)
    files[f"04 Dự thảo Quyết định khen thưởng {year}.docx"] = documents.proposal_document(
        proposal, documents.DECISION.slug, settings)
    for number, line in enumerate([*proposal.collective_lines, *proposal.individual_lines], 1):
        kind = "tập thể" if line.is_collective else "cá nhân"
        name = f"05 Báo cáo thành tích/{number:02d} {kind} - {_safe(line.recipient_name)}.docx"
        files[name] = documents.report_document(line, settings)
    return files


def write_dossier(proposal: Proposal, target: BinaryIO, *, config: Mapping[str, Any], today: date,
                  storage: Storage) -> list[ManifestEntry]:
    """Stream the proposal's dossier as a zip into `target`; the manifest's entries."""
    files = generated_files(proposal, config, today)
    notes: list[str] = []
    pdfs: dict[str, bytes] = {}
    if soffice_path(config) is None:
        notes.append("Không có bản PDF: máy chủ chưa cài LibreOffice (hoặc đã tắt PDF_ENABLED).")
    else:
        try:
            pdfs = convert_to_pdf(files, config)
        except PdfUnavailable as error:
            notes.append(f"Không có bản PDF: {error}")
    writer = _ZipWriter(target)
    try:
        for name, data in files.items():
            writer.add_bytes(name, data)
            if name in pdfs:
                writer.add_bytes(pdf_name(name), pdfs[name])
        seen: set[int] = set()
        for line in proposal.lines:
            initiative = line.initiative
            if initiative.id in seen:
                continue
            seen.add(initiative.id)
            folder = f"06 Minh chứng/{len(seen):02d} {_safe(initiative.name, 60)}"
            for item in initiative.evidence:
                try:
                    stream = storage.open(item.storage_key)
                except (OSError, ValueError):
                    notes.append(f"Thiếu tệp minh chứng “{item.original_name}” của mô hình “{initiative.name}” "
                                 "trong kho lưu trữ.")
                    continue
                with stream:
                    writer.add_stream(f"{folder}/{_safe(item.original_name, 120)}", stream)
        writer.close(notes)
    except BaseException:
        writer.zip.close()
        raise
    return writer.entries


def is_large(proposal: Proposal, config: Mapping[str, Any]) -> bool:
    """Whether the zip is built by a job: more lines than JOB_DOSSIER_LINES, or evidence heavier
    than JOB_DOSSIER_THRESHOLD_MB."""
    from sqlalchemy import func, select

    from ..evidence.models import Evidence
    from ..extensions import db

    if len(proposal.lines) > int(config.get("JOB_DOSSIER_LINES", 30)):
        return True
    models = {line.initiative_id for line in proposal.lines}
    if not models:
        return False
    size = db.session.scalar(select(func.coalesce(func.sum(Evidence.size), 0)).where(Evidence.initiative_id.in_(models)))
    return size > int(config.get("JOB_DOSSIER_THRESHOLD_MB", 20)) * 1024 * 1024


def dossier_filename(proposal: Proposal) -> str:
    return f"Hồ sơ đề nghị khen thưởng {proposal.round.year} - {proposal.id}.zip"
