"""Scoring criteria that had no assertive test: the progress page's figures and its list of
who is behind, the ranking page's sorting, filters and columns, and the conflict-of-interest
rule holding for an evaluator moved into the model's unit after being assigned."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Field, Status
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.errors import ConflictOfInterest
from danvankheo.scoring.models import Assignment, AssignmentStatus, Scorecard, ScorecardState
from danvankheo.units.models import UnitKind
from tests.factories import make_initiative, make_unit, make_user
from tests.scoring.conftest import full_marks


class _Table(HTMLParser):
    """The rows of the table marked data-testid=<testid>: each row's cell texts."""

    def __init__(self, testid: str) -> None:
        super().__init__(convert_charrefs=True)
        self.testid, self.rows, self._depth, self._cell = testid, [], 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("table", "ul") and attrs.get("data-testid") == self.testid:
            self._depth = 1
        elif self._depth and tag in ("table", "ul"):
            self._depth += 1
        elif self._depth and tag in ("tr", "li"):
            self.rows.append({"attrs": attrs, "cells": []})
            if tag == "li":
                self._cell = []
        elif self._depth and tag in ("td", "th"):
            self._cell = []
            if tag == "th" and self.rows:
                self.rows[-1]["header"] = True

    def handle_endtag(self, tag):
        if not self._depth:
            return
        if tag in ("table", "ul"):
            self._depth -= 1
            if tag == "ul" and self._cell is not None and self.rows:
                self._close()
        elif tag in ("td", "th", "li") and self._cell is not None:
            self._close()

    def _close(self):
        self.rows[-1]["cells"].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
        self._cell = None

    def handle_data(self, data):
        if self._depth and self._cell is not None:
            self._cell.append(data)


def _rows(page: str, testid: str) -> list[dict]:
    parser = _Table(testid)
    parser.feed(page)
    return [r for r in parser.rows if r["cells"] and not r.get("header")]


# --- Progress ---------------------------------------------------------------------------------


def test_progress_per_evaluator_per_model_and_who_is_behind(client, login_as, province):
    round_ = province.round
    assignments.auto_assign(round_, 2)
    rounds.start_scoring(round_)
    ev = province.evaluators
    # Hoàng Văn Bình (commune) submits everything; Vũ Thị Ánh (justice) one card and a draft of another;
    # Đỗ Quang Vinh (health) nothing yet.
    for a in db.session.scalars(select(Assignment).where(Assignment.evaluator_id == ev["commune"].id)):
        scorecards.save_scorecard(round_, a.initiative, a.evaluator, full_marks(round_), submit=True)
    anh = db.session.scalars(select(Assignment).where(Assignment.evaluator_id == ev["justice"].id)
                             .order_by(Assignment.id)).all()
    assert len(anh) >= 2
    scorecards.save_scorecard(round_, anh[0].initiative, anh[0].evaluator, full_marks(round_), submit=True)
    scorecards.save_scorecard(round_, anh[1].initiative, anh[1].evaluator, {}, submit=False)
    db.session.commit()

    def expected(evaluator_id):
        assigned = db.session.scalar(select(func.count()).where(
            Assignment.evaluator_id == evaluator_id, Assignment.status == AssignmentStatus.ASSIGNED))
        submitted = db.session.scalar(select(func.count()).where(
            Scorecard.evaluator_id == evaluator_id, Scorecard.state == ScorecardState.SUBMITTED))
        return assigned, submitted

    login_as(province.secretariat)
    page = client.get(f"/dot-danh-gia/{round_.id}/tien-do").get_data(as_text=True)
    by_evaluator = {row["cells"][0]: row["cells"][1:5] for row in _rows(page, "evaluator-progress")}
    for evaluator in ev.values():
        name = next(k for k in by_evaluator if k.startswith(evaluator.full_name))
        assigned, submitted = expected(evaluator.id)
        assert by_evaluator[name][:2] == [str(assigned), str(submitted)], evaluator.full_name
    assert by_evaluator[next(k for k in by_evaluator if k.startswith("Vũ Thị Ánh"))][2] == "1"  # one draft

    behind = {}
    for row in _rows(page, "behind"):
        name, remaining = re.fullmatch(r"(.+?) · .*còn (\d+)", row["cells"][0]).groups()
        behind[name] = int(remaining)
    vinh_assigned, vinh_submitted = expected(ev["health"].id)
    anh_assigned, anh_submitted = expected(ev["justice"].id)
    assert behind == {"Đỗ Quang Vinh": vinh_assigned - vinh_submitted,
                      "Vũ Thị Ánh": anh_assigned - anh_submitted}  # Hoàng Văn Bình has nothing left
    assert list(behind.values()) == sorted(behind.values(), reverse=True)  # most behind first

    per_model = {row["cells"][0]: row["cells"][2].split()[0] for row in _rows(page, "model-progress")}
    short = set()
    for key, model in province.models.items():
        assigned = db.session.scalar(select(func.count()).where(
            Assignment.initiative_id == model.id, Assignment.status == AssignmentStatus.ASSIGNED))
        submitted = db.session.scalar(select(func.count()).where(
            Scorecard.initiative_id == model.id, Scorecard.state == ScorecardState.SUBMITTED))
        assert per_model[model.name] == f"{submitted}/{assigned}", key
        if submitted < assigned or assigned < round_.min_scorecards:
            short.add(model.name)
    assert short and short != set(per_model)  # the data has both kinds of model

    only_short = client.get(f"/dot-danh-gia/{round_.id}/tien-do?chua_du=1").get_data(as_text=True)
    assert {row["cells"][0] for row in _rows(only_short, "model-progress")} == short


# --- Ranking page -------------------------------------------------------------------------------


@pytest.fixture
def ranked(app):
    """Four models: A (economy, Sở Y tế) and B (culture, Bệnh viện under Sở Y tế) complete, B with
    a disagreement; C (political system, a commune) complete; D short of scorecards."""
    province = make_unit("UBND tỉnh", code="NB", kind=UnitKind.PROVINCE)
    health = make_unit("Sở Y tế", code="SYT", parent=province)
    hospital = make_unit("Bệnh viện Đa khoa", code="BV", parent=health, kind=UnitKind.PUBLIC_SERVICE)
    commune = make_unit("UBND xã Gia Viễn", code="XGV", parent=province, kind=UnitKind.COMMUNE)
    justice = make_unit("Sở Tư pháp", code="STP", parent=province)
    models = {
        "A": make_initiative(health, name="An toàn thực phẩm", status=Status.ACCEPTED, field=Field.ECONOMY),
        "B": make_initiative(hospital, name="Bệnh viện thân thiện", status=Status.ACCEPTED,
                             field=Field.CULTURE_SOCIETY),
        "C": make_initiative(commune, name="Chung sức nông thôn mới", status=Status.ACCEPTED,
                             field=Field.POLITICAL_SYSTEM),
        "D": make_initiative(justice, name="Dân hỏi, tư pháp trả lời", status=Status.ACCEPTED,
                             field=Field.ECONOMY),
    }
    council = make_unit("Ban Dân vận", code="BDV", kind=UnitKind.OTHER)
    evaluators = [make_user(Role.EVALUATOR, unit=council) for _ in range(3)]
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt xếp hạng", year=2026, min_scorecards=3,
                                                      disagreement_threshold=Decimal(20)))
    assignments.set_panel(round_, evaluators)
    assignments.auto_assign(round_, 3)
    rounds.start_scoring(round_)
    totals = {"A": (92, 94, 96), "B": (60, 70, 85), "C": (80, 80, 80), "D": (99, 99)}
    for key, marks in totals.items():
        for evaluator, total in zip(evaluators, marks, strict=False):
            scorecards.save_scorecard(round_, models[key], evaluator, _summing_to(round_, total), submit=True)
    db.session.commit()
    return round_, models, {"health": health, "province": province}


def _summing_to(round_, total) -> dict[int, str]:
    remaining, values = Decimal(total), {}
    for criterion in round_.criteria:
        values[criterion.id] = str(min(criterion.max_score, remaining))
        remaining -= min(criterion.max_score, remaining)
    return values


def _ranking(client, round_, query: str = "") -> list[list[str]]:
    page = client.get(f"/dot-danh-gia/{round_.id}/xep-hang{query}").get_data(as_text=True)
    return [row["cells"] for row in _rows(page, "ranking") if row["attrs"].get("data-initiative")]


def test_ranking_page_shows_rank_score_grade_flags_and_completeness(client, login_as, ranked):
    round_, models, _units = ranked
    login_as(Role.SECRETARIAT)
    rows = {cells[1].split(" Chênh lệch lớn")[0]: cells for cells in _ranking(client, round_)}
    a, b, c, d = (rows[models[k].name] for k in "ABCD")
    n = len(round_.criteria)
    total, grade, spread, cards = 4 + n, 5 + n, 6 + n, 7 + n
    assert (a[0], a[total], a[grade], a[cards]) == ("1", "94,00", "Xuất sắc", "3/3")
    assert (c[0], c[total], c[grade]) == ("2", "80,00", "Tốt")
    assert (b[0], b[total], b[grade], b[spread]) == ("3", "71,67", "Khá", "25")
    assert "Chênh lệch lớn" in b[1] and "Chênh lệch lớn" not in a[1]  # the disagreement flag
    assert d[0] == "—" and d[grade] == "" and d[cards] == "2/3 Chưa đủ phiếu"  # shown, not ranked


def test_ranking_page_sorts(client, login_as, ranked):
    round_, models, _units = ranked
    login_as(Role.OBSERVER)
    names = {m.name: k for k, m in models.items()}

    def order(query):
        return "".join(names[cells[1].split(" Chênh lệch lớn")[0]] for cells in _ranking(client, round_, query))

    assert order("") == "ACBD"  # by rank, the unranked last
    assert order("?sap_xep=diem") == "DACB"  # by score, highest first (D's two cards give 99)
    assert order("?sap_xep=diem&chieu=giam") == "BCAD"
    assert order("?sap_xep=ten") == "ABCD"
    assert order("?sap_xep=ten&chieu=giam") == "DCBA"


def test_ranking_page_filters_by_field_and_unit_group(client, login_as, ranked):
    round_, models, units = ranked
    login_as(Role.SECRETARIAT)

    def shown(query):
        return {cells[1].split(" Chênh lệch lớn")[0] for cells in _ranking(client, round_, query)}

    assert shown("?linh_vuc=economy") == {models["A"].name, models["D"].name}
    assert shown(f"?don_vi={units['health'].id}") == {models["A"].name, models["B"].name}  # with the hospital
    assert shown(f"?don_vi={units['province'].id}") == {m.name for m in models.values()}
    assert shown("?khoi=commune") == {models["C"].name}
    assert shown("?tinh_trang=chua-du") == {models["D"].name}
    assert shown("?tinh_trang=chenh-lech") == {models["B"].name}
    assert shown(f"?linh_vuc=economy&don_vi={units['health'].id}") == {models["A"].name}


# --- Conflict of interest after a move ---------------------------------------------------------


def test_an_evaluator_moved_into_the_models_unit_can_no_longer_score_it(client, login_as, province):
    round_ = province.round
    evaluator = province.evaluators["justice"]
    model = province.models["commune"]
    assignments.assign(round_, model, evaluator)
    rounds.start_scoring(round_)
    db.session.commit()
    evaluator.unit = province.commune  # the admin moves the account to the commune
    db.session.commit()
    login_as(evaluator)
    url = f"/cham-diem/{round_.id}/{model.id}"
    assert client.get(url).status_code == 403
    response = client.post(url, data={**{f"score-{k}": v for k, v in full_marks(round_).items()},
                                      "action": "submit", "version": "0"})
    assert response.status_code == 403
    with pytest.raises(ConflictOfInterest):
        scorecards.save_scorecard(round_, model, evaluator, full_marks(round_), submit=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Scorecard)) == 0
