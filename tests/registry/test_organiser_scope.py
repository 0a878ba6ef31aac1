"""The registry respects the organiser a request acts for (issue 14).

A world of three organisers: the province (the default organiser) with a department of its
own, and two communes made organisers, Gia Viễn (A) and Gia Hưng (B), each with a secretariat,
an observer, a staff member and models. No secretariat reads or writes another organiser's
models, deadlines, units or notifications; the province reads only the commune models
nominated up to it; the province's observer reads the whole province, communes included.
"""

from __future__ import annotations

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from danvankheo.core.roles import Role
from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.organisers.models import Nomination, NominationState, OrganiserLevel
from danvankheo.organisers.services import default_organiser, make_organiser
from danvankheo.registry import deadlines, permissions, unit_reminders
from danvankheo.registry.models import DeadlineExtension, Initiative, Status, SubmissionDeadline
from danvankheo.registry.similarity import SimilarityFlag, SimilarityKind
from danvankheo.units.models import UnitKind
from tests import factories
from tests.registry.conftest import add_evidence, switch_to

YEAR = 2026
KINDS = [UnitKind.DEPARTMENT, UnitKind.COMMUNE, UnitKind.DIVISION]


def _commune(province, name: str, code: str, secretariat: str, division: str):
    unit = factories.make_unit(name, kind=UnitKind.COMMUNE, parent=province, code=code)
    organiser = make_organiser(unit, level=OrganiserLevel.COMMUNE, secretariat_name=secretariat)
    office = factories.make_unit(division, kind=UnitKind.DIVISION, parent=unit, code=f"{code}-VH")
    return unit, organiser, office


@pytest.fixture
def scope(app):
    province = factories.ensure_organiser()
    root = default_organiser()
    justice = factories.make_unit("Sở Tư pháp", parent=province, code="STP")
    gia_vien, org_a, office_a = _commune(province, "UBND xã Gia Viễn", "XGV",
                                         "Văn phòng HĐND và UBND xã Gia Viễn", "Phòng Văn hóa - Xã hội Gia Viễn")
    gia_hung, org_b, office_b = _commune(province, "UBND xã Gia Hưng", "XGH",
                                         "Văn phòng HĐND và UBND xã Gia Hưng", "Phòng Văn hóa - Xã hội Gia Hưng")
    for organiser in (root, org_a, org_b):
        deadlines.set_year_settings(YEAR, deadline_at=utcnow() + timedelta(days=30), kinds=KINDS,
                                    organiser_id=organiser.id)

    def people(organiser, unit, tag):
        return SimpleNamespace(
            secretariat=factories.make_user(Role.SECRETARIAT, organiser_id=organiser.id, login=f"thuky.{tag}",
                                            full_name=f"Thư ký {tag}"),
            observer=factories.make_user(Role.OBSERVER, organiser_id=organiser.id, login=f"theodoi.{tag}",
                                         full_name=f"Theo dõi {tag}"),
            staff=factories.make_user(Role.STAFF, unit=unit, login=f"canbo.{tag}", full_name=f"Cán bộ {tag}"),
        )

    def model(unit, name, status=Status.SUBMITTED, **fields):
        item = factories.make_initiative(unit, name=name, year=YEAR, status=status, **fields)
        if status is not Status.DRAFT:
            item.submitted_at = utcnow()
        return item

    w = SimpleNamespace(
        root=root, org_a=org_a, org_b=org_b,
        province=province, justice=justice, gia_vien=gia_vien, gia_hung=gia_hung,
        office_a=office_a, office_b=office_b,
        p=people(root, justice, "tinh"), a=people(org_a, office_a, "giavien"), b=people(org_b, office_b, "giahung"),
        admin=factories.make_user(Role.ADMIN, login="quantri", full_name="Quản trị"),
    )
    w.province_model = model(justice, "Mô hình của Sở Tư pháp")
    w.a_model = model(office_a, "Mô hình dân vận Gia Viễn")
    w.a_draft = model(office_a, "Bản nháp Gia Viễn", Status.DRAFT)
    w.a_nominated = model(office_a, "Mô hình Gia Viễn đề nghị lên tỉnh", Status.ACCEPTED)
    w.b_model = model(office_b, "Mô hình dân vận Gia Hưng")
    w.b_accepted = model(office_b, "Mô hình Gia Hưng đã tiếp nhận", Status.ACCEPTED)
    db.session.add(Nomination(initiative_id=w.a_nominated.id, from_organiser_id=org_a.id, to_organiser_id=root.id,
                              year=YEAR, state=NominationState.PENDING))
    w.b_evidence = add_evidence(w.b_model)
    w.province_evidence = add_evidence(w.province_model)
    w.a_evidence = add_evidence(w.a_model)
    db.session.commit()
    return w


def _listed(client) -> str:
    response = client.get(f"/mo-hinh?nam={YEAR}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


ALL_MODELS = ("province_model", "a_model", "a_draft", "a_nominated", "b_model", "b_accepted")


def _expect(scope, names: set[str], html: str) -> None:
    for key in ALL_MODELS:
        name = getattr(scope, key).name
        assert (name in html) is (key in names), f"{key}: expected {'shown' if key in names else 'hidden'}"


# --- The rule, in Python and in SQL -------------------------------------------------------


@pytest.mark.parametrize("listed_up_to", [permissions.LISTED_UP_TO, 0], ids=["units listed", "units by subquery"])
def test_can_view_and_visible_clause_agree_for_everyone(scope, monkeypatch, listed_up_to):
    """Both forms of the condition: the organisers' units listed (a province's reader) and
    read by a subquery (a reader of more than `LISTED_UP_TO` units)."""
    monkeypatch.setattr(permissions, "LISTED_UP_TO", listed_up_to)
    users = [scope.admin, *(getattr(getattr(scope, g), r) for g in "pab" for r in ("secretariat", "observer", "staff"))]
    models = [getattr(scope, key) for key in ALL_MODELS]
    for user in users:
        user = db.session.get(type(user), user.id)
        in_sql = set(db.session.scalars(select(Initiative.id).where(permissions.visible_clause(user))))
        in_python = {m.id for m in models if permissions.can_view(user, m)}
        assert in_sql == in_python, user.login


def test_who_reads_what(scope):
    def seen(user):
        return {key for key in ALL_MODELS if permissions.can_view(user, getattr(scope, key))}

    assert seen(scope.a.secretariat) == {"a_model", "a_nominated"}
    assert seen(scope.b.secretariat) == {"b_model", "b_accepted"}
    # The province: its own models and the model nominated up to it, read-only.
    assert seen(scope.p.secretariat) == {"province_model", "a_nominated"}
    assert not permissions.can_review(scope.p.secretariat, scope.a_nominated)
    # The province observer reads the whole province, communes included; never drafts.
    assert seen(scope.p.observer) == set(ALL_MODELS) - {"a_draft"}
    assert seen(scope.a.observer) == {"a_model", "a_nominated"}
    assert seen(scope.a.staff) == {"a_model", "a_draft", "a_nominated"}
    # The admin acts for the default organiser unless it chose another.
    assert seen(scope.admin) == {"province_model", "a_nominated"}
    assert permissions.can_review(scope.a.secretariat, scope.a_model)
    assert not permissions.can_review(scope.b.secretariat, scope.a_model)
    assert not permissions.can_review(scope.p.secretariat, scope.a_model)


# --- The list, its unit filter and its export ---------------------------------------------


def test_commune_secretariat_lists_only_its_own_models(client, scope):
    switch_to(client, scope.a.secretariat)
    _expect(scope, {"a_model", "a_nominated"}, _listed(client))
    suggestions = client.get("/mo-hinh/don-vi?q=").get_json()["units"]
    assert [u["label"].split(" (")[0] for u in suggestions] == ["UBND xã Gia Viễn"]
    typed = client.get("/mo-hinh/don-vi?q=van hoa").get_json()["units"]
    assert [u["id"] for u in typed] == [scope.office_a.id]
    # Another organiser's unit typed or chosen by id finds nothing.
    assert client.get("/mo-hinh/don-vi?q=gia hung").get_json()["units"] == []
    html = client.get(f"/mo-hinh?nam={YEAR}&don_vi={scope.office_b.id}").get_data(as_text=True)
    assert scope.b_model.name not in html


def test_province_secretariat_sees_commune_models_only_when_nominated(client, scope):
    switch_to(client, scope.p.secretariat)
    _expect(scope, {"province_model", "a_nominated"}, _listed(client))
    assert client.get(f"/mo-hinh/{scope.a_nominated.id}").status_code == 200
    assert client.get(f"/mo-hinh/{scope.a_model.id}").status_code == 404
    # Nominated models were reviewed by their organiser: the parent does not review them again.
    response = client.post(f"/mo-hinh/{scope.a_nominated.id}/tra-lai", data={"reason": "Xem lại hồ sơ"})
    assert response.status_code == 403
    assert db.session.get(Initiative, scope.a_nominated.id).status is Status.ACCEPTED


def test_province_observer_reads_the_whole_province(client, scope):
    switch_to(client, scope.p.observer)
    _expect(scope, set(ALL_MODELS) - {"a_draft"}, _listed(client))
    assert client.get(f"/mo-hinh/{scope.b_model.id}").status_code == 200
    assert client.get(f"/minh-chung/{scope.b_evidence.id}").status_code == 200


def test_commune_observer_reads_only_its_commune(client, scope):
    switch_to(client, scope.a.observer)
    _expect(scope, {"a_model", "a_nominated"}, _listed(client))
    assert client.get(f"/mo-hinh/{scope.b_model.id}").status_code == 404


def test_registry_export_holds_only_the_organisers_models(client, scope):
    switch_to(client, scope.a.secretariat)
    response = client.get(f"/xuat-excel/mo-hinh?nam={YEAR}")
    assert response.status_code == 200
    cells = {str(c) for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
             for c in row if c}
    assert scope.a_model.name in cells and scope.a_nominated.name in cells
    assert scope.b_model.name not in cells and scope.province_model.name not in cells


# --- Another organiser's models: 404 everywhere -------------------------------------------


@pytest.mark.parametrize("target", ["b_model", "province_model"])
def test_commune_secretariat_gets_404_on_other_organisers_models(client, scope, target):
    item = getattr(scope, target)
    evidence = scope.b_evidence if target == "b_model" else scope.province_evidence
    switch_to(client, scope.a.secretariat)
    assert client.get(f"/mo-hinh/{item.id}").status_code == 404
    assert client.get(f"/minh-chung/{evidence.id}").status_code == 404
    assert client.post(f"/minh-chung/{evidence.id}/cong-khai", data={"is_public": "1"}).status_code == 404
    for action, data in (("tiep-nhan", {}), ("tra-lai", {"reason": "Bổ sung"}), ("khong-tiep-nhan", {"reason": "Không"})):
        assert client.post(f"/mo-hinh/{item.id}/{action}", data=data).status_code == 404
    assert db.session.get(Initiative, item.id).status is Status.SUBMITTED


def test_bulk_review_refuses_another_organisers_model_without_naming_it(client, scope):
    switch_to(client, scope.a.secretariat)
    page = client.get("/mo-hinh/xet-duyet").get_data(as_text=True)
    assert scope.a_model.name in page and scope.b_model.name not in page and scope.province_model.name not in page
    response = client.post("/mo-hinh/xet-duyet", data={
        "mo_hinh": [str(scope.a_model.id), str(scope.b_model.id)], "thao_tac": "tiep-nhan"})
    html = response.get_data(as_text=True)
    assert f"Mô hình số {scope.b_model.id}" in html and scope.b_model.name not in html
    assert db.session.get(Initiative, scope.a_model.id).status is Status.SUBMITTED
    assert db.session.get(Initiative, scope.b_model.id).status is Status.SUBMITTED
    response = client.post("/mo-hinh/xet-duyet", data={"mo_hinh": [str(scope.a_model.id)], "thao_tac": "tiep-nhan"})
    assert response.status_code == 303
    assert db.session.get(Initiative, scope.a_model.id).status is Status.ACCEPTED


def test_commune_secretariat_reviews_its_own_model(client, scope):
    switch_to(client, scope.a.secretariat)
    response = client.post(f"/mo-hinh/{scope.a_model.id}/tra-lai", data={"reason": "Bổ sung kết quả"})
    assert response.status_code == 303
    assert db.session.get(Initiative, scope.a_model.id).status is Status.RETURNED


# --- Deadlines, extensions, compliance and reminders --------------------------------------


def _deadline_form(day: str) -> dict:
    return {"hn-deadline_date": day, "hn-deadline_time": "17:00", "hn-kinds": ["division", "department"]}


def test_commune_secretariat_sets_its_own_deadline_only(client, scope):
    before_b = deadlines.general_deadline(YEAR, scope.org_b.id)
    before_root = deadlines.general_deadline(YEAR, scope.root.id)
    switch_to(client, scope.a.secretariat)
    response = client.post(f"/mo-hinh/han-nop?nam={YEAR}", data=_deadline_form("20/12/2026"))
    assert response.status_code == 303
    db.session.expire_all()
    assert deadlines.general_deadline(YEAR, scope.org_a.id).day == 20
    assert deadlines.general_deadline(YEAR, scope.org_b.id) == before_b
    assert deadlines.general_deadline(YEAR, scope.root.id) == before_root
    rows = db.session.scalars(select(SubmissionDeadline).where(SubmissionDeadline.year == YEAR)).all()
    assert len(rows) == 3


def test_extension_only_for_a_unit_of_the_organisers_own_scope(client, scope):
    switch_to(client, scope.a.secretariat)
    page = client.get(f"/mo-hinh/han-nop?nam={YEAR}").get_data(as_text=True)
    assert "Phòng Văn hóa - Xã hội Gia Viễn" in page and "Gia Hưng" not in page and "Sở Tư pháp" not in page
    until = (utcnow() + timedelta(days=60)).strftime("%d/%m/%Y")
    response = client.post(f"/mo-hinh/han-nop/gia-han?nam={YEAR}",
                           data={"gh-unit_id": scope.office_b.id, "gh-until_date": until, "gh-reason": "Xin thêm"})
    assert response.status_code == 400
    assert "không thuộc phạm vi của cơ quan tổ chức" in response.get_data(as_text=True)
    assert db.session.scalar(select(DeadlineExtension.id)) is None
    response = client.post(f"/mo-hinh/han-nop/gia-han?nam={YEAR}",
                           data={"gh-unit_id": scope.office_a.id, "gh-until_date": until, "gh-reason": "Xin thêm"})
    assert response.status_code == 303
    extension = db.session.scalar(select(DeadlineExtension))
    assert extension.unit_id == scope.office_a.id
    # B's secretariat neither sees nor revokes it.
    switch_to(client, scope.b.secretariat)
    assert "Phòng Văn hóa - Xã hội Gia Viễn" not in client.get(f"/mo-hinh/han-nop?nam={YEAR}").get_data(as_text=True)
    assert client.post(f"/mo-hinh/han-nop/gia-han/{extension.id}/xoa").status_code == 404
    assert db.session.get(DeadlineExtension, extension.id) is not None


def test_compliance_lists_only_the_organisers_units(client, scope):
    switch_to(client, scope.a.secretariat)
    html = client.get(f"/mo-hinh/tinh-hinh-dang-ky?nam={YEAR}").get_data(as_text=True)
    assert "Phòng Văn hóa - Xã hội Gia Viễn" in html
    assert "Gia Hưng" not in html and "Sở Tư pháp" not in html
    rows = deadlines.compliance_rows(YEAR, scope.org_a.id)
    assert {r.unit.id for r in rows} == {scope.gia_vien.id, scope.office_a.id}
    response = client.get(f"/xuat-excel/tinh-hinh-dang-ky?nam={YEAR}")
    cells = {str(c) for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
             for c in row if c}
    assert "Phòng Văn hóa - Xã hội Gia Viễn" in cells
    assert not any("Gia Hưng" in c or "Sở Tư pháp" in c for c in cells)


def test_reminders_only_to_own_units_signed_by_the_organisers_secretariat(client, scope):
    quiet_a = factories.make_unit("Trạm Y tế xã Gia Viễn", kind=UnitKind.DIVISION, parent=scope.gia_vien, code="XGV-YT")
    quiet_b = factories.make_unit("Trạm Y tế xã Gia Hưng", kind=UnitKind.DIVISION, parent=scope.gia_hung, code="XGH-YT")
    nurse_a = factories.make_user(Role.STAFF, unit=quiet_a)
    factories.make_user(Role.STAFF, unit=quiet_b)
    db.session.commit()
    switch_to(client, scope.a.secretariat)
    client.post(f"/mo-hinh/tinh-hinh-dang-ky/nhac/{quiet_b.id}?nam={YEAR}")
    assert db.session.scalar(select(Notification.id).where(Notification.kind == "deadline_reminder_manual")) is None
    with pytest.raises(deadlines.DeadlineError, match="không thuộc phạm vi"):
        unit_reminders.remind_unit(YEAR, quiet_b, actor=scope.a.secretariat, organiser_id=scope.org_a.id)
    assert client.post(f"/mo-hinh/tinh-hinh-dang-ky/nhac/{quiet_a.id}?nam={YEAR}").status_code == 303
    note = db.session.scalar(select(Notification).where(Notification.kind == "deadline_reminder_manual"))
    assert note.user_id == nurse_a.id
    assert note.body.startswith("Văn phòng HĐND và UBND xã Gia Viễn nhắc")


def test_staff_deadline_banner_names_their_organisers_secretariat(app, scope):
    assert deadlines.deadline_notice(YEAR, scope.office_a.id).secretariat == "Văn phòng HĐND và UBND xã Gia Viễn"
    # An organiser without a name of its own falls back to the deployment's setting.
    assert deadlines.deadline_notice(YEAR, scope.justice.id).secretariat == app.config["SECRETARIAT_NAME"]
    assert deadlines.general_deadline(YEAR, scope.org_a.id) == deadlines.deadline_for(YEAR, scope.office_a)


# --- Notifications and similarity ---------------------------------------------------------


def test_submission_notifies_only_the_secretariat_of_the_units_organiser(client, scope):
    draft = scope.a_draft
    add_evidence(draft)
    db.session.commit()
    switch_to(client, scope.a.staff)
    assert client.post(f"/mo-hinh/{draft.id}/nop").status_code == 303
    assert db.session.get(Initiative, draft.id).status is Status.SUBMITTED
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "initiative_submitted")))
    assert told == {scope.a.secretariat.id}


def test_similarity_decided_only_by_the_models_organiser_and_the_other_model_named_only(client, scope):
    flag = SimilarityFlag(initiative_id=scope.a_model.id, other_id=scope.b_model.id, kind=SimilarityKind.TEXT,
                          score=0.9)
    db.session.add(flag)
    db.session.commit()
    switch_to(client, scope.a.secretariat)
    html = client.get(f"/mo-hinh/{scope.a_model.id}").get_data(as_text=True)
    assert 'data-testid="similarity-flag"' in html
    # Named with its unit and year, never linked: B's dossier stays B's.
    assert scope.b_model.name in html and "Phòng Văn hóa - Xã hội Gia Hưng, năm 2026" in html
    assert f'href="/mo-hinh/{scope.b_model.id}"' not in html
    # B's secretariat and the province's cannot even see the model.
    for user in (scope.b.secretariat, scope.p.secretariat):
        switch_to(client, user)
        response = client.post(f"/mo-hinh/{scope.a_model.id}/trung-lap/{flag.id}",
                               data={"decision": "recycled", "reason": "Trùng lặp rõ ràng"})
        assert response.status_code == 404
    switch_to(client, scope.a.secretariat)
    response = client.post(f"/mo-hinh/{scope.a_model.id}/trung-lap/{flag.id}",
                           data={"decision": "distinct", "reason": "Kết quả riêng của xã"})
    assert response.status_code == 303
    assert db.session.get(SimilarityFlag, flag.id).decision.value == "distinct"


def test_parent_reading_a_nominated_model_neither_sees_nor_decides_its_warnings(client, scope):
    flag = SimilarityFlag(initiative_id=scope.a_nominated.id, other_id=scope.b_accepted.id,
                          kind=SimilarityKind.TEXT, score=0.8)
    db.session.add(flag)
    db.session.commit()
    switch_to(client, scope.p.secretariat)
    html = client.get(f"/mo-hinh/{scope.a_nominated.id}").get_data(as_text=True)
    assert 'data-testid="similarity"' not in html and 'data-testid="workflow-actions"' not in html
    response = client.post(f"/mo-hinh/{scope.a_nominated.id}/trung-lap/{flag.id}",
                           data={"decision": "recycled", "reason": "Trùng lặp rõ ràng"})
    assert response.status_code == 403
    assert db.session.get(SimilarityFlag, flag.id).decision is None


def test_admin_reviews_for_the_organiser_it_chose(client, scope):
    switch_to(client, scope.admin)
    assert client.get(f"/mo-hinh/{scope.a_model.id}").status_code == 404
    client.post("/co-quan-to-chuc/chon", data={"organiser_id": scope.org_a.id})
    _expect(scope, {"a_model", "a_nominated"}, _listed(client))
    assert client.post(f"/mo-hinh/{scope.b_model.id}/tiep-nhan").status_code == 404
    assert client.post(f"/mo-hinh/{scope.a_model.id}/tiep-nhan").status_code == 303
    assert db.session.get(Initiative, scope.a_model.id).status is Status.ACCEPTED
    assert db.session.get(Initiative, scope.b_model.id).status is Status.SUBMITTED
