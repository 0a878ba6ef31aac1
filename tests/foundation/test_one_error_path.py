"""Every view turns a refusal into a rollback and a message in one place, `core.errors.saving`:
no routes module rolls back on its own or decides what happened by reading a message."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "danvankheo"

# Asking a text what it says: `"hạn" in str(error)`, `str(error).startswith(...)`.
TEXT_METHODS = {"startswith", "endswith", "find", "rfind", "index", "count", "__contains__"}


def _routes_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*routes*.py"))


def _is_str_of_something(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str"
            and len(node.args) == 1)


def _offences(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "rollback":
                found.append((node.lineno, "rolls back itself"))
            elif node.func.attr in TEXT_METHODS and _is_str_of_something(node.func.value):
                found.append((node.lineno, "reads a message's text"))
        elif isinstance(node, ast.Compare) and any(_is_str_of_something(side)
                                                   for side in (node.left, *node.comparators)):
            found.append((node.lineno, "reads a message's text"))
    return found


def test_there_are_routes_modules_to_check():
    names = {path.relative_to(PACKAGE).as_posix() for path in _routes_modules()}
    assert {"registry/routes.py", "registry/review_routes.py", "organisers/nomination_routes.py",
            "evidence/routes.py", "scoring/round_routes.py", "awards/routes.py"} <= names


@pytest.mark.parametrize("path", _routes_modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_views_leave_refusals_to_saving(path: Path):
    offences = _offences(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    assert offences == [], f"{path.relative_to(PACKAGE)}: {offences} (use core.errors.saving)"


@pytest.mark.parametrize("source", [
    "db.session.rollback()",
    "if 'hạn' in str(error): pass",
    "ok = str(error) == 'Hết hạn'",
    "ok = str(error).startswith('Hết')",
])
def test_the_check_sees_what_it_forbids(source: str):
    assert _offences(ast.parse(source))


def test_service_refusals_are_domain_errors():
    from danvankheo.core.errors import DomainError, StaleError
    from danvankheo.evidence.filetypes import FileRefused
    from danvankheo.evidence.services import FileTooLarge
    from danvankheo.imports.services import ImportRejected
    from danvankheo.imports.spreadsheet import ImportFileError
    from danvankheo.jobs.services import JobRefused
    from danvankheo.registry.bulk import BulkRefused
    from danvankheo.registry.deadlines import DeadlineError
    from danvankheo.registry.services import DossierError, StaleDossier
    from danvankheo.registry.similarity import SimilarityError
    from danvankheo.registry.workflow import TransitionRefused

    for refusal in (DossierError, TransitionRefused, BulkRefused, SimilarityError, DeadlineError, FileRefused,
                    FileTooLarge, ImportRejected, ImportFileError, JobRefused):
        assert issubclass(refusal, DomainError), refusal
    assert issubclass(StaleDossier, StaleError)
    # "Not yours to do" is a 403 page; a file too large, a 413; any other refusal, a message.
    assert TransitionRefused("x", forbidden=True).status == 403 and TransitionRefused("x").status is None
    assert FileTooLarge("x").status == 413 and FileRefused("x").status is None
