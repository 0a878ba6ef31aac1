"""The TrueType fonts embedded in certificates, found on the machine at run time.

They come from Debian packages that the deployment installs (fonts-liberation,
fonts-dejavu-core: Makefile SYSTEM_PACKAGES) and are never fetched. Liberation Serif has the
metrics of Times New Roman, which official documents use; both cover Vietnamese.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..core.errors import DomainError
from .models import FontFace

# Face → the files that may serve it, best first, each with its Debian package. Debian's
# fonts-liberation 1.x lacks Vietnamese; Liberation 2 (fonts-liberation2, or fonts-liberation
# from Debian 13 on) has it, so every candidate is checked for Vietnamese letters before use.
FONT_FILES: dict[FontFace, tuple[tuple[str, str], ...]] = {
    FontFace.SERIF: (("LiberationSerif-Regular.ttf", "fonts-liberation2"), ("DejaVuSerif.ttf", "fonts-dejavu-core")),
    FontFace.SERIF_BOLD: (("LiberationSerif-Bold.ttf", "fonts-liberation2"),
                          ("DejaVuSerif-Bold.ttf", "fonts-dejavu-core")),
    FontFace.SERIF_ITALIC: (("LiberationSerif-Italic.ttf", "fonts-liberation2"),
                            ("DejaVuSerif-Italic.ttf", "fonts-dejavu-extra")),
    FontFace.SERIF_BOLD_ITALIC: (("LiberationSerif-BoldItalic.ttf", "fonts-liberation2"),
                                 ("DejaVuSerif-BoldItalic.ttf", "fonts-dejavu-extra")),
    FontFace.SANS: (("DejaVuSans.ttf", "fonts-dejavu-core"), ("LiberationSans-Regular.ttf", "fonts-liberation2")),
    FontFace.SANS_BOLD: (("DejaVuSans-Bold.ttf", "fonts-dejavu-core"), ("LiberationSans-Bold.ttf", "fonts-liberation2")),
}
# Letters a font must have to print Vietnamese names (stacked tone marks, horn, stroke).
VIETNAMESE_SAMPLE = "ĐđƠơƯưẤấẦầẪẫẬậỄễỆệỒồỘộỠỡỮữỰựẢảỈỉỎỏỦủỲỳỸỹ"

DEFAULT_FONT_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts",
    "/usr/local/share/fonts",
)


class FontsMissing(DomainError):
    """A font file is not installed: the certificates cannot be printed with correct glyphs."""


_registered: dict[FontFace, str] = {}


def font_paths(file_name: str, directories: Iterable[str]) -> list[Path]:
    """Every file of that name in the directories (directly, then below), in order."""
    found: list[Path] = []
    for directory in directories:
        candidate = Path(directory) / file_name
        if candidate.is_file() and candidate not in found:
            found.append(candidate)
    for directory in directories:
        base = Path(directory)
        if base.is_dir():
            found.extend(path for path in sorted(base.rglob(file_name)) if path not in found)
    return found


def has_vietnamese(font: TTFont) -> bool:
    return all(ord(letter) in font.face.charToGlyph for letter in VIETNAMESE_SAMPLE)


def font_name(face: FontFace, directories: Iterable[str] = DEFAULT_FONT_DIRS) -> str:
    """The ReportLab name of `face`, registering (and so embedding) a TrueType file with
    Vietnamese letters the first time. Raises FontsMissing, naming the packages, when none."""
    if face in _registered:
        return _registered[face]
    directories = tuple(directories)
    for file_name, _package in FONT_FILES[face]:
        for path in font_paths(file_name, directories):
            # Named after its file too: ReportLab's registry is per process, and one face may be
            # served by another file when the first lacks Vietnamese.
            name = f"DVK-{face.value}-{path.parent.name}-{path.stem}"
            font = TTFont(name, str(path))
            if has_vietnamese(font):
                pdfmetrics.registerFont(font)
                _registered[face] = name
                return name
    wanted = ", ".join(f"{file_name} (gói {package})" for file_name, package in FONT_FILES[face])
    raise FontsMissing(
        f"Không in được phôi: máy chủ thiếu phông chữ có đủ chữ tiếng Việt; cần một trong các tệp {wanted}. "
        "Quản trị hệ thống cài bằng lệnh: apt-get install fonts-liberation2 fonts-dejavu-core."
    )
def check_fonts(directories: Iterable[str] = DEFAULT_FONT_DIRS) -> None:
    """Register every face now, so a missing one is reported before any page is drawn."""
    for face in FontFace:
        font_name(face, directories)
