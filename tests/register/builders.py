"""Approved proposals of both organisers of tests/two_levels.py, and outside awards, for the
register's tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from danvankheo.awards import decisions, proposals
from danvankheo.awards.models import AwardForm, AwardLevel, Proposal, RecipientType
from danvankheo.extensions import db
from danvankheo.register import services
from danvankheo.registry.models import Initiative
from tests.two_levels import COMMUNE_FORM, PROVINCE_FORM, Level, TwoLevels, build_two_levels, run_round


def form(name: str) -> AwardForm:
    return db.session.scalar(select(AwardForm).where(AwardForm.name == name))


def approve(level: Level, round_, models: list[Initiative], form_name: str, number: str, day: date, *,
            members: list[tuple[Initiative, str]] = (), title: str = "Đề nghị khen thưởng",
            signer: tuple[str, str, str] = ("Phạm Văn Hùng", "Chủ tịch", "")) -> Proposal:
    """A proposal of `models` (collective lines, plus the named members), submitted and approved."""
    award_form = form(form_name)
    proposal = proposals.create_proposal(round_, [m.id for m in models], award_form, actor=level.secretariat,
                                      title=title)
    for initiative, name in members:
        key = next(r.key for r in proposals.recipients_for(initiative) if r.name == name)
        proposals.add_line(proposal, initiative, key, award_form, actor=level.secretariat)
    details = proposals.ProposalDetails(title=title, submission_number=f"T{number}", submission_date=day,
                                     signer_name=signer[0], signer_title=signer[1], signer_authority=signer[2])
    changes = [proposals.LineChange(line.id, line.recipient_key, line.award_form_id,
                                 line.achievement_summary or "Có thành tích xuất sắc.", line.note)
               for line in proposal.lines]
    proposals.update_proposal(proposal, details, changes, expected_version=proposal.version, actor=level.secretariat)
    proposals.submit_proposal(proposal, actor=level.secretariat)
    decisions.approve_proposal(proposal, number, day, actor=level.secretariat)
    db.session.flush()
    return proposal


def outside(level: Level, unit, *, person: str = "", note: str = "", choice: str | None = None,
            number: str = "3120/QĐ-BTP", day: date = date(2024, 12, 20), body: str = "Bộ Tư pháp",
            form_name: str = "Bằng khen của Bộ trưởng Bộ Tư pháp", award_level: AwardLevel = AwardLevel.CENTRAL,
            initiative: Initiative | None = None):
    return services.add_outside_award(level.organiser.id, services.OutsideAwardData(
        recipient_type=RecipientType.INDIVIDUAL if person else RecipientType.COLLECTIVE, unit_id=unit.id,
        decision_number=number, decision_date=day, issuing_body=body, form_name=form_name, level=award_level,
        full_name=person, person_note=note, person_choice=choice or (services.NEW_PERSON if person else None),
        initiative_id=initiative.id if initiative else None), actor=level.secretariat)


def build_register() -> TwoLevels:
    """The commune's 2025 and 2026 decisions (one line revoked), the province's 2026 decision."""
    world = build_two_levels()
    world.commune_round = run_round(world.commune, name="Đánh giá mô hình xã Gia Viễn 2026")
    world.province_round = run_round(world.province, name="Đánh giá mô hình tỉnh 2026")
    culture, school = world.commune.models["culture"], world.commune.models["school"]
    world.commune_first = approve(world.commune, world.commune_round, [culture], COMMUNE_FORM, "12/QĐ-UBND",
                                  date(2025, 12, 1), members=[(culture, "Vũ Thị Mai")],
                                  title="Khen thưởng Dân vận khéo xã Gia Viễn 2025")
    world.commune_second = approve(world.commune, world.commune_round, [school], COMMUNE_FORM, "7/QĐ-UBND",
                                   date(2026, 3, 2), title="Khen thưởng Dân vận khéo xã Gia Viễn 2026",
                                   signer=("Nguyễn Văn Tâm", "Phó Chủ tịch", "KT. Chủ tịch"))
    # A second proposal on a model already awarded needs a reason: none of these repeats.
    decisions.revoke_award(world.commune_second.lines[0], "Phát hiện kê khai không đúng thành tích.",
                        decision_number="9/QĐ-UBND", decision_date=date(2026, 4, 1), actor=world.commune.secretariat)
    world.province_decision = approve(world.province, world.province_round, [world.province.models["justice"]],
                                      PROVINCE_FORM, "2150/QĐ-UBND", date(2026, 11, 2),
                                      title="Khen thưởng Dân vận khéo tỉnh 2026",
                                      signer=("Lê Văn Tỉnh", "Chủ tịch", ""))
    db.session.commit()
    return world
