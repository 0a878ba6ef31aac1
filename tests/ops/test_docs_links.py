"""The README and docs link to files that exist, and every screenshot the guides show is one a
browser test takes (tests/browser writes docs/screenshots/<name>.png)."""

from __future__ import annotations

import re

from config import PROJECT_ROOT

DOCS = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").rglob("*.md"))]
# [text](target) and ![alt](target); targets with a scheme or only an anchor are skipped.
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
_SCREENSHOT_CALL = re.compile(r"""["']([a-z0-9-]+)(?:\.png)?["']""")


def _relative_links(path):
    for target in _LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        yield target.split("#", 1)[0]


def test_every_relative_link_resolves():
    broken = [
        f"{path.relative_to(PROJECT_ROOT)} -> {target}"
        for path in DOCS
        for target in _relative_links(path)
        if not (path.parent / target).exists()
    ]
    assert not broken, f"links to missing files: {broken}"


# The print tests render every export and document and save first pages as print-<name>.png
# (exports) and doc-<name>.png (the proposal's documents).
# Test folders whose tests save screenshots or printed pages for the guides.
SCREENSHOT_FOLDERS = ("browser", "feedback", "certificates")
PRINT_TESTS = ("tests/exports/test_print.py", "tests/awards/test_dossier_print.py",
               "tests/register/test_register_print.py")


def test_guides_show_only_screenshots_a_browser_test_takes():
    taken = set()
    for folder in SCREENSHOT_FOLDERS:
        for test in (PROJECT_ROOT / "tests" / folder).glob("test_*.py"):
            taken |= set(_SCREENSHOT_CALL.findall(test.read_text(encoding="utf-8")))
    for name in PRINT_TESTS:
        names = set(_SCREENSHOT_CALL.findall((PROJECT_ROOT / name).read_text(encoding="utf-8")))
        taken |= names | {f"print-{n}" for n in names}
    shown = {
        (path.parent / target).resolve()
        for path in DOCS
        for target in _relative_links(path)
        if target.endswith(".png")
    }
    screenshots = (PROJECT_ROOT / "docs" / "screenshots").resolve()
    not_taken = sorted(p.name for p in shown if p.parent == screenshots and p.stem not in taken)
    assert not not_taken, f"no browser test takes these screenshots: {not_taken}"


def test_user_guide_links_one_guide_per_role():
    index = (PROJECT_ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    for guide in ("can-bo", "giam-khao", "thuong-truc", "theo-doi", "quan-tri"):
        assert f"(guide/{guide}.md)" in index
