"""Awards per organiser (issue 14): a commune proposes Giấy khen of its Chủ tịch UBND xã from
its own round, prints its own names on the Tờ trình, and the province and the commune never
see each other's proposals. Thematic (chuyên đề) forms say so on lists and documents."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from danvankheo.awards import documents, errors, proposals
from danvankheo.awards.models import AwardForm, Proposal
from danvankheo.extensions import db
from danvankheo.organisers.names import document_names
from tests.two_levels import COMMUNE_FORM, PROVINCE_FORM, TwoLevels, build_two_levels, run_round


@pytest.fixture
def world(app) -> TwoLevels:
    built = build_two_levels()
    built.commune_round = run_round(built.commune, name="Đánh giá mô hình xã Gia Viễn 2026")
    built.province_round = run_round(built.province, name="Đánh giá mô hình tỉnh 2026")
    db.session.commit()
    return built


def _form(name: str) -> AwardForm:
    return db.session.scalar(select(AwardForm).where(AwardForm.name == name))


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _proposal(level, round_, form_name: str) -> Proposal:
    proposal = proposals.create_proposal(round_, [m.id for m in level.models.values()], _form(form_name),
                                        actor=level.secretariat)
    db.session.commit()
    return proposal


def test_the_commune_is_offered_only_commune_level_forms(client, login_as, world):
    login_as(world.commune.secretariat)
    page = client.get(f"/khen-thuong/de-nghi/moi?dot={world.commune_round.id}").get_data(as_text=True)
    choices = re.search(r'<select[^>]*name="award_form_id"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert COMMUNE_FORM in choices
    assert PROVINCE_FORM not in choices and "Giám đốc Sở" not in choices

    response = client.post(f"/khen-thuong/de-nghi/moi?dot={world.commune_round.id}", data={
        "title": "Đề nghị khen thưởng xã Gia Viễn 2026", "award_form_id": str(_form(COMMUNE_FORM).id),
        "initiative_ids": [str(world.commune.models["culture"].id)]})
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal).where(Proposal.title == "Đề nghị khen thưởng xã Gia Viễn 2026"))
    assert proposal.round.organiser_id == world.commune.organiser.id
    assert [line.award_form.name for line in proposal.lines] == [COMMUNE_FORM]
    # The commune's usual signer starts the Tờ trình.
    assert (proposal.signer_title, proposal.signer_name) == ("Chủ tịch", "Phạm Văn Hùng")


def test_a_form_of_another_level_is_refused_with_a_reason(client, login_as, world):
    with pytest.raises(errors.AwardError, match="chỉ đề nghị được hình thức khen thưởng cùng cấp"):
        proposals.create_proposal(world.commune_round, [world.commune.models["culture"].id], _form(PROVINCE_FORM),
                                 actor=world.commune.secretariat)
    db.session.rollback()
    assert db.session.scalar(select(Proposal.id)) is None
    login_as(world.commune.secretariat)
    page = client.post(f"/khen-thuong/de-nghi/moi?dot={world.commune_round.id}", data={
        "award_form_id": str(_form(PROVINCE_FORM).id),
        "initiative_ids": [str(world.commune.models["culture"].id)]}).get_data(as_text=True)
    assert "chỉ đề nghị được hình thức khen thưởng cùng cấp" in page
    assert db.session.scalar(select(Proposal.id)) is None

    proposal = _proposal(world.commune, world.commune_round, COMMUNE_FORM)
    response = client.post(f"/khen-thuong/de-nghi/{proposal.id}/them-dong", data={
        "initiative_id": str(world.commune.models["culture"].id), "award_form_id": str(_form(PROVINCE_FORM).id),
        "version": str(proposal.version)}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "chỉ đề nghị được hình thức khen thưởng cùng cấp" in page
    db.session.refresh(proposal)
    assert len(proposal.lines) == 2 and {line.award_form.name for line in proposal.lines} == {COMMUNE_FORM}

    # And the province proposes Bằng khen, not a commune's Giấy khen.
    with pytest.raises(errors.AwardError, match="cấp xã"):
        proposals.create_proposal(world.province_round, [world.province.models["justice"].id], _form(COMMUNE_FORM),
                                 actor=world.province.secretariat)


def test_the_communes_tờ_trình_prints_the_communes_names(client, login_as, world, app):
    proposal = _proposal(world.commune, world.commune_round, COMMUNE_FORM)
    login_as(world.commune.secretariat)
    response = client.get(f"/khen-thuong/de-nghi/{proposal.id}/van-ban/to-trinh.docx")
    assert response.status_code == 200
    text = _docx_text(response.data)
    assert "Gia Viễn, ngày" in text
    assert "Phạm Văn Hùng" in text and "CHỦ TỊCH" in text
    assert "VĂN PHÒNG HĐND VÀ UBND" in text and "UBND XÃ GIA VIỄN" in text.upper()
    assert "Ninh Bình, ngày" not in text
    assert "/TTr-VP" in text
    # The Quyết định is the commune's too.
    decision = _docx_text(client.get(f"/khen-thuong/de-nghi/{proposal.id}/van-ban/du-thao-quyet-dinh.docx").data)
    assert "/QĐ-UBND" in decision and "Gia Viễn, ngày" in decision
    # Its figures count the commune's models only.
    figures = documents.round_figures(proposal)
    assert figures.accepted == len(world.commune.models)


def test_the_provinces_documents_keep_the_deployments_names(world, app):
    proposal = _proposal(world.province, world.province_round, PROVINCE_FORM)
    settings = documents.Settings.for_proposal(proposal, app.config)
    assert settings.place == app.config["DOCUMENT_PLACE_NAME"]
    assert settings.issuing_body == app.config["ISSUING_BODY_NAME"]
    text = _docx_text(documents.proposal_document(proposal, "to-trinh", settings))
    assert f"{app.config['DOCUMENT_PLACE_NAME']}, ngày" in text and "Gia Viễn, ngày" not in text


def test_document_names_fall_back_field_by_field(world, app):
    names = document_names(world.commune.organiser, app.config)
    assert names["place_name"] == "Gia Viễn" and names["signer_name"] == "Phạm Văn Hùng"
    # Left empty by the commune: the deployment's setting of the same meaning.
    assert names["signer_authority"] == (app.config["DOCUMENT_SIGNER_AUTHORITY"] or "")
    assert names["submission_addressee"] == (app.config["SUBMISSION_ADDRESSEE"] or "")
    province = document_names(world.province.organiser, app.config)
    assert province["secretariat_name"] == app.config["SECRETARIAT_NAME"]
    assert document_names(None, app.config)["place_name"] == app.config["DOCUMENT_PLACE_NAME"]


def _urls(proposal: Proposal) -> list[str]:
    base = f"/khen-thuong/de-nghi/{proposal.id}"
    return [base, f"{base}/van-ban/to-trinh.docx", f"{base}/van-ban/bien-ban.docx",
            f"{base}/van-ban/du-thao-quyet-dinh.docx", f"{base}/hop-hoi-dong", f"{base}/ho-so.zip",
            f"/xuat-excel/de-nghi/{proposal.id}",
            f"{base}/bao-cao-thanh-tich/{proposal.lines[0].id}.docx"]


def test_each_organisers_proposals_are_not_found_by_the_other(client, login_as, world):
    commune = _proposal(world.commune, world.commune_round, COMMUNE_FORM)
    province = _proposal(world.province, world.province_round, PROVINCE_FORM)
    for mine, theirs, user in ((commune, province, world.commune.secretariat),
                               (province, commune, world.province.secretariat)):
        login_as(user)
        for url in _urls(theirs):
            assert client.get(url).status_code == 404, url
        for url in (f"/khen-thuong/de-nghi/{theirs.id}", f"/khen-thuong/de-nghi/{theirs.id}/them-dong",
                    f"/khen-thuong/de-nghi/{theirs.id}/xoa", f"/khen-thuong/de-nghi/{theirs.id}/hop-hoi-dong"):
            assert client.post(url, data={"title": "Đổi tên"}).status_code == 404, url
        assert client.get(f"/khen-thuong/da-khen/{theirs.lines[0].id}/huy").status_code == 404
        assert client.get(f"/khen-thuong/de-nghi/moi?dot={theirs.round_id}").status_code == 404
        for url in _urls(mine)[:4]:
            assert client.get(url).status_code == 200, url
        index = client.get("/khen-thuong").get_data(as_text=True)
        assert mine.title in index or mine.round.name in index
        assert f"/khen-thuong/de-nghi/{theirs.id}\"" not in index
        client.post("/dang-xuat")
    db.session.refresh(commune)
    db.session.refresh(province)
    assert db.session.scalar(select(Proposal.id).where(Proposal.id == commune.id))
    assert commune.title != "Đổi tên" and province.title != "Đổi tên"


def test_a_thematic_form_says_chuyên_đề_on_lists_and_documents(client, login_as, world, make_user):
    from danvankheo.core.roles import Role

    form = _form(COMMUNE_FORM)
    login_as(Role.ADMIN)
    edit = client.get(f"/khen-thuong/hinh-thuc/{form.id}").get_data(as_text=True)
    assert 'name="is_thematic"' in edit
    response = client.post(f"/khen-thuong/hinh-thuc/{form.id}", data={
        "name": form.name, "issuing_authority": form.issuing_authority, "level": form.level.value,
        "position": str(form.position), "is_active": "y", "is_thematic": "y"})
    assert response.status_code == 303
    db.session.refresh(form)
    assert form.is_thematic and form.display_name == f"{COMMUNE_FORM} (chuyên đề)"
    assert "(chuyên đề)" in client.get("/khen-thuong/hinh-thuc").get_data(as_text=True)
    client.post("/dang-xuat")

    proposal = _proposal(world.commune, world.commune_round, COMMUNE_FORM)
    login_as(world.commune.secretariat)
    assert f"{COMMUNE_FORM} (chuyên đề)" in client.get("/khen-thuong").get_data(as_text=True)
    assert f"{COMMUNE_FORM} (chuyên đề)" in client.get(f"/khen-thuong/de-nghi/{proposal.id}").get_data(as_text=True)
    export = client.get(f"/xuat-excel/de-nghi/{proposal.id}")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert f"{COMMUNE_FORM} (chuyên đề)" in cells
    tờ_trình = _docx_text(client.get(f"/khen-thuong/de-nghi/{proposal.id}/van-ban/to-trinh.docx").data)
    decision = _docx_text(client.get(f"/khen-thuong/de-nghi/{proposal.id}/van-ban/du-thao-quyet-dinh.docx").data)
    assert "(chuyên đề)" in tờ_trình and "(chuyên đề)" in decision
