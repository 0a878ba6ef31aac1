"""The commendation register (sổ theo dõi khen thưởng): every decision of the organiser with
its lines and revocations, filtered, per organiser; and one decision number per decision."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from danvankheo.audit.models import AuditEvent
from danvankheo.awards import decisions, proposals
from danvankheo.awards.models import AwardLevel, Proposal, ProposalLine, ProposalState
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.register.book import RegisterFilters, register_lines
from tests.keyset_walk import paging_link, walk
from tests.register.builders import form
from tests.two_levels import COMMUNE_FORM, PROVINCE_FORM


def _rows(page: str) -> list[str]:
    return page.split('data-testid="register-table"', 1)[1].split("</table>", 1)[0].split('data-testid="register-row"')[1:]


def test_the_register_lists_every_decision_with_signer_form_level_lines_and_revocations(client, login_as, world):
    login_as(world.commune.secretariat)
    page = client.get("/so-khen-thuong").get_data(as_text=True)
    rows = _rows(page)
    # Newest decision first; the 2025 decision has the collective and Vũ Thị Mai.
    assert len(rows) == 3
    assert "Số 7/QĐ-UBND" in rows[0] and "02/03/2026" in rows[0] and "Nguyễn Văn Tâm" in rows[0]
    assert "KT. Chủ tịch Phó Chủ tịch" in rows[0]
    assert "Đã hủy theo Quyết định số 9/QĐ-UBND ngày 01/04/2026" in rows[0]
    assert "Trường THCS Gia Viễn" in rows[0]
    assert all("Số 12/QĐ-UBND" in row and "Phạm Văn Hùng" in row for row in rows[1:])
    assert all(COMMUNE_FORM in row and "Cấp xã" in row for row in rows)
    assert "Phòng Văn hóa - Xã hội" in rows[1] and "Vũ Thị Mai" in rows[2]


@pytest.mark.parametrize(("args", "expected"), [
    ({}, {"Trường THCS Gia Viễn", "Phòng Văn hóa - Xã hội", "Vũ Thị Mai"}),
    ({"nam": "2025"}, {"Phòng Văn hóa - Xã hội", "Vũ Thị Mai"}),
    ({"nam": "2024"}, set()),
    ({"cap": "commune"}, {"Trường THCS Gia Viễn", "Phòng Văn hóa - Xã hội", "Vũ Thị Mai"}),
    ({"cap": "province"}, set()),
    ({"q": "vu thi mai"}, {"Vũ Thị Mai"}),  # typed without diacritics
    ({"q": "Trường THCS"}, {"Trường THCS Gia Viễn"}),
])
def test_the_register_filters_by_year_level_and_recipient(client, login_as, world, args, expected):
    login_as(world.commune.secretariat)
    page = client.get("/so-khen-thuong", query_string=args).get_data(as_text=True)
    rows = _rows(page) if 'data-testid="register-table"' in page else []
    found = {name for name in ("Trường THCS Gia Viễn", "Phòng Văn hóa - Xã hội", "Vũ Thị Mai")
             if any(f">{name} <span" in row for row in rows)}
    assert found == expected


def test_the_register_filters_by_form_and_unit(world):
    commune = {world.commune.organiser.id}
    by_unit = register_lines(commune, RegisterFilters(unit_id=world.commune.units["school"].id))
    assert [line.recipient_name for line in by_unit] == ["Trường THCS Gia Viễn"]
    by_form = register_lines(commune, RegisterFilters(form_id=form(COMMUNE_FORM).id))
    assert len(by_form) == 3
    assert register_lines(commune, RegisterFilters(form_id=form(PROVINCE_FORM).id)) == []
    assert len(register_lines(commune, RegisterFilters(level=AwardLevel.COMMUNE, year=2026))) == 1


def test_the_register_pages_by_fifty(client, login_as, world, monkeypatch):
    from danvankheo.register import routes

    monkeypatch.setattr(routes, "PER_PAGE", 2)
    login_as(world.commune.secretariat)
    first = client.get("/so-khen-thuong").get_data(as_text=True)
    second = client.get(paging_link(first, "next")).get_data(as_text=True)
    assert len(_rows(first)) == 2 and len(_rows(second)) == 1
    assert "3 khen thưởng" in first and paging_link(second, "next") is None


def _more_lines(world) -> None:
    """Twenty more lines on each commune decision, some at the same position, both decisions
    dated the same day (the newer decision first), half named Nguyễn Văn, half Trần Thị."""
    first, second = world.commune_first, world.commune_second
    second.decision_date = first.decision_date
    for proposal in (first, second):
        model = proposal.lines[0]
        for n in range(20):
            name = f"{'Nguyễn Văn' if n % 2 else 'Trần Thị'} Thêm {proposal.id}-{n:02d}"
            db.session.add(ProposalLine(
                proposal_id=proposal.id, position=10 + n % 4, recipient_type=model.recipient_type,
                recipient_key=f"them-{n}", unit_id=model.unit_id, recipient_name=name, unit_name=model.unit_name,
                initiative_id=model.initiative_id, initiative_name=model.initiative_name,
                award_form_id=model.award_form_id))
    db.session.commit()


@pytest.mark.parametrize(("args", "kept"), [
    ("nam=2025", "nam=2025"),  # decided in SQL
    ("q=nguyen+van", "q=nguyen"),  # the name matched in Python, accents folded
    ("q=Nguyễn+Văn", "q=Nguy"),  # a prefilter in SQL, then matched in Python
])
def test_the_register_is_paged_by_key_with_its_filter(client, login_as, world, monkeypatch, args, kept):
    """With a filter on, every line it selects comes once, in the register's order (newest
    decision first, a decision's lines by position, then id), forward and back."""
    from danvankheo.register import routes

    _more_lines(world)
    monkeypatch.setattr(routes, "PER_PAGE", 6)
    login_as(world.commune.secretariat)
    filters = RegisterFilters.from_args(MultiDict(parse_qsl(args)))
    expected = [line.recipient_name for line in register_lines({world.commune.organiser.id}, filters)]
    assert len(expected) > 12
    ids = [line.id for line in register_lines({world.commune.organiser.id}, filters)]
    assert ids != sorted(ids)  # the order is not the ids'
    forward, backward = walk(client, f"/so-khen-thuong?{args}", _recipients, kept)
    assert all(len(names) == 6 for names in forward[:-1])
    assert [name for names in forward for name in names] == expected
    assert backward == forward[::-1]
    assert f"{len(expected)} khen thưởng" in client.get(f"/so-khen-thuong?{args}").get_data(as_text=True)


def _recipients(page: str) -> list[str]:
    if 'data-testid="register-table"' not in page:
        return []
    return [re.search(r"<td>([^<]+) <span class=\"small text-muted\">\(", row)[1] for row in _rows(page)]


def test_a_commune_secretariat_sees_only_its_own_register(client, login_as, world):
    login_as(world.commune.secretariat)
    page = client.get("/so-khen-thuong").get_data(as_text=True)
    assert "12/QĐ-UBND" in page and "2150/QĐ-UBND" not in page and "Sở Tư pháp" not in page
    # Another organiser's unit's history is not found.
    assert client.get(f"/so-khen-thuong/lich-su/don-vi/{world.province.units['justice'].id}").status_code == 404


def test_the_province_secretariat_does_not_see_the_communes_register(client, login_as, world):
    login_as(world.province.secretariat)
    page = client.get("/so-khen-thuong").get_data(as_text=True)
    assert "2150/QĐ-UBND" in page and "12/QĐ-UBND" not in page


def test_a_province_observer_reads_the_registers_below(client, login_as, make_user, world):
    observer = make_user(Role.OBSERVER, organiser_id=world.province.organiser.id, login="theodoi.tinh")
    login_as(observer)
    page = client.get("/so-khen-thuong").get_data(as_text=True)
    assert "2150/QĐ-UBND" in page and "12/QĐ-UBND" in page
    # Observers read; they do not enter outside awards.
    assert 'data-testid="new-outside-award"' not in client.get("/so-khen-thuong/ngoai-ung-dung").get_data(as_text=True)
    assert client.get("/so-khen-thuong/ngoai-ung-dung/moi").status_code == 403


def test_staff_cannot_open_the_register(client, login_as, world):
    login_as(Role.STAFF, unit=world.commune.units["school"])
    assert client.get("/so-khen-thuong").status_code == 403
    assert client.get("/so-khen-thuong/excel").status_code == 403


# --- One decision number, one decision -----------------------------------------------------------


def test_a_decision_number_already_used_by_the_organiser_is_refused(client, login_as, world):
    level, round_ = world.province, world.province_round
    other = level.models["justice"]
    proposal = proposals.create_proposal(round_, [other.id], form(PROVINCE_FORM), actor=level.secretariat,
                                      repeat_reason="Mô hình có kết quả mới năm 2026.")
    proposals.update_proposal(proposal, proposals.ProposalDetails("Đợt 2", "T2", date(2026, 11, 5), "A", "Chủ tịch", ""),
                           [proposals.LineChange(li.id, li.recipient_key, li.award_form_id, "Thành tích.", "")
                            for li in proposal.lines], expected_version=proposal.version)
    proposals.submit_proposal(proposal)
    db.session.commit()
    login_as(level.secretariat)
    response = client.post(f"/khen-thuong/de-nghi/{proposal.id}/quyet-dinh", data={
        "qd-version": str(proposal.version), "qd-decision_number": " 2150/qđ-ubnd ",
        "qd-decision_date": "06/11/2026"}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Số Quyết định “2150/qđ-ubnd” đã được dùng cho quyết định khen thưởng khác của cơ quan này" in text
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state is ProposalState.SUBMITTED
    # A new number goes through.
    client.post(f"/khen-thuong/de-nghi/{proposal.id}/quyet-dinh", data={
        "qd-version": str(proposal.version), "qd-decision_number": "2151/QĐ-UBND", "qd-decision_date": "06/11/2026"})
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state is ProposalState.APPROVED


def test_another_organiser_may_use_the_same_number(world):
    # The commune's "12/QĐ-UBND" does not stop the province from numbering its own decision 12.
    level, round_ = world.province, world.province_round
    proposal = proposals.create_proposal(round_, [level.models["justice"].id], form(PROVINCE_FORM),
                                      actor=level.secretariat, repeat_reason="Mô hình có kết quả mới năm 2026.")
    proposals.update_proposal(proposal, proposals.ProposalDetails("Đợt 2", "T2", date(2026, 11, 5), "A", "Chủ tịch", ""),
                           [proposals.LineChange(li.id, li.recipient_key, li.award_form_id, "Thành tích.", "")
                            for li in proposal.lines], expected_version=proposal.version)
    proposals.submit_proposal(proposal)
    decisions.approve_proposal(proposal, "12/QĐ-UBND", date(2026, 11, 6))
    assert proposal.state is ProposalState.APPROVED


def test_viewing_and_exporting_the_register_is_audited_only_for_the_export(client, login_as, world):
    login_as(world.commune.secretariat)
    assert client.get("/so-khen-thuong/excel").status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.xlsx"))
    assert event is not None and event.object_label == "Sổ theo dõi khen thưởng"
