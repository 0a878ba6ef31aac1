"""Each level runs its own rounds (issue 14): a commune's secretariat creates and runs a round
over its own units with its own council; the province's secretariat and the commune's never
see or touch each other's rounds; a council member scores in any organiser whose council they
sit on, whichever organiser they act for."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.scoring import assignments, notices, rounds
from danvankheo.scoring.errors import ScoringError
from danvankheo.scoring.models import Round, RoundEntry
from tests.two_levels import TwoLevels, build_two_levels, run_round


@pytest.fixture
def world(app) -> TwoLevels:
    built = build_two_levels()
    db.session.commit()
    return built


def _entries(round_: Round) -> set[int]:
    return set(db.session.scalars(select(RoundEntry.initiative_id).where(RoundEntry.round_id == round_.id)))


def _options(html: str, name: str) -> str:
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert found, f"no select {name}"
    return found.group(1)


def test_the_commune_creates_a_round_over_its_own_units_only(client, login_as, world):
    commune, province = world.commune, world.province
    login_as(commune.secretariat)
    form = client.get("/dot-danh-gia/moi").get_data(as_text=True)
    scope = _options(form, "scope_unit_id")
    assert "Phòng Văn hóa - Xã hội" in scope and "Trường THCS Gia Viễn" in scope
    assert "Sở Tư pháp" not in scope and "UBND tỉnh Ninh Bình" not in scope

    data = {"name": "Đánh giá mô hình xã Gia Viễn 2026", "year": "2026", "aggregation": "mean",
            "min_scorecards": "1", "disagreement_threshold": "15", "grade_excellent_min": "90",
            "grade_good_min": "75", "grade_fair_min": "50", "scope_unit_id": "0", "include_eligible": "y"}
    response = client.post("/dot-danh-gia/moi", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    round_ = db.session.scalar(select(Round).where(Round.name == data["name"]))
    assert round_.organiser_id == commune.organiser.id
    assert _entries(round_) == {m.id for m in commune.models.values()}
    assert not db.session.scalar(select(RoundEntry.id).where(
        RoundEntry.round_id == round_.id, RoundEntry.initiative_id == province.models["justice"].id))

    # A scope unit of another organiser: refused on the page, nothing written.
    refused = client.post("/dot-danh-gia/moi", data={**data, "name": "Đợt gộp hai cấp",
                                                       "scope_unit_id": str(province.units["justice"].id)})
    assert refused.status_code == 200
    assert db.session.scalar(select(Round.id).where(Round.name == "Đợt gộp hai cấp")) is None


def test_the_service_refuses_a_scope_unit_of_another_organiser(world):
    commune, province = world.commune, world.province
    with pytest.raises(ScoringError, match="thuộc cơ quan tổ chức khác"):
        rounds.create_round(
            rounds.RoundSettings(name="Đợt sai", year=2026, scope_unit_id=province.units["justice"].id),
            by=commune.secretariat, organiser_id=commune.organiser.id)
    db.session.rollback()
    # Adding a province model to the commune's round by hand is refused too.
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt xã", year=2026), by=commune.secretariat,
                                 organiser_id=commune.organiser.id, include_eligible=False)
    with pytest.raises(ScoringError, match="thuộc đơn vị của cơ quan tổ chức đợt"):
        rounds.add_entries(round_, [province.models["justice"].id], by=commune.secretariat)


def test_the_panel_lists_only_the_organisers_own_council(client, login_as, world):
    commune, province = world.commune, world.province
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt xã", year=2026), by=commune.secretariat,
                                 organiser_id=commune.organiser.id)
    db.session.commit()
    login_as(commune.secretariat)
    page = client.get(f"/dot-danh-gia/{round_.id}/hoi-dong").get_data(as_text=True)
    assert commune.evaluator.full_name in page
    assert province.evaluator.full_name not in page
    # Posting the province's council member anyway is refused and changes nothing.
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    client.post(f"/dot-danh-gia/{round_.id}/hoi-dong",
                data={"user_id": [str(province.evaluator.id)], **({"csrf_token": token.group(1)} if token else {})})
    assert assignments.panel_ids(round_) == set()
    with pytest.raises(ScoringError, match="của cơ quan tổ chức đợt này"):
        assignments.set_panel(round_, [province.evaluator], by=commune.secretariat)


def test_the_commune_runs_its_round_to_the_end_and_only_its_secretariat_hears_of_it(world):
    commune = world.commune
    round_ = run_round(commune, name="Đợt xã Gia Viễn 2026")
    db.session.commit()
    assert round_.state.value == "finalised"
    other = run_round(world.province, name="Đợt tỉnh 2026")
    assert other.organiser_id == world.province.organiser.id
    assert notices.secretariat_users(round_.organiser_id) == [commune.secretariat]
    assert notices.secretariat_users(other.organiser_id) == [world.province.secretariat]


ROUND_PAGES = ["", "/mo-hinh", "/tieu-chi", "/hoi-dong", "/tien-do", "/xep-hang"]


@pytest.mark.parametrize("suffix", ROUND_PAGES)
def test_another_organisers_round_is_not_found(client, login_as, world, suffix):
    commune_round = run_round(world.commune, name="Đợt xã")
    province_round = run_round(world.province, name="Đợt tỉnh")
    db.session.commit()
    login_as(world.province.secretariat)
    assert client.get(f"/dot-danh-gia/{commune_round.id}{suffix}").status_code == 404
    assert client.get(f"/dot-danh-gia/{province_round.id}{suffix}").status_code == 200
    client.post("/dang-xuat")
    login_as(world.commune.secretariat)
    assert client.get(f"/dot-danh-gia/{province_round.id}{suffix}").status_code == 404
    assert client.get(f"/dot-danh-gia/{commune_round.id}{suffix}").status_code == 200


def test_another_organisers_round_takes_no_change_and_no_export(client, login_as, world):
    commune_round = run_round(world.commune, name="Đợt xã")
    db.session.commit()
    login_as(world.province.secretariat)
    assert client.get(f"/xuat-excel/dot-danh-gia/{commune_round.id}/xep-hang").status_code == 404
    for action in ("mo-thao-luan", "bat-dau", "khoa-cham", "mo-lai-cham", "cong-bo", "hoi-dong", "tieu-chi"):
        assert client.post(f"/dot-danh-gia/{commune_round.id}/{action}").status_code == 404, action
    db.session.refresh(commune_round)
    assert commune_round.state.value == "finalised" and commune_round.discussion_opened_at is None
    index = client.get("/dot-danh-gia/").get_data(as_text=True)
    assert "Đợt xã" not in index
    client.post("/dang-xuat")
    login_as(world.commune.secretariat)
    assert client.get(f"/xuat-excel/dot-danh-gia/{commune_round.id}/xep-hang").status_code == 200
    assert "Đợt xã" in client.get("/dot-danh-gia/").get_data(as_text=True)


def test_the_province_observer_reads_the_communes_round_but_changes_nothing(client, login_as, world):
    commune_round = run_round(world.commune, name="Đợt xã")
    db.session.commit()
    observer = login_as(Role.OBSERVER, unit=world.province.units["council"])
    assert observer.organisers_with(Role.OBSERVER) == [world.province.organiser.id]
    page = client.get(f"/dot-danh-gia/{commune_round.id}")
    assert page.status_code == 200
    assert client.get(f"/dot-danh-gia/{commune_round.id}/xep-hang").status_code == 200


def test_a_council_member_scores_their_assignments_whichever_organiser_they_act_for(client, login_as, world):
    commune = world.commune
    evaluator = commune.evaluator
    # Also an observer of the province: the province is the organiser they act for by default.
    evaluator.set_roles({Role.OBSERVER}, world.province.organiser.id)
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt xã", year=2026, min_scorecards=1),
                                 by=commune.secretariat, organiser_id=commune.organiser.id)
    assignments.set_panel(round_, [evaluator], by=commune.secretariat)
    model = commune.models["culture"]
    assignments.assign(round_, model, evaluator, by=commune.secretariat, notify_evaluator=False)
    rounds.start_scoring(round_, by=commune.secretariat)
    db.session.commit()
    assert evaluator.acting_organiser_id == world.province.organiser.id
    assert not evaluator.is_evaluator  # not a council member of the province

    login_as(evaluator)
    queue = client.get("/cham-diem/")
    assert queue.status_code == 200
    assert model.name in queue.get_data(as_text=True)
    assert client.get(f"/cham-diem/{round_.id}/{model.id}").status_code == 200

    # Someone on no council at all is refused the queue.
    client.post("/dang-xuat")
    login_as(world.province.secretariat)
    assert client.get("/cham-diem/").status_code == 403


def test_a_recusal_is_told_to_the_rounds_own_secretariat(world):
    commune = world.commune
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt xã", year=2026), by=commune.secretariat,
                                 organiser_id=commune.organiser.id)
    assignments.set_panel(round_, [commune.evaluator], by=commune.secretariat)
    assignment = assignments.assign(round_, commune.models["school"], commune.evaluator, by=commune.secretariat,
                                    notify_evaluator=False)
    rounds.start_scoring(round_, by=commune.secretariat)
    assignments.recuse(assignment, "Tôi là phụ huynh học sinh của trường.", by=commune.evaluator)
    db.session.commit()
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "scoring.recusal")))
    assert told == {commune.secretariat.id}


@pytest.mark.real_commits  # the job writes its progress through a connection of its own
def test_a_ranking_export_job_keeps_the_owners_organiser_and_rechecks_it(client, login_as, world, app, tmp_path):
    from danvankheo.jobs import runners
    from danvankheo.jobs.models import Job

    app.config["JOBS_FOLDER"] = str(tmp_path / "jobs")
    app.config["JOB_EXPORT_THRESHOLD"] = 1
    commune_round = run_round(world.commune, name="Đợt xã")
    province_round = run_round(world.province, name="Đợt tỉnh")
    db.session.commit()
    login_as(world.commune.secretariat)
    response = client.get(f"/xuat-excel/dot-danh-gia/{commune_round.id}/xep-hang")
    assert response.status_code == 302
    db.session.expire_all()
    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    assert job.params["organiser_id"] == world.commune.organiser.id
    assert job.state.value == "done", job.message

    # The guard the runner checks at every chunk: the owner, acting as they did, reads the round.
    owner = world.commune.secretariat
    assert runners._may_read_organiser(commune_round.organiser_id, world.commune.organiser.id)(owner)
    assert not runners._may_read_organiser(province_round.organiser_id, world.commune.organiser.id)(owner)
    # A role lost since the request loses the right.
    owner.set_roles(set(), world.commune.organiser.id)
    db.session.commit()
    assert not runners._may_read_organiser(commune_round.organiser_id, world.commune.organiser.id)(owner)


def test_the_home_panel_lists_only_the_organisers_own_rounds_under_way(client, login_as, world):
    for level, name in ((world.commune, "Đợt xã đang chấm"), (world.province, "Đợt tỉnh đang chấm")):
        round_ = rounds.create_round(rounds.RoundSettings(name=name, year=2026), by=level.secretariat,
                                     organiser_id=level.organiser.id)
        assignments.set_panel(round_, [level.evaluator], by=level.secretariat)
    db.session.commit()
    login_as(world.province.secretariat)
    home = client.get("/trang-chu").get_data(as_text=True)
    assert "Đợt tỉnh đang chấm" in home and "Đợt xã đang chấm" not in home
