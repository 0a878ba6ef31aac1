"""Recycled models and reused evidence: warned on submission and acceptance, with a link to
the similar model; continued models are not warned by text; the secretariat decides with an
audited reason. pg_trgm on PostgreSQL, rapidfuzz on SQLite."""

from __future__ import annotations

from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.extensions import db
from danvankheo.registry import similarity, workflow
from danvankheo.registry.models import Status
from danvankheo.registry.similarity import SimilarityDecision, SimilarityFlag, SimilarityKind
from tests import factories
from tests.evidence.samples import pdf_bytes
from tests.registry.conftest import add_evidence, switch_to

OLD = dict(
    name="Tổ hòa giải “Ba cùng” ở khu dân cư",
    situation="Mâu thuẫn đất đai, hàng xóm kéo dài, nhiều vụ việc chuyển lên cấp trên.",
    content_method="Hòa giải viên cùng ăn, cùng ở, cùng làm với người dân; họp tổ hằng tháng.",
    results_quantitative="Hòa giải thành 92% trong 148 vụ việc; không phát sinh khiếu kiện vượt cấp.",
)
COPY = dict(OLD, name="Tổ hòa giải “Ba cùng” tại khu dân cư",
            results_quantitative="Hòa giải thành 93% trong 150 vụ việc; không phát sinh khiếu kiện vượt cấp.")
OTHER = dict(
    name="Khám bệnh lưu động cho người cao tuổi vùng cao",
    situation="Người cao tuổi ở xã vùng cao đi khám bệnh xa, tốn kém.",
    content_method="Đội y tế lưu động khám, phát thuốc tại nhà văn hóa thôn mỗi quý.",
    results_quantitative="4.200 lượt khám; 310 người được phát hiện sớm bệnh mạn tính.",
)


def _model(unit, spec, *, year=2026, status=Status.DRAFT, **extra):
    fields = dict(spec)
    name = fields.pop("name")
    return factories.make_initiative(unit, name=name, year=year, status=status, **fields, **extra)


def _flags(initiative) -> list[SimilarityFlag]:
    return list(db.session.scalars(select(SimilarityFlag).where(SimilarityFlag.initiative_id == initiative.id)))


def test_submitting_a_copy_of_last_years_model_warns_with_a_link(client, world):
    old = _model(world.justice, OLD, year=2025, status=Status.ACCEPTED)
    _model(world.health, OTHER, year=2025, status=Status.ACCEPTED)
    copy = _model(world.justice, COPY, created_by=world.staff)
    add_evidence(copy)
    db.session.commit()
    workflow.transition(copy, Status.SUBMITTED, world.staff)
    db.session.commit()
    [flag] = _flags(copy)
    assert flag.kind is SimilarityKind.TEXT and flag.other_id == old.id and flag.score >= similarity.THRESHOLD
    assert flag.decision is None

    switch_to(client, world.secretariat)
    page = client.get(f"/mo-hinh/{copy.id}").get_data(as_text=True)
    assert "Cảnh báo trùng lặp" in page and "1 chưa xem xét" in page
    assert f'href="/mo-hinh/{old.id}"' in page and "Tên và nội dung gần giống" in page
    switch_to(client, world.staff)  # the unit does not see the secretariat's warning
    assert "Cảnh báo trùng lặp" not in client.get(f"/mo-hinh/{copy.id}").get_data(as_text=True)


def test_a_model_marked_as_continued_is_not_warned_but_reused_evidence_is(world):
    old = _model(world.justice, OLD, year=2025, status=Status.ACCEPTED)
    data = pdf_bytes(text="biên bản hòa giải năm 2025")
    shared = add_evidence(old, data=data)
    copy = _model(world.justice, COPY, continues=old)
    add_evidence(copy, data=data)  # the same file again
    different = _model(world.health, OTHER)
    db.session.flush()
    similarity.detect(copy)
    similarity.detect(different)
    [flag] = _flags(copy)
    assert flag.kind is SimilarityKind.EVIDENCE and flag.other_id == old.id and flag.sha256 == shared.sha256
    assert _flags(different) == []
    similarity.detect(copy)  # detection again adds nothing new
    assert len(_flags(copy)) == 1


def test_acceptance_compares_again_and_the_secretariat_decides_with_a_reason(client, world):
    first = _model(world.health, COPY, status=Status.SUBMITTED)
    later = _model(world.justice, OLD, status=Status.SUBMITTED)  # another unit, same year
    db.session.commit()
    switch_to(client, world.secretariat)
    client.post(f"/mo-hinh/{first.id}/tiep-nhan", data={"version": str(first.version)})
    db.session.refresh(first)
    assert first.status is Status.ACCEPTED
    [flag] = _flags(first)
    assert flag.other_id == later.id

    url = f"/mo-hinh/{first.id}/trung-lap/{flag.id}"
    refused = client.post(url, data={"decision": "distinct", "reason": ""}, follow_redirects=True)
    assert "Vui lòng ghi rõ lý do của quyết định" in refused.get_data(as_text=True)
    db.session.refresh(flag)
    assert flag.decision is None
    refused = client.post(url, data={"reason": "Đã xem hồ sơ"}, follow_redirects=True)
    assert "Vui lòng chọn: trùng lặp hay không trùng lặp." in refused.get_data(as_text=True)

    done = client.post(url, data={"decision": "distinct", "reason": "Hai đơn vị làm riêng, số liệu khác nhau."},
                       follow_redirects=True)
    assert "Đã xem xét: <strong>Không trùng lặp" in done.get_data(as_text=True)
    db.session.refresh(flag)
    assert flag.decision is SimilarityDecision.DISTINCT and flag.decided_by_id == world.secretariat.id
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "initiative.similarity_decision")).one()
    assert event.reason == "Hai đơn vị làm riêng, số liệu khác nhau." and event.object_id == first.id
    assert event.changes["similarity_decision"] == [None, "distinct"]


def test_only_the_secretariat_decides(client, world):
    first = _model(world.health, COPY, status=Status.SUBMITTED)
    _model(world.justice, OLD, status=Status.SUBMITTED)
    db.session.flush()
    [flag] = similarity.detect(first)
    db.session.commit()
    for user in (world.staff, world.observer, world.evaluator):
        switch_to(client, user)
        response = client.post(f"/mo-hinh/{first.id}/trung-lap/{flag.id}",
                               data={"decision": "recycled", "reason": "Trùng lặp rõ ràng."})
        assert response.status_code == 403
    db.session.refresh(flag)
    assert flag.decision is None
