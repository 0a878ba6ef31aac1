"""Evaluators read the dossier and the evidence of the models they score, and only those."""

import io

from sqlalchemy import select

from danvankheo.extensions import db
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.models import Assignment
from tests.evidence import samples


def test_assigned_evaluator_reads_dossier_and_evidence(client, login_as, province):
    from danvankheo.evidence import services as evidence

    model = province.models["commune"]
    file = evidence.attach(model, io.BytesIO(samples.pdf_bytes()), "Báo cáo kết quả.pdf", actor=None)
    assignments.assign(province.round, model, province.evaluators["justice"])
    rounds.start_scoring(province.round)
    db.session.commit()

    login_as(province.evaluators["justice"])
    page = client.get(f"/cham-diem/{province.round.id}/{model.id}").get_data(as_text=True)
    assert "Người dân phải đi lại nhiều lần" in page  # thực trạng, from the dossier
    assert "Báo cáo kết quả.pdf" in page
    assert client.get(f"/minh-chung/{file.id}").status_code == 200

    # After recusing, the evidence is no longer theirs to read.
    assignment = db.session.scalar(select(Assignment))
    assignments.recuse(assignment, "Có người thân ở xã", by=province.evaluators["justice"])
    db.session.commit()
    assert client.get(f"/minh-chung/{file.id}").status_code == 404


def test_evidence_access_ends_when_the_round_is_finalised(client, login_as, province):
    from danvankheo.evidence import services as evidence
    from tests.scoring.conftest import full_marks

    model = province.models["commune"]
    file = evidence.attach(model, io.BytesIO(samples.pdf_bytes()), "Báo cáo kết quả.pdf", actor=None)
    province.round.min_scorecards = 1
    assignments.assign(province.round, model, province.evaluators["justice"])
    rounds.start_scoring(province.round)
    scorecards.save_scorecard(province.round, model, province.evaluators["justice"], full_marks(province.round),
                              submit=True)
    rounds.close_scoring(province.round)
    db.session.commit()
    login_as(province.evaluators["justice"])
    assert client.get(f"/minh-chung/{file.id}").status_code == 200  # closed, not yet published
    rounds.finalise(province.round)
    db.session.commit()
    assert client.get(f"/minh-chung/{file.id}").status_code == 404
    assert not assignments.is_assigned_evaluator(province.evaluators["justice"], model.id)


def test_other_evaluators_cannot_read_the_evidence(client, login_as, province):
    from danvankheo.evidence import services as evidence

    model = province.models["commune"]
    file = evidence.attach(model, io.BytesIO(samples.pdf_bytes()), "minh-chung.pdf", actor=None)
    db.session.commit()
    login_as(province.evaluators["health"])
    assert client.get(f"/minh-chung/{file.id}").status_code == 404
