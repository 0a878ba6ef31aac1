"""The round's progress page stays light with a large panel: the ten members most behind are
named with the rest counted, and the members' table has pages of its own."""

from __future__ import annotations

from danvankheo.core.roles import Role
from danvankheo.core.text import sort_key
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from danvankheo.scoring import assignments, rounds, scorecards
from tests.factories import make_initiative, make_unit, make_user
from tests.keyset_walk import walk
from tests.scoring.conftest import full_marks
from tests.scoring.test_progress_ranking_and_conflicts import _rows


def test_a_large_panel_is_summarised_and_paged(client, login_as, app):
    province = make_unit("UBND tỉnh", code="NB")
    model = make_initiative(make_unit("Sở Y tế", parent=province), name="Khám bệnh lưu động", status=Status.ACCEPTED)
    council = make_unit("Ban Dân vận", code="BDV")
    evaluators = [make_user(Role.EVALUATOR, unit=council) for _ in range(55)]
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt lớn", year=2026, min_scorecards=3))
    assignments.set_panel(round_, evaluators)
    assignments.auto_assign(round_, 55)
    rounds.start_scoring(round_)
    for evaluator in evaluators[:3]:
        scorecards.save_scorecard(round_, model, evaluator, full_marks(round_), submit=True)
    db.session.commit()
    login_as(Role.OBSERVER)

    page = client.get(f"/dot-danh-gia/{round_.id}/tien-do").get_data(as_text=True)
    assert len(_rows(page, "behind")) == 10
    assert "Và 42 thành viên khác; cả hội đồng còn 52 phiếu chưa nộp." in page
    assert len(_rows(page, "evaluator-progress")) == 50
    assert "(55 người)" in page
    assert f'href="/dot-danh-gia/{round_.id}/tien-do?hd_sau=' in page

    # The members' pages, by key (`hd_sau`, `hd_truoc`): 50 then 5, every member once, in name order.
    def members(html: str) -> list[str]:
        return [row["cells"][0] for row in _rows(html, "evaluator-progress")]

    forward, backward = walk(client, f"/dot-danh-gia/{round_.id}/tien-do", members, must_keep="hd_")
    assert [len(names) for names in forward] == [50, 5] and backward == forward[::-1]
    names = [name for names in forward for name in names]
    expected = sorted(evaluators, key=lambda e: (sort_key(e.full_name), e.id))
    assert names == [f"{e.full_name}{e.unit.name}" for e in expected], names[:2]
    assert [row["cells"][1:3] for row in _rows(page, "model-progress")] == [["Sở Y tế", "3/55"]]
