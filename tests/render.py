"""Print what a user prints: LibreOffice renders a workbook or document to PDF, poppler reads
the word boxes back, and the checks say what a reader of the paper would notice.

Tests that need these programs fail (never skip) when they are missing: CI installs
``libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-liberation``.
"""

from __future__ import annotations

import atexit
import html
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# pdftotext's word box is the font's ascent + descent: 1.30 × the point size for Liberation
# Serif (Times New Roman's metrics), measured at 8, 11, 12 and 14 pt. Dividing by it gives the
# printed size of the text, after any scaling the page setup applies.
BOX_TO_POINTS = 1.30


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def points(self) -> float:
        return self.height / BOX_TO_POINTS


@dataclass
class Page:
    width: float
    height: float
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def lines(self, tolerance: float = 2.0) -> list[list[Word]]:
        """Words grouped by baseline, top to bottom, each line left to right."""
        rows: list[list[Word]] = []
        for word in sorted(self.words, key=lambda w: (round(w.y1), w.x0)):
            for row in rows:
                if abs(row[0].y1 - word.y1) <= tolerance:
                    row.append(word)
                    break
            else:
                rows.append([word])
        for row in rows:
            row.sort(key=lambda w: w.x0)
        rows.sort(key=lambda r: r[0].y1)
        return rows

    def line_texts(self) -> list[str]:
        return [" ".join(w.text for w in row) for row in self.lines()]

    def find(self, phrase: str) -> list[Word] | None:
        """The words of `phrase` if they stand in that order on one line."""
        wanted = phrase.split()
        for row in self.lines():
            texts = [w.text for w in row]
            for i in range(len(texts) - len(wanted) + 1):
                if texts[i : i + len(wanted)] == wanted:
                    return row[i : i + len(wanted)]
        return None


def require(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.fail(
            f"{program} is required for the print tests: apt-get install "
            "libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-liberation"
        )
    return path


def to_pdf(data: bytes, suffix: str, workdir: Path | None = None) -> bytes:
    """Render .xlsx/.docx bytes with LibreOffice headless, as `soffice --convert-to pdf`.

    The command is the one a person types. It names the profile of this process's kept
    LibreOffice (`KeptOffice`), which then does the conversion: a start of LibreOffice costs
    about a second, the conversion of a list a twentieth of that. Without a kept one, the
    command starts LibreOffice on a profile of its own, as it always did."""
    soffice = require("soffice")
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        source = Path(tmp) / f"document{suffix}"
        source.write_bytes(data)
        profile = KEPT_OFFICE.profile(soffice) or Path(tmp) / "profile"
        env = dict(os.environ, HOME=str(profile.parent))
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", tmp, str(source)],
            check=True, capture_output=True, timeout=180, env=env,
        )
        return (Path(tmp) / "document.pdf").read_bytes()


class KeptOffice:
    """One LibreOffice per test process, left running on a profile of its own.

    `soffice --convert-to` hands its work to the LibreOffice already running on the same
    profile, if there is one, and waits for the file. A headless LibreOffice ends when its
    last document closes, so this one holds a small text file open, and listens on a named
    pipe, whose socket tells when it is ready. If it has ended, the next render starts another;
    if it cannot start, renders start their own, as before."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.folder: Path | None = None
        self.socket: Path | None = None
        self.broken = False

    def profile(self, soffice: str) -> Path | None:
        if self.broken:
            return None
        if self.process is None or self.process.poll() is not None:
            self._start(soffice)
        return None if self.broken else self.folder / "profile"

    def _start(self, soffice: str) -> None:
        self.stop()
        self.folder = Path(tempfile.mkdtemp(prefix="dvk-office-"))
        (self.folder / "open.txt").write_text("x")
        pipe = f"dvk_office_{os.getpid()}_{self.folder.name}"
        # LibreOffice puts its pipes in /tmp whatever TMPDIR says (osl's PIPEDEFAULTPATH).
        self.socket = Path("/tmp") / f"OSL_PIPE_{os.getuid()}_{pipe}"
        self.process = subprocess.Popen(
            [soffice, f"-env:UserInstallation={(self.folder / 'profile').as_uri()}", "--headless", "--norestore",
             "--nologo", f"--accept=pipe,name={pipe};urp;", str(self.folder / "open.txt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, HOME=str(self.folder)),
            start_new_session=True,  # its own process group: `stop` ends the launcher and soffice.bin
        )
        deadline = time.monotonic() + 60
        while not self.socket.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                self.broken = True
                return
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(timeout=20)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
        if self.socket is not None:
            self.socket.unlink(missing_ok=True)
            self.socket = None


KEPT_OFFICE = KeptOffice()
atexit.register(KEPT_OFFICE.stop)


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', re.S)


def pages(pdf: bytes) -> list[Page]:
    """Every page's size and word boxes (points, origin top left), from `pdftotext -bbox`."""
    pdftotext = require("pdftotext")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        out = subprocess.run([pdftotext, "-bbox", str(source), "-"], check=True, capture_output=True,
                             timeout=60).stdout.decode()
    result = []
    for width, height, body in _PAGE.findall(out):
        page = Page(float(width), float(height))
        for x0, y0, x1, y1, text in _WORD.findall(body):
            page.words.append(Word(html.unescape(text), float(x0), float(y0), float(x1), float(y1)))
        result.append(page)
    return result


def first_page_png(pdf: bytes, target: Path, resolution: int = 60) -> Path:
    """The first page as a PNG (`pdftoppm -png -r 60`), for the guides and for looking at."""
    pdftoppm = require("pdftoppm")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run([pdftoppm, "-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile",
                        str(source), str(target.with_suffix(""))], check=True, timeout=60)
    return target


# A word box is 1.30 em high (the font's whole ascent and descent) but wrapped lines stand
# 1.15 em apart in LibreOffice and Word: the boxes of two lines of one paragraph touch by
# 0.15 em although no ink does. Overlap is judged on the box less this much of its height
# at the top and at the bottom; two words printed over each other still overlap by far.
LINE_GAP_TRIM = 0.08


def overlaps(a: Word, b: Word, slack: float = 0.5) -> bool:
    ay0, ay1 = a.y0 + a.height * LINE_GAP_TRIM, a.y1 - a.height * LINE_GAP_TRIM
    by0, by1 = b.y0 + b.height * LINE_GAP_TRIM, b.y1 - b.height * LINE_GAP_TRIM
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > slack) and (min(ay1, by1) - max(ay0, by0) > slack)


def problems(doc: list[Page], *, min_points: float = 11.0) -> list[str]:
    """What a reader would notice: words off the page, words printed over each other, text
    smaller than `min_points`. Empty when the paper is fine."""
    found = []
    for number, page in enumerate(doc, start=1):
        for word in page.words:
            if word.x0 < 0 or word.y0 < 0 or word.x1 > page.width or word.y1 > page.height:
                found.append(f"page {number}: {word.text!r} lies outside the page")
            if word.points < min_points - 0.3:
                found.append(f"page {number}: {word.text!r} prints at {word.points:.1f} pt")
        words = sorted(page.words, key=lambda w: w.y0)
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                if b.y0 >= a.y1:
                    break
                if overlaps(a, b):
                    found.append(f"page {number}: {a.text!r} overlaps {b.text!r}")
    return found
