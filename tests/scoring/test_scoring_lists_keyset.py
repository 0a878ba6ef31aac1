"""The scoring lists paged by key (core/paging.py): the models of a round, their progress and an
evaluator's queue. Walked forwards by "Sau" and back by "Trước" with pages of three, every row
appears once, in the list's order (unit, then model in Vietnamese order, then id; the queue's
latest round first), and the list's filter stays in every link."""

from __future__ import annotations

import re

import pytest

from danvankheo.core.roles import Role
from danvankheo.core.text import sort_key
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from danvankheo.scoring import assignments, round_routes, rounds, scorecards
from danvankheo.scoring import routes as scoring_routes
from danvankheo.scoring.models import RoundEntry
from tests.factories import make_initiative, make_unit, make_user
from tests.keyset_walk import walk
from tests.scoring.conftest import full_marks

UNITS = ["Sở Y tế", "Ban Ăn uống", "Sở Âm nhạc"]
NAMES = ["Ánh sáng", "Anh em", "Ấm áp", "An toàn"]


def _round_of(models, evaluators, name: str):
    round_ = rounds.create_round(rounds.RoundSettings(name=name, year=2026, min_scorecards=2),
                                 include_eligible=False)
    for model in models:
        db.session.add(RoundEntry(round_id=round_.id, initiative_id=model.id))
    db.session.flush()
    assignments.set_panel(round_, evaluators)
    assignments.auto_assign(round_, len(evaluators))
    rounds.start_scoring(round_)
    return round_


@pytest.fixture
def scored(app, monkeypatch):
    """A round of 12 models whose names repeat across units; two evaluators, the first of whom
    has submitted every other model's scorecard."""
    province = make_unit("UBND tỉnh", code="NB")
    units = [make_unit(name, parent=province) for name in UNITS]
    models = [make_initiative(units[i % 3], name=NAMES[i % 4], status=Status.ACCEPTED) for i in range(12)]
    council = make_unit("Ban Dân vận", code="BDV")
    evaluators = [make_user(Role.EVALUATOR, unit=council) for _ in range(2)]
    round_ = _round_of(models, evaluators, "Đợt một")
    for model in models[::2]:
        scorecards.save_scorecard(round_, model, evaluators[0], full_marks(round_), submit=True)
    db.session.commit()
    monkeypatch.setattr(round_routes, "PER_PAGE", 3)
    monkeypatch.setattr(scoring_routes, "QUEUE_PER_PAGE", 3)
    return round_, models, evaluators


def _in_list_order(models) -> list[int]:
    return [m.id for m in sorted(models, key=lambda m: (sort_key(m.unit.name), sort_key(m.name), m.id))]


def _model_ids(testid: str):
    def read(page: str) -> list[int]:
        table = page[page.index(f'data-testid="{testid}"'):]
        table = table[: table.index("</table>")]
        return [int(i) for i in re.findall(r'/mo-hinh/(\d+)"', table)]
    return read


def _assert_walk(client, url: str, read, expected: list[int], must_keep: str = "") -> None:
    forward, backward = walk(client, url, read, must_keep)
    assert [i for rows in forward for i in rows] == expected
    assert backward == forward[::-1]
    assert [len(rows) for rows in forward] == [3] * (len(expected) // 3) + ([len(expected) % 3] if len(expected) % 3
                                                                           else [])


def test_models_of_a_round_and_their_progress_walk_by_key(client, login_as, scored):
    round_, models, _evaluators = scored
    login_as(Role.SECRETARIAT)
    _assert_walk(client, f"/dot-danh-gia/{round_.id}/mo-hinh", _model_ids("entry-list"), _in_list_order(models))
    named = [m for m in models if m.name == "Anh em"]
    _assert_walk(client, f"/dot-danh-gia/{round_.id}/mo-hinh?q=anh+em", _model_ids("entry-list"),
                 _in_list_order(named), must_keep="q=anh+em")
    _assert_walk(client, f"/dot-danh-gia/{round_.id}/tien-do", _model_ids("model-progress"), _in_list_order(models))
    # Every model lacks scorecards (one of two at most): the filter keeps them all.
    _assert_walk(client, f"/dot-danh-gia/{round_.id}/tien-do?chua_du=1", _model_ids("model-progress"),
                 _in_list_order(models), must_keep="chua_du=1")


def test_an_evaluators_queue_walks_by_key_latest_round_first(client, login_as, scored):
    round_, models, evaluators = scored
    later = _round_of(models[:5], evaluators, "Đợt hai")
    db.session.commit()
    login_as(evaluators[0])

    def queue_rows(page: str) -> list[tuple[int, int]]:
        table = page.split('data-testid="queue"')[1]
        return [(int(r), int(m)) for r, m in re.findall(r'<td><a href="/cham-diem/(\d+)/(\d+)">', table)]

    expected = [(later.id, i) for i in _in_list_order(models[:5])] + [(round_.id, i) for i in _in_list_order(models)]
    _assert_walk(client, "/cham-diem/", queue_rows, expected)
    _assert_walk(client, f"/cham-diem/?dot={round_.id}&trang_thai=can-cham", queue_rows,
                 [(round_.id, i) for i in _in_list_order(models[1::2])], must_keep="trang_thai=can-cham")
