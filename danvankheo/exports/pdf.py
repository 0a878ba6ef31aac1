"""PDF from Word and Excel files, printed by LibreOffice headless.

Each conversion runs `soffice --headless --convert-to pdf` in a temporary folder with a
profile of its own (two conversions at once would otherwise fight over one profile) and a
timeout. Several files go through one LibreOffice start, which costs most of the time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class PdfUnavailable(RuntimeError):
    """LibreOffice is missing, switched off, or failed; the message says which."""


def soffice_path(config: Mapping[str, Any]) -> str | None:
    if not config.get("PDF_ENABLED", True):
        return None
    configured = config.get("SOFFICE_PATH")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def unavailable_reason(config: Mapping[str, Any]) -> str | None:
    """Why PDFs cannot be made here, in the words the page shows; None when they can."""
    if not config.get("PDF_ENABLED", True):
        return "Máy chủ đã tắt chức năng tạo PDF (PDF_ENABLED=0)."
    if soffice_path(config) is None:
        return ("Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF; hãy tải bản Word hoặc Excel. "
                "Quản trị hệ thống cài theo hướng dẫn trong docs/DEPLOY.md (mục PDF).")
    return None


def convert_to_pdf(files: Mapping[str, bytes], config: Mapping[str, Any]) -> dict[str, bytes]:
    """{"to-trinh.docx": bytes, ...} → {"to-trinh.docx": pdf bytes, ...}, in one LibreOffice run."""
    soffice = soffice_path(config)
    if soffice is None:
        raise PdfUnavailable(unavailable_reason(config) or "LibreOffice không có sẵn.")
    if not files:
        return {}
    with tempfile.TemporaryDirectory(prefix="dvk-pdf-") as tmp:
        folder = Path(tmp)
        sources = {}
        for index, (name, data) in enumerate(files.items()):
            # Plain ASCII names: the user's names never reach the command line.
            source = folder / f"file{index}{Path(name).suffix.lower()}"
            source.write_bytes(data)
            sources[name] = source
        profile = folder / "profile"
        env = dict(os.environ, HOME=str(folder))
        try:
            subprocess.run(
                [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                 "--nologo", "--convert-to", "pdf", "--outdir", str(folder / "out"),
                 *[str(path) for path in sources.values()]],
                check=True, capture_output=True, timeout=config.get("PDF_TIMEOUT", 45), env=env,
            )
        except subprocess.TimeoutExpired as error:
            raise PdfUnavailable("LibreOffice không tạo xong bản PDF trong thời gian cho phép.") from error
        except (subprocess.CalledProcessError, OSError) as error:
            raise PdfUnavailable("LibreOffice không tạo được bản PDF.") from error
        result = {}
        for name, source in sources.items():
            pdf = folder / "out" / (source.stem + ".pdf")
            if not pdf.is_file():
                raise PdfUnavailable(f"LibreOffice không tạo được bản PDF của {name}.")
            result[name] = pdf.read_bytes()
        return result


def pdf_name(name: str) -> str:
    return str(Path(name).with_suffix(".pdf"))
