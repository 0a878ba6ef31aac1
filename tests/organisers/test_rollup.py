"""Tổng hợp cấp dưới: the province's page with one line per commune, its figures checked
against the data built by hand, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import date

from danvankheo.awards.catalogue import seed_default_award_forms
from danvankheo.awards.models import (
    AwardForm,
    AwardRevocation,
    Proposal,
    ProposalLine,
    ProposalState,
    RecipientType,
)
from danvankheo.extensions import db
from danvankheo.organisers import nominations
from danvankheo.organisers.models import NominationState, OrganiserLevel
from danvankheo.organisers.rollup import build_rollup
from danvankheo.organisers.services import make_organiser
from danvankheo.registry.deadlines import ComplianceStatus, compliance_rows
from danvankheo.registry.models import Status
from danvankheo.units.models import UnitKind
from tests.factories import make_initiative, make_unit
from tests.perf.querycount import count_queries


def _granted(world) -> None:
    """Gia Viễn's Quyết định: two Giấy khen, one of them revoked since."""
    seed_default_award_forms()
    form = db.session.query(AwardForm).order_by(AwardForm.position).first()
    proposal = Proposal(round_id=world.commune_round.id, title="Đề nghị tặng Giấy khen", state=ProposalState.APPROVED,
                        submission_number="12/TTr-VP", submission_date=date(2026, 11, 2),
                        decision_number="30/QĐ-UBND", decision_date=date(2026, 11, 20))
    db.session.add(proposal)
    db.session.flush()
    lines = []
    for key in ("culture", "clinic"):
        model = world.models[key]
        line = ProposalLine(proposal_id=proposal.id, recipient_type=RecipientType.COLLECTIVE,
                            recipient_key=f"unit:{model.unit_id}", unit_id=model.unit_id,
                            recipient_name=model.unit.name, unit_name=model.unit.name,
                            initiative_id=model.id, initiative_name=model.name, award_form_id=form.id)
        db.session.add(line)
        lines.append(line)
    db.session.flush()
    db.session.add(AwardRevocation(line_id=lines[1].id, reason="Kê khai không đúng thành tích."))
    db.session.flush()


def _cells(page: str, organiser_id: int) -> dict[str, str]:
    row = page.split(f'data-organiser="{organiser_id}"', 1)[1].split("</tr>", 1)[0]
    return {name: re.sub(r"<[^>]+>", " ", value).split()[0]
            for name, value in re.findall(r'data-cell="(\w+)">(.*?)</td>', row, flags=re.S)}


def test_each_commune_has_its_line_with_the_figures_of_its_year(two_levels):
    w = two_levels
    _granted(w)
    nominations.nominate(w.models["culture"], "Đề nghị tỉnh xét", by=w.users["gia_vien_secretariat"])
    rollup = build_rollup(w.province, 2026)
    assert [line.organiser.id for line in rollup.lines] == [w.gia_hung.id, w.gia_vien.id]  # Gia Hưng, Gia Viễn
    hung, vien = rollup.lines

    # Gia Viễn 2026: culture and clinic accepted, the economy division's draft; last year's model
    # does not count. Its divisions and clinic must register; the economy division has only a draft.
    assert (vien.registered, vien.submitted, vien.accepted) == (3, 2, 2)
    assert (vien.units_required, vien.units_registered, vien.units_missing) == (3, 2, 1)
    assert vien.rounds == [(w.commune_round.id, "Đợt đánh giá xã Gia Viễn năm 2026")]
    assert vien.awards == 1  # two Giấy khen granted, one revoked
    assert vien.nominations == {NominationState.PENDING: 1}
    # Gia Hưng 2026: one submitted model of the commune itself, one withdrawn; without settings
    # a commune asks its divisions and public-service units: its culture division must register,
    # and its only model was withdrawn.
    assert (hung.registered, hung.submitted, hung.accepted) == (2, 1, 0)
    assert (hung.units_required, hung.units_registered) == (1, 0)
    assert (hung.rounds, hung.awards, hung.nominations_sent) == ([], 0, 0)
    # The compliance figures are those of each commune's own compliance view.
    for line in rollup.lines:
        rows = compliance_rows(2026, organiser_id=line.organiser.id)
        assert line.units_required == len(rows)
        assert line.units_registered == sum(r.status is not ComplianceStatus.MISSING for r in rows)
    assert rollup.total("registered") == 5 and rollup.rounds_total == 1
    # Another year: nothing but the compliance scope, a commune's default for both: Gia Hưng's
    # culture division; Gia Viễn's two divisions and its clinic.
    other = build_rollup(w.province, 2025)
    assert [(line.registered, line.accepted, line.units_required) for line in other.lines] == [(0, 0, 1), (1, 1, 3)]
    # A commune has no organiser below it.
    assert build_rollup(w.gia_vien, 2026).lines == []


def test_a_nested_organiser_counts_for_its_commune(two_levels):
    w = two_levels
    school = make_unit("Trường THCS Gia Viễn", code="XGV-THCS", kind=UnitKind.PUBLIC_SERVICE, parent=w.units["gia_vien"])
    make_organiser(school, level=OrganiserLevel.DEPARTMENT, secretariat_name="Văn phòng trường")
    make_initiative(school, name="Trường học thân thiện", status=Status.ACCEPTED)
    vien = {line.organiser.id: line for line in build_rollup(w.province, 2026).lines}[w.gia_vien.id]
    assert (vien.registered, vien.accepted) == (4, 3)


def test_the_page_for_the_province_secretariat_and_observer(two_levels, client, login_as):
    w = two_levels
    _granted(w)
    db.session.commit()
    login_as(w.users["province_observer"])
    client.get("/tong-hop-cap-duoi?nam=2026")
    db.session.commit()  # each count starts from the same state of the test's session
    with count_queries() as few:
        page = client.get("/tong-hop-cap-duoi?nam=2026")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert _cells(text, w.gia_vien.id) == {"registered": "3", "submitted": "2", "accepted": "2",
                                           "units_required": "3", "units_registered": "2", "rounds": "Đợt",
                                           "awards": "1", "nominations": "0"}
    # The observer reads the communes: their figures link to their pages.
    assert f'href="/dot-danh-gia/{w.commune_round.id}/xep-hang"' in text
    assert f"/mo-hinh?nam=2026&amp;don_vi={w.units['gia_vien'].id}&amp;trang_thai=accepted" in text

    # Two more communes with models and a round: the page sends the same number of queries.
    for n in range(2):
        unit = make_unit(f"UBND xã Thử {n}", code=f"XT{n}", kind=UnitKind.COMMUNE, parent=w.province.unit)
        make_organiser(unit, level=OrganiserLevel.COMMUNE)
        make_initiative(unit, status=Status.ACCEPTED)
    db.session.commit()
    with count_queries() as more:
        client.get("/tong-hop-cap-duoi?nam=2026")
    assert few.count <= 18, few.report()  # PostgreSQL counts the test transaction's savepoint too
    assert more.count == few.count, few.report() + "\n----\n" + more.report()

    # The province secretariat sees the figures; the commune rounds are not its to open.
    client.post("/dang-xuat")
    login_as(w.users["province_secretariat"])
    text = client.get("/tong-hop-cap-duoi?nam=2026").get_data(as_text=True)
    assert _cells(text, w.gia_vien.id)["accepted"] == "2"
    assert f'href="/dot-danh-gia/{w.commune_round.id}/xep-hang"' not in text
    # A commune's secretariat has nothing below it.
    client.post("/dang-xuat")
    login_as(w.users["gia_vien_secretariat"])
    text = client.get("/tong-hop-cap-duoi?nam=2026").get_data(as_text=True)
    assert 'data-testid="rollup-empty"' in text
    assert client.get("/tong-hop-cap-duoi?nam=1900").status_code == 404
