"""Foundation criteria that had no test of their own: the repository layout, the `make run`
sequence of commands on an empty database, every page (with real objects, for every actor)
free of other hosts' assets and showing dates as dd/mm/yyyy, and units kept once they have data."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from danvankheo import PROJECT_ROOT, create_app
from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Initiative, Status
from danvankheo.units.models import Unit
from tests import factories
from tests.foundation.test_app import assert_offline

FEATURES = ("admin", "audit", "auth", "awards", "evidence", "home", "imports", "notifications", "registry",
            "reports", "scoring", "showcase")


# --- Layout -----------------------------------------------------------------------------------


def test_repository_layout_from_the_design_card():
    for path in ("app.py", "config.py", "requirements.txt", "requirements-dev.txt", "Makefile", "README.md",
                 "pyproject.toml", "danvankheo/__init__.py", "danvankheo/extensions.py", "templates/base.html",
                 "migrations/env.py", "migrations/versions", "tests/conftest.py", "docs", ".ci/run"):
        assert (PROJECT_ROOT / path).exists(), path
    assert (PROJECT_ROOT / ".ci/run").stat().st_mode & 0o111, ".ci/run must be executable"
    for feature in FEATURES:  # one subpackage and one template folder per feature
        assert (PROJECT_ROOT / "danvankheo" / feature / "__init__.py").exists() or \
            (PROJECT_ROOT / "danvankheo" / feature / "routes.py").exists(), feature
        assert (PROJECT_ROOT / "templates" / feature).is_dir(), feature
    assert "create_app()" in (PROJECT_ROOT / "app.py").read_text()
    assert "[tool.ruff" in (PROJECT_ROOT / "pyproject.toml").read_text()


def test_runtime_requirements_are_pinned():
    lines = [line.split("#")[0].strip() for line in (PROJECT_ROOT / "requirements.txt").read_text().splitlines()]
    requirements = [line for line in lines if line]
    assert len(requirements) >= 10
    for requirement in requirements:
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][\w.]*", requirement), f"not pinned: {requirement}"


# --- The two commands ---------------------------------------------------------------------------


def _recipe(makefile: str, target: str) -> str:
    match = re.search(rf"^{target}:.*?\n((?:\t.*\n|\s*\n)+)", makefile, re.M)
    assert match, f"no `{target}` target in the Makefile"
    return match.group(0)


def test_make_run_and_make_test_do_what_the_readme_says():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    run = _recipe(makefile, "run")
    assert "$(VENV)/.runtime" in run.splitlines()[0]  # creates .venv and installs requirements.txt
    steps = [line.strip() for line in run.splitlines()[1:] if line.strip()]
    upgrade = next(i for i, s in enumerate(steps) if "db upgrade" in s)
    seed = next(i for i, s in enumerate(steps) if "seed-demo --if-empty" in s)
    serve = next(i for i, s in enumerate(steps) if " run " in f"{s} " and "--host" in s)
    assert upgrade < seed < serve
    assert re.search(r"^HOST \?= 127\.0\.0\.1$", makefile, re.M) and re.search(r"^PORT \?= 5000$", makefile, re.M)
    test = _recipe(makefile, "test")
    assert "$(VENV)/.dev" in test.splitlines()[0]
    assert "requirements-dev.txt" in _recipe(makefile, r"\$\(VENV\)/\.dev")
    assert "pytest" in _recipe(makefile, "test-sqlite") and "pytest" in _recipe(makefile, "test-postgres")
    readme = (PROJECT_ROOT / "README.md").read_text()
    first_block = readme.split("```", 2)[1]
    assert "make run" in first_block and "make test" in first_block


def test_migrate_then_seed_if_empty_on_a_fresh_database(tmp_path, monkeypatch):
    """What `make run` does, twice: the second run changes nothing and still prints the logins."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'run.sqlite'}",
                      "UPLOAD_FOLDER": str(tmp_path / "evidence")})
    runner = app.test_cli_runner()
    try:
        outputs = []
        for _ in range(2):
            upgraded = runner.invoke(args=["db", "upgrade"])
            assert upgraded.exit_code == 0, upgraded.output
            seeded = runner.invoke(args=["seed-demo", "--if-empty"])
            assert seeded.exit_code == 0, seeded.output
            outputs.append(seeded.output)
            with app.app_context():
                counts = (db.session.scalar(select(func.count()).select_from(Unit)),
                          db.session.scalar(select(func.count()).select_from(User)))
                db.session.remove()
            if len(outputs) == 1:
                first_counts = counts
        assert "Đã nạp dữ liệu mẫu." in outputs[0] and "không thay đổi gì" in outputs[1]
        assert counts == first_counts and counts[0] > 3 and counts[1] >= len(Role)
        for output in outputs:  # the demo accounts are printed every time
            for role in Role:
                assert role.label in output
    finally:
        with app.app_context():
            db.engine.dispose()


# --- Every page, with real objects, for every actor ----------------------------------------------


class _VisibleText(HTMLParser):
    """The text a reader sees: no attribute values, no script or style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DD_MM_YYYY = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


def _visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return " ".join(parser.parts)


@pytest.mark.real_commits  # the security harness resets its world with real commits
def test_every_page_each_actor_sees_is_offline_and_dates_read_dd_mm_yyyy(app):
    from tests.security.harness import Visitors, reset_world
    from tests.security.test_xss import _allowed_get_pages

    world = reset_world(app)
    visitors = Visitors(app, world)
    pages, with_dates, problems = 0, 0, []
    for label, _endpoint, url, actor in _allowed_get_pages(app, world):
        response = visitors.visit(actor, "GET", url)
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        pages += 1
        try:
            assert_offline(page)
        except AssertionError as error:
            problems.append(f"{label} as {actor}: another host's asset {error}")
        text = _visible_text(page)
        if ISO_DATE.search(text):
            problems.append(f"{label} as {actor}: a date not in dd/mm/yyyy: {ISO_DATE.search(text).group(0)}")
        with_dates += bool(DD_MM_YYYY.search(text))
    assert not problems, "\n".join(problems)
    assert pages >= 100 and with_dates >= 20  # the walk really saw pages, and dates on them


# --- Units with data are kept ---------------------------------------------------------------------


def test_a_unit_with_data_is_deactivated_never_deleted(client, login_as):
    login_as(Role.ADMIN)
    unit = factories.make_unit("Sở Giao thông vận tải", code="SGTVT")
    model = factories.make_initiative(unit, name="Mô hình của đơn vị đã sáp nhập", status=Status.ACCEPTED)
    db.session.commit()
    # No URL deletes a unit: the admin screens only rename, move and (de)activate.
    unit_rules = [r for r in client.application.url_map.iter_rules() if r.rule.startswith("/quan-tri/don-vi")]
    assert unit_rules and not [r.rule for r in unit_rules if re.search(r"xoa|delete", r.rule + r.endpoint)]
    response = client.post(f"/quan-tri/don-vi/{unit.id}/trang-thai", data={"active": "0"})
    assert response.status_code in (302, 303)
    db.session.expire_all()
    kept = db.session.get(Unit, unit.id)
    assert kept is not None and kept.is_active is False
    assert db.session.get(Initiative, model.id).unit_id == unit.id  # its history stays attached
    from sqlalchemy.exc import IntegrityError

    # And the database refuses a delete behind the app's back, SQLite as well as PostgreSQL.
    with pytest.raises(IntegrityError):
        db.session.execute(Unit.__table__.delete().where(Unit.id == unit.id))
    db.session.rollback()
