"""The dashboard counts from the counts the registry keeps (`registry.tallies`), and they are
the counts of the models each reader may see: checked against the raw models for every kind
of reader of the two levels, with drafts, returned and late models, and a model nominated up."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.organisers.nominations import accept, nominate
from danvankheo.registry.models import Field, Initiative, Status
from danvankheo.reports.dashboard import build_dashboard, scope_clause
from danvankheo.units.models import Unit
from tests.factories import make_initiative, make_user
from tests.two_levels import build_two_levels, run_round


@pytest.fixture
def readers(app):
    levels = build_two_levels()
    culture, justice = levels.commune.units["culture"], levels.province.units["justice"]
    for status, field_, late, year in [(Status.DRAFT, None, False, 2026), (Status.SUBMITTED, Field.ECONOMY, True, 2026),
                                       (Status.RETURNED, Field.CULTURE_SOCIETY, False, 2026),
                                       (Status.REJECTED, None, False, 2025), (Status.ACCEPTED, Field.ECONOMY, False, 2025)]:
        for unit in (culture, justice):
            model = make_initiative(unit, name=f"{status.value} {unit.code} {year}", status=status, year=year)
            model.field, model.is_late = field_, late
    run_round(levels.commune, name="Đợt xã 2026")
    nomination = nominate(levels.commune.models["culture"], "Mô hình tiêu biểu của xã.", by=levels.commune.secretariat)
    accept(nomination, by=levels.province.secretariat)
    users = {
        "province secretariat": levels.province.secretariat,
        "commune secretariat": levels.commune.secretariat,
        "province observer": make_user(Role.OBSERVER, unit=levels.province.units["council"], login="theodoi"),
        "commune staff": make_user(Role.STAFF, unit=culture, login="canbo.vhxh"),
        "admin": make_user(Role.ADMIN, login="quantri"),
    }
    db.session.commit()
    return users


def _raw(user, year: int) -> dict:
    visible = scope_clause(user)
    rows = db.session.execute(
        select(Initiative.year, Initiative.status, Initiative.field, Unit.kind, func.count())
        .join(Unit, Unit.id == Initiative.unit_id).where(visible)
        .group_by(Initiative.year, Initiative.status, Initiative.field, Unit.kind)
    ).all()
    by_status, by_field, by_kind, trend, accepted = Counter(), Counter(), Counter(), Counter(), Counter()
    for y, status, field_, kind, n in rows:
        trend[y] += n
        accepted[y] += n if status is Status.ACCEPTED else 0
        if y == year:
            by_status[status] += n
            by_field[field_] += n
            by_kind[kind] += n
    return {"by_status": dict(by_status), "by_field": dict(by_field), "by_unit_kind": dict(by_kind),
            "trend": sorted((y, trend[y], accepted[y]) for y in trend)}


@pytest.mark.parametrize("reader", ["province secretariat", "commune secretariat", "province observer",
                                    "commune staff", "admin"])
def test_the_kept_counts_are_the_models_the_reader_sees(readers, reader):
    user = readers[reader]
    dashboard = build_dashboard(user, 2026)
    raw = _raw(user, 2026)
    assert dashboard.by_status == raw["by_status"]
    assert dashboard.by_field == raw["by_field"]
    assert dashboard.by_unit_kind == raw["by_unit_kind"]
    assert dashboard.trend == raw["trend"]
    assert dashboard.total == sum(raw["by_status"].values())


def test_the_readers_see_different_counts(readers):
    totals = {name: build_dashboard(user, 2026).total for name, user in readers.items()}
    # The province's secretariat reads its own units' submitted models (Sở Tư pháp: submitted,
    # returned, accepted), the commune's its own three; the observer reads both levels.
    assert totals["province secretariat"] == 3
    assert totals["commune secretariat"] == 4
    assert totals["province observer"] == 7
    assert totals["commune staff"] == 0  # staff read no organiser: the dashboard is not theirs
