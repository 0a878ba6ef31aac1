"""Every kind of action across the features leaves its audit event, with the actor, the
object and the changed fields' old and new values."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from tests.factories import PASSWORD

from . import journey


def _events(action: str, **where) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return list(db.session.scalars(query))


@pytest.fixture
def done(app) -> journey.Journey:
    j = journey.start()
    for step in journey.STEPS:
        step(j)
    return j


def test_create_and_update_of_a_model(done):
    m = done.initiative
    [created] = _events("initiative.create", object_type="Initiative", object_id=m.id)
    assert created.actor_id == done.staff.id and created.actor_name == "Lê Minh Đức"
    assert created.changes["name"] == [None, "Tư pháp gần dân"]
    [updated] = _events("initiative.update", object_id=m.id)
    assert updated.changes["name"] == ["Tư pháp gần dân", "Tư pháp gần dân, gần cơ sở"]


def test_every_transition_with_who_and_why(done):
    m = done.initiative
    steps = [(e.action, e.actor_id, e.changes["status"], e.reason)
             for e in db.session.scalars(select(AuditEvent).where(
                 AuditEvent.object_type == "Initiative", AuditEvent.object_id == m.id,
                 AuditEvent.action.in_(["initiative.submitted", "initiative.returned", "initiative.accepted"]),
             ).order_by(AuditEvent.id))]
    assert steps == [
        ("initiative.submitted", done.staff.id, ["draft", "submitted"], None),
        ("initiative.returned", done.secretariat.id, ["submitted", "returned"], "Bổ sung số người hưởng lợi."),
        ("initiative.submitted", done.staff.id, ["returned", "submitted"], None),
        ("initiative.accepted", done.secretariat.id, ["submitted", "accepted"], None),
    ]


def test_assignment_score_change_and_finalisation(done):
    assignments = _events("assignment.create")
    assert len(assignments) == 2 and {e.actor_id for e in assignments} == {done.secretariat.id}
    first = done.evaluators[0]
    scores = [e for e in _events("scorecard.submit") + _events("scorecard.revise") if e.actor_id == first.id]
    assert len(scores) == 2  # submitted, then revised
    revised = next(e for e in scores if e.action == "scorecard.revise")
    assert revised.changes, "a revised scorecard records what changed"
    old_new = next(iter(revised.changes.values()))
    assert old_new[0] != old_new[1]
    [final] = _events("round.finalise", object_id=done.round.id)
    assert final.actor_id == done.secretariat.id
    assert final.changes["state"] == ["closed", "finalised"]


def test_proposal_changes(done):
    proposal_id = done.proposal.id
    actions = [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "Proposal", AuditEvent.object_id == proposal_id)
        .order_by(AuditEvent.id))]
    assert actions[0] == "proposal.create"
    assert "proposal.update" in actions and "proposal.submit" in actions
    [approved] = _events("proposal.approve", object_id=proposal_id)
    assert approved.changes["decision_number"] == [None, "345/QĐ-UBND"]
    old_state, new_state = approved.changes["state"]  # values or labels: the owner's choice
    assert old_state != new_state and new_state


def test_model_page_shows_its_own_history(client, done):
    client.post("/dang-nhap", data={"login": done.secretariat.login, "password": PASSWORD})
    page = client.get(f"/mo-hinh/{done.initiative.id}").get_data(as_text=True)
    history = page.split('data-testid="audit-history"', 1)[1].split("</section>", 1)[0]
    for action in ("initiative.create", "initiative.update", "initiative.submitted", "initiative.returned",
                   "initiative.accepted"):
        assert f'data-action="{action}"' in history, action
    assert "Tư pháp gần dân, gần cơ sở" in history
    assert "Bổ sung số người hưởng lợi." in history


def test_exports_and_logins_are_recorded(client, done):
    client.post("/dang-nhap", data={"login": done.secretariat.login, "password": PASSWORD})
    assert _events("auth.login", actor_id=done.secretariat.id)
    client.get(f"/xuat-excel/de-nghi/{done.proposal.id}")
    client.get("/bao-cao/excel?tu_ngay=2026-01-01&den_ngay=2026-12-31")
    exports = _events("export.xlsx", actor_id=done.secretariat.id)
    assert len(exports) == 2
    assert all(e.changes["filename"][1].endswith(".xlsx") for e in exports)


def test_the_trail_page_finds_the_models_history(client, login_as, done):
    login_as(Role.ADMIN)
    page = client.get(f"/nhat-ky?doi_tuong=Initiative&ma={done.initiative.id}").get_data(as_text=True)
    assert page.count('<tr data-action="initiative.') == 6
    assert "Mô hình: trả lại để bổ sung" in page
