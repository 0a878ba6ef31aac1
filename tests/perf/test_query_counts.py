"""The main pages issue a number of queries that does not grow with the data.

Each test measures a page with few rows, adds many more, and measures again: the counts must
be equal. The page size is raised so that every row is rendered, so a lazy load per row (N+1)
would show as a difference. The counts themselves are printed in the failure message.
"""

from __future__ import annotations

import pytest

from danvankheo.auth.models import Role
from danvankheo.extensions import db
from tests import factories
from tests.perf.querycount import assert_constant, queries_for

FEW, MANY = 10, 200


@pytest.fixture
def big_pages(app):
    app.config["PAGE_SIZE"] = 500
    return app


def _units(n: int, parent=None):
    return [factories.make_unit(parent=parent) for _ in range(n)]


def test_admin_units(client, login_as, big_pages):
    login_as(Role.ADMIN)
    root = factories.make_unit()
    _units(FEW, parent=root)
    db.session.commit()
    small = queries_for(client, "/quan-tri/don-vi")
    _units(MANY - FEW, parent=root)
    db.session.commit()
    large = queries_for(client, "/quan-tri/don-vi")
    assert_constant(small, large, "admin units")


def test_admin_users(client, login_as, big_pages):
    login_as(Role.ADMIN)
    unit = factories.make_unit()

    def users(n):
        for _ in range(n):
            factories.make_user(Role.STAFF, Role.EVALUATOR, unit=unit)
        db.session.commit()

    users(FEW)
    small = queries_for(client, "/quan-tri/nguoi-dung?q=nguyen")
    users(MANY - FEW)
    large = queries_for(client, "/quan-tri/nguoi-dung?q=nguyen")
    assert_constant(small, large, "admin users")
