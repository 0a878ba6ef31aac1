"""Issue 23 item 4: the Mặt trận Tổ quốc records, revises and is refused; every opinion is
audited, notified to the secretariat and kept in versions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from danvankheo.audit.models import AuditEvent
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.supervision.models import Stance, SupervisionOpinion, SupervisionOpinionVersion
from tests.evidence.samples import pdf_bytes, png_bytes

TEXT = "Qua giám sát thực tế tại 3 thôn, người dân xác nhận tổ công tác hướng dẫn tận nhà hằng tuần."


def _url(initiative) -> str:
    return f"/giam-sat/mo-hinh/{initiative.id}"


def _post(client, initiative, *, stance="agree", text=TEXT, file=None, **extra):
    data = {"stance": stance, "text": text, **extra}
    if file is not None:
        data["file"] = file
    return client.post(_url(initiative), data=data, content_type="multipart/form-data")


def _files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_supervisor_records_an_opinion_with_a_file_audited_and_notified(client, login_as, sv, app):
    login_as(sv.mttq)
    response = _post(client, sv.accepted, stance="partly",
                     file=(io.BytesIO(pdf_bytes(text="biên bản")), "Biên bản giám sát.pdf"))
    assert response.status_code == 303
    opinion = db.session.scalar(select(SupervisionOpinion))
    assert (opinion.stance, opinion.text, opinion.version) == (Stance.PARTLY, TEXT, 1)
    assert opinion.author_id == sv.mttq.id and opinion.organiser_id == sv.levels.province.organiser.id
    assert opinion.body_name == "Ủy ban MTTQ Việt Nam tỉnh"
    assert opinion.file_name == "Biên bản giám sát.pdf" and len(_files(app)) == 1
    assert [v.version for v in opinion.versions] == [1]

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "supervision.opinion"))
    assert event.actor_id == sv.mttq.id and event.object_id == opinion.id
    assert event.changes["stance"] == [None, "partly"]

    notes = db.session.scalars(select(Notification).where(Notification.kind == "supervision_opinion")).all()
    assert [n.user_id for n in notes] == [sv.levels.province.secretariat.id]  # never the commune's
    assert "Ủy ban MTTQ Việt Nam tỉnh gửi ý kiến giám sát" in notes[0].title

    page = client.get(_url(sv.accepted)).get_data(as_text=True)
    assert "Đồng ý một phần" in page and "Sửa ý kiến của tôi" in page
    download = client.get(f"/giam-sat/phien-ban/{opinion.versions[0].id}/tep")
    assert download.status_code == 200 and download.mimetype == "application/pdf"


def test_revising_writes_a_new_version_and_keeps_the_old_one(client, login_as, sv):
    login_as(sv.mttq)
    _post(client, sv.accepted, stance="agree")
    response = _post(client, sv.accepted, stance="disagree", text="Sau khi đối chiếu, số liệu 1.200 lượt chưa đúng.")
    assert response.status_code == 303
    opinion = db.session.scalar(select(SupervisionOpinion))
    assert (opinion.stance, opinion.version) == (Stance.DISAGREE, 2)
    assert [(v.version, v.stance) for v in opinion.versions] == [(1, Stance.AGREE), (2, Stance.DISAGREE)]
    assert _count(SupervisionOpinion) == 1
    revise = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "supervision.revise"))
    assert revise.changes["stance"] == ["agree", "disagree"]
    assert _count(Notification) == 2
    page = client.get(f"/mo-hinh/{sv.accepted.id}").get_data(as_text=True)
    assert "Các phiên bản trước" in page and TEXT in page


def test_a_supervisor_never_changes_another_supervisors_opinion(client, login_as, sv):
    login_as(sv.mttq)
    _post(client, sv.accepted, stance="agree")
    client.post("/dang-xuat")
    login_as(sv.women)
    page = client.get(_url(sv.accepted)).get_data(as_text=True)
    assert "Ghi ý kiến của tôi" in page and "Ý kiến của Mặt trận, đoàn thể khác" in page  # reads it, as its own form is empty
    _post(client, sv.accepted, stance="disagree", text="Hội Phụ nữ chưa thấy hội viên được hưởng lợi.")
    mttq_opinion = db.session.scalar(select(SupervisionOpinion).where(SupervisionOpinion.author_id == sv.mttq.id))
    assert (mttq_opinion.stance, mttq_opinion.text, mttq_opinion.version) == (Stance.AGREE, TEXT, 1)
    assert _count(SupervisionOpinion) == 2


@pytest.mark.parametrize(
    ("data", "file", "message"),
    [
        ({"text": "   "}, None, "Vui lòng ghi nội dung ý kiến giám sát."),
        ({"text": "x" * 4001}, None, "dài 4.001 ký tự, vượt quá giới hạn 4.000 ký tự"),
        ({"stance": ""}, None, "Vui lòng chọn mức độ đồng ý"),
        ({"stance": "hacked"}, None, "Vui lòng chọn mức độ đồng ý"),
        ({}, (io.BytesIO(b"MZ\x90\x00 not a document"), "bien-ban.pdf"), "Không nhận tệp đính kèm"),
        ({}, (io.BytesIO(png_bytes()), "bien-ban.pdf"), "nhưng tên tệp có phần mở rộng"),
    ],
    ids=["empty-text", "too-long", "no-stance", "bad-stance", "not-a-document", "wrong-extension"],
)
def test_bad_input_gets_a_vietnamese_message_and_saves_nothing(client, login_as, sv, app, data, file, message):
    login_as(sv.mttq)
    response = _post(client, sv.accepted, file=file, **{"stance": "agree", "text": TEXT, **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(SupervisionOpinion) == _count(SupervisionOpinionVersion) == 0
    assert _count(Notification) == 0
    assert not db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.like("supervision.%")))
    assert _files(app) == []


def test_a_refused_revision_leaves_the_opinion_as_it_was(client, login_as, sv):
    login_as(sv.mttq)
    _post(client, sv.accepted)
    assert _post(client, sv.accepted, stance="disagree", text="").status_code == 400
    opinion = db.session.scalar(select(SupervisionOpinion))
    assert (opinion.stance, opinion.version, len(opinion.versions)) == (Stance.AGREE, 1, 1)


def test_a_first_opinion_saved_meanwhile_in_another_tab_is_reported_not_duplicated(client, login_as, sv, monkeypatch):
    from danvankheo.supervision import services

    login_as(sv.mttq)
    _post(client, sv.accepted, stance="agree")
    # The second tab's page was opened before the first tab saved: it finds no opinion of its own.
    monkeypatch.setattr(services, "own_opinion", lambda initiative, author: None)
    response = _post(client, sv.accepted, stance="disagree", text="Ý kiến gửi từ cửa sổ thứ hai.")
    assert response.status_code == 303 and response.location.endswith(_url(sv.accepted))
    monkeypatch.undo()
    db.session.expire_all()
    opinion = db.session.scalar(select(SupervisionOpinion))
    assert _count(SupervisionOpinion) == 1 and (opinion.stance, opinion.version) == (Stance.AGREE, 1)
    page = client.get(_url(sv.accepted)).get_data(as_text=True)
    assert "Ý kiến của bạn vừa được lưu ở một cửa sổ khác" in page
