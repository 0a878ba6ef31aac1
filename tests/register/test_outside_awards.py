"""Awards of other bodies entered by hand: refused when dated in the future or without an
issuing body, with an optional scan checked like evidence; histories of units and people
across years; namesakes never merged; the "one achievement, one award" check counts them."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from danvankheo.audit.models import AuditEvent
from danvankheo.awards import errors, proposals
from danvankheo.awards.models import AwardLevel, RecipientType
from danvankheo.core.errors import DomainError
from danvankheo.core.timeutil import local_today
from danvankheo.extensions import db
from danvankheo.register import history, services
from danvankheo.register.models import AwardedPerson, CandidateMatch, OutsideAward
from tests.evidence import samples
from tests.register.builders import form, outside
from tests.two_levels import COMMUNE_FORM


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutsideAward))


def _post(client, world, **overrides):
    data = {"recipient_type": "collective", "unit_id": str(world.commune.units["school"].id),
            "decision_number": "85/QĐ-BDVTU", "decision_date": "12/06/2024",
            "issuing_body": "Ban Dân vận Tỉnh ủy Ninh Bình", "form_name": "Giấy khen của Trưởng Ban Dân vận Tỉnh ủy",
            "level": "province", "initiative_id": "0", "achievement": "Thực hiện tốt Quy chế dân chủ ở cơ sở."}
    data.update(overrides)
    return client.post("/so-khen-thuong/ngoai-ung-dung/moi", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


# --- Bad input -----------------------------------------------------------------------------------


def test_an_outside_award_dated_in_the_future_is_refused(client, login_as, world):
    login_as(world.commune.secretariat)
    tomorrow = local_today() + timedelta(days=1)
    response = _post(client, world, decision_date=tomorrow.strftime("%d/%m/%Y"))
    assert response.status_code == 200
    assert (f"Ngày quyết định {tomorrow:%d/%m/%Y} chưa đến: khen thưởng đã có quyết định thì ngày quyết định "
            "không thể ở tương lai.") in response.get_data(as_text=True)
    assert _count() == 0


def test_an_outside_award_without_an_issuing_body_is_refused(client, login_as, world):
    login_as(world.commune.secretariat)
    response = _post(client, world, issuing_body="   ")
    assert response.status_code == 200
    assert "Vui lòng nhập cơ quan ban hành quyết định" in response.get_data(as_text=True)
    assert _count() == 0


def test_a_date_not_typed_dd_mm_yyyy_is_refused(client, login_as, world):
    login_as(world.commune.secretariat)
    response = _post(client, world, decision_date="2024-13-45")
    assert response.status_code == 200 and _count() == 0


@pytest.mark.parametrize(("change", "message"), [
    ({"decision_date": date(2099, 1, 1)}, "chưa đến"),
    ({"issuing_body": ""}, "cơ quan ban hành"),
    ({"decision_number": ""}, "số quyết định"),
    ({"form_name": ""}, "hình thức khen thưởng"),
])
def test_the_service_refuses_each_missing_or_wrong_value(world, change, message):
    values = dict(recipient_type=RecipientType.COLLECTIVE, unit_id=world.commune.units["school"].id,
                  decision_number="1/QĐ", decision_date=date(2024, 1, 1), issuing_body="Bộ Nội vụ",
                  form_name="Bằng khen", level=AwardLevel.CENTRAL)
    values.update(change)
    with pytest.raises(DomainError, match=message):
        services.add_outside_award(world.commune.organiser.id, services.OutsideAwardData(**values))
    assert _count() == 0


def test_a_commune_cannot_record_an_award_for_a_unit_of_the_province(world):
    with pytest.raises(DomainError, match="thuộc phạm vi"):
        outside(world.commune, world.province.units["justice"])


def test_a_scan_that_is_not_a_pdf_or_an_image_is_refused(client, login_as, world):
    login_as(world.commune.secretariat)
    response = _post(client, world, scan=(io.BytesIO(b"MZ\x90\x00 not a document"), "quyet-dinh.pdf"))
    assert response.status_code == 200 and _count() == 0


# --- Entering one, and the histories -------------------------------------------------------------


def test_an_outside_award_with_its_scan_shows_in_the_units_history_and_is_audited(client, login_as, world):
    login_as(world.commune.secretariat)
    response = _post(client, world, scan=(io.BytesIO(samples.pdf_bytes()), "Quyết định 85.pdf"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:500]
    assert "Lịch sử khen thưởng: Trường THCS Gia Viễn" in page
    assert "85/QĐ-BDVTU" in page and "Ban Dân vận Tỉnh ủy Ninh Bình" in page and "Ngoài ứng dụng" in page
    # The app's own award of 2026 (revoked) is there too, newest first.
    assert page.index("7/QĐ-UBND") < page.index("85/QĐ-BDVTU") and "Đã hủy" in page
    award = db.session.scalar(select(OutsideAward))
    assert award.decision_date == date(2024, 6, 12) and award.scan_name == "Quyết định 85.pdf"
    scan = client.get(f"/so-khen-thuong/ngoai-ung-dung/{award.id}/ban-chup")
    assert scan.status_code == 200 and scan.data.startswith(b"%PDF")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outside_award.create"))
    assert event is not None and event.actor_id == world.commune.secretariat.id


def test_the_other_organiser_does_not_see_the_award_nor_its_scan(client, login_as, world):
    award = outside(world.commune, world.commune.units["school"])
    db.session.commit()
    login_as(world.province.secretariat)
    assert "3120/QĐ-BTP" not in client.get("/so-khen-thuong/ngoai-ung-dung").get_data(as_text=True)
    assert client.get(f"/so-khen-thuong/ngoai-ung-dung/{award.id}/ban-chup").status_code == 404
    assert client.post(f"/so-khen-thuong/ngoai-ung-dung/{award.id}/xoa").status_code == 404


def test_deleting_an_outside_award_is_audited(client, login_as, world):
    award = outside(world.commune, world.commune.units["school"])
    db.session.commit()
    login_as(world.commune.secretariat)
    client.post(f"/so-khen-thuong/ngoai-ung-dung/{award.id}/xoa")
    assert _count() == 0
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outside_award.delete")) is not None


def test_the_proposal_page_shows_each_candidates_history_of_the_last_five_years(client, login_as, world):
    school = world.commune.units["school"]
    outside(world.commune, school, number="85/QĐ-BDVTU", day=date(local_today().year - 2, 6, 12),
            body="Ban Dân vận Tỉnh ủy Ninh Bình")
    outside(world.commune, school, number="1/QĐ-CŨ", day=date(local_today().year - 6, 6, 12), body="UBND huyện cũ")
    db.session.commit()
    login_as(world.commune.secretariat)
    page = client.get(f"/khen-thuong/de-nghi/{world.commune_second.id}").get_data(as_text=True)
    section = page.split('data-testid="candidate-history"', 1)[1].split("</section>", 1)[0]
    assert "Trường THCS Gia Viễn" in section and "85/QĐ-BDVTU" in section
    assert "1/QĐ-CŨ" not in section  # older than five years
    assert "7/QĐ-UBND" not in section  # the proposal's own decision is not history


# --- Namesakes -----------------------------------------------------------------------------------


def test_two_people_of_the_same_name_and_unit_are_never_merged(client, login_as, world):
    culture = world.commune.units["culture"]
    first = outside(world.commune, culture, person="Vũ Thị Mai", note="sinh năm 1980", number="5/QĐ-A",
                    day=date(2023, 5, 5))
    # The same name again: the secretariat must say who is meant.
    with pytest.raises(services.PersonChoiceNeeded) as refusal:
        outside(world.commune, culture, person="Vũ  Thị Mai", choice="", number="6/QĐ-B", day=date(2024, 5, 5))
    assert refusal.value.matches == [first.person]
    # "Someone else" without anything to tell them apart is refused too.
    with pytest.raises(services.PersonChoiceNeeded, match="để phân biệt"):
        outside(world.commune, culture, person="Vũ Thị Mai", choice=services.NEW_PERSON, number="6/QĐ-B",
                day=date(2024, 5, 5))
    second = outside(world.commune, culture, person="Vũ Thị Mai", note="sinh năm 1995", number="6/QĐ-B",
                     day=date(2024, 5, 5))
    same = outside(world.commune, culture, person="Vũ Thị Mai", choice=str(first.person_id), number="7/QĐ-C",
                   day=date(2025, 1, 5))
    db.session.commit()
    assert second.person_id != first.person_id and same.person_id == first.person_id
    assert db.session.scalar(select(func.count()).select_from(AwardedPerson)) == 2
    # A name with other diacritics is another person, never matched.
    assert services.people_named(culture.id, "Vũ Thị Mải") == []

    # The proposal's candidate Vũ Thị Mai (a member of the model) matches both: no outside award
    # is counted for her until the secretariat chooses, and the page asks.
    line = next(li for li in world.commune_first.lines if li.recipient_name == "Vũ Thị Mai")
    undecided = history.candidate_history(line)
    assert undecided.needs_choice and not any(e.outside for e in undecided.entries)
    login_as(world.commune.secretariat)
    page = client.get(f"/khen-thuong/de-nghi/{world.commune_first.id}").get_data(as_text=True)
    assert 'data-testid="choose-person"' in page and "Vũ Thị Mai (sinh năm 1995)" in page
    response = client.post(f"/so-khen-thuong/ung-vien/{line.id}/chon-nguoi", data={"person_id": str(second.person_id)})
    assert response.status_code == 302
    assert db.session.scalar(select(CandidateMatch.person_id).where(CandidateMatch.line_id == line.id)) == \
        second.person_id
    chosen = history.candidate_history(line)
    assert not chosen.needs_choice and [e.decision_number for e in chosen.entries if e.outside] == ["6/QĐ-B"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "candidate_match.choose")) is not None
    # The app's award to the candidate now belongs to the one chosen, not to the other.
    assert "12/QĐ-UBND" in [e.decision_number for e in history.person_history(second.person)]
    assert "12/QĐ-UBND" not in [e.decision_number for e in history.person_history(first.person)]


def test_a_choice_outside_the_namesakes_is_refused(world):
    culture = world.commune.units["culture"]
    other = outside(world.commune, culture, person="Trần Văn Khác", number="8/QĐ")
    line = next(li for li in world.commune_first.lines if li.recipient_name == "Vũ Thị Mai")
    with pytest.raises(DomainError, match="không trùng họ tên"):
        services.choose_person(line, other.person_id)


def test_with_one_known_person_the_apps_awards_are_theirs_and_a_shared_name_is_flagged(world):
    culture = world.commune.units["culture"]
    only = outside(world.commune, culture, person="Vũ Thị Mai", number="5/QĐ-A", day=date(2023, 5, 5))
    numbers = [e.decision_number for e in history.person_history(only.person)]
    assert numbers == ["12/QĐ-UBND", "5/QĐ-A"]
    assert not any(e.uncertain for e in history.person_history(only.person))
    outside(world.commune, culture, person="Vũ Thị Mai", note="sinh năm 1995", number="6/QĐ-B")
    assert [e.uncertain for e in history.person_history(only.person) if not e.outside] == [True]


# --- One achievement, one award ------------------------------------------------------------------


def test_the_repeat_award_check_counts_an_outside_award_for_the_same_model(world):
    school_model = world.commune.models["school"]
    outside(world.commune, world.commune.units["school"], number="85/QĐ-BDVTU", body="Ban Dân vận Tỉnh ủy",
            form_name="Giấy khen của Trưởng Ban Dân vận Tỉnh ủy", initiative=school_model)
    # The app's own award of this model was revoked: only the outside award stands in the way.
    with pytest.raises(errors.RepeatedAwardError) as refusal:
        proposals.create_proposal(world.commune_round, [school_model.id], form(COMMUNE_FORM),
                               actor=world.commune.secretariat)
    assert "85/QĐ-BDVTU của Ban Dân vận Tỉnh ủy" in str(refusal.value)
    assert [(e.line, e.issuing_body) for e in refusal.value.earlier] == [(None, "Ban Dân vận Tỉnh ủy")]
    proposal = proposals.create_proposal(world.commune_round, [school_model.id], form(COMMUNE_FORM),
                                      actor=world.commune.secretariat, repeat_reason="Năm 2026 có kết quả mới.")
    assert proposal.lines


def test_the_person_history_page_and_the_list_of_histories(client, login_as, world):
    culture = world.commune.units["culture"]
    award = outside(world.commune, culture, person="Vũ Thị Mai", note="Trưởng phòng", number="5/QĐ-A",
                    day=date(2023, 5, 5), body="Hội Liên hiệp Phụ nữ tỉnh")
    db.session.commit()
    login_as(world.commune.secretariat)
    listing = client.get("/so-khen-thuong/lich-su").get_data(as_text=True)
    assert "Vũ Thị Mai (Trưởng phòng)" in listing and "Trường THCS Gia Viễn" in listing
    page = client.get(f"/so-khen-thuong/lich-su/ca-nhan/{award.person_id}").get_data(as_text=True)
    assert "Lịch sử khen thưởng: Vũ Thị Mai (Trưởng phòng)" in page
    # The outside award and the app's award of 2025 to the same name in the same unit.
    assert "5/QĐ-A" in page and "Hội Liên hiệp Phụ nữ tỉnh" in page and "12/QĐ-UBND" in page
    assert page.index("12/QĐ-UBND") < page.index("5/QĐ-A")


def test_the_form_asks_which_namesake_is_meant_and_saves_to_the_one_chosen(client, login_as, world):
    culture = world.commune.units["culture"]
    known = outside(world.commune, culture, person="Vũ Thị Mai", note="sinh năm 1980", number="5/QĐ-A")
    db.session.commit()
    login_as(world.commune.secretariat)
    person = {"recipient_type": "individual", "unit_id": str(culture.id), "full_name": "Vũ Thị Mai"}
    asked = _post(client, world, **person).get_data(as_text=True)
    assert 'data-testid="namesakes"' in asked and "Vũ Thị Mai (sinh năm 1980) (đã có)" in asked
    assert "Ứng dụng không tự gộp" in asked and _count() == 1
    _post(client, world, **person, person_choice=str(known.person_id))
    assert _count() == 2
    assert db.session.scalar(select(func.count()).select_from(AwardedPerson)) == 1


def test_the_list_of_outside_awards_is_paged_by_key_newest_decision_first(client, login_as, world, monkeypatch):
    """Twenty-three awards of the commune, several decided the same day, among the province's,
    five to a page: each comes once, newest decision first (the newer entry first on a shared
    day), forward and back; the list says how many."""
    import re

    from danvankheo.register import routes
    from tests.keyset_walk import walk

    school = world.commune.units["school"]
    for n in range(23):
        outside(world.commune, school, number=f"{n}/QĐ-BDV", day=date(2024, 1 + n % 5, 10))
    outside(world.province, world.province.units["justice"], number="1/QĐ-TINH")
    db.session.commit()
    expected = [a.decision_number for a in db.session.scalars(
        select(OutsideAward).where(OutsideAward.organiser_id == world.commune.organiser.id)
        .order_by(OutsideAward.decision_date.desc(), OutsideAward.id.desc()))]
    monkeypatch.setattr(routes, "PER_PAGE", 5)
    login_as(world.commune.secretariat)
    forward, backward = walk(client, "/so-khen-thuong/ngoai-ung-dung",
                             lambda page: re.findall(r"<td>Số ([^<]+)<br>", page))
    assert [len(numbers) for numbers in forward] == [5, 5, 5, 5, 3]
    assert [n for numbers in forward for n in numbers] == expected
    assert backward == forward[::-1]
    assert "23 khen thưởng ngoài ứng dụng" in client.get("/so-khen-thuong/ngoai-ung-dung").get_data(as_text=True)
