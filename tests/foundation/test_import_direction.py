"""Core, the audit trail and notifications depend on no feature: features register into them
(docs/ARCHITECTURE.md). Read from the source, so a lazy import inside a function counts too."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "danvankheo"
FOUNDATIONS = ("core", "audit", "notifications")
# Not features: what every layer may use.
SHARED = {"core", "audit", "notifications", "extensions"}
FEATURES = sorted(
    p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name not in SHARED
)


def imported_packages(source: str, folder: tuple[str, ...]) -> set[tuple[int, str]]:
    """(line, danvankheo subpackage or module) of every import in `source`, at any depth, for
    a module that sits in danvankheo/<folder...>/."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                parts = (node.module or "").split(".")
                if parts[0] != "danvankheo":
                    continue
                targets = parts[1:2] or [alias.name for alias in node.names]
            else:
                base = folder[: len(folder) - (node.level - 1)]
                module = [*base, *(node.module.split(".") if node.module else [])]
                targets = module[:1] or [alias.name for alias in node.names]
            found.update((node.lineno, target) for target in targets)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "danvankheo" and len(parts) > 1:
                    found.add((node.lineno, parts[1]))
    return found


def test_the_feature_list_is_read_from_the_package():
    assert {"auth", "registry", "scoring", "organisers", "jobs", "admin"} <= set(FEATURES)
    assert not set(FOUNDATIONS) & set(FEATURES)


def test_the_check_sees_lazy_relative_and_absolute_imports():
    source = (
        "from .roles import Role\n"
        "from ..extensions import db\n"
        "def later():\n"
        "    from ..registry.models import Initiative\n"
        "    from .. import scoring\n"
        "    import danvankheo.jobs.runners\n"
        "    from danvankheo.units import models\n"
    )
    found = {target for _, target in imported_packages(source, ("core",))}
    assert found == {"core", "extensions", "registry", "scoring", "jobs", "units"}


@pytest.mark.parametrize("package", FOUNDATIONS)
def test_no_foundation_module_imports_a_feature(package):
    offences = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}"
        for path in sorted((PACKAGE / package).rglob("*.py"))
        for line, target in sorted(imported_packages(path.read_text(), path.relative_to(PACKAGE).parent.parts))
        if target in FEATURES
    ]
    assert offences == []
