"""A model's history: the form's field names, and its evidence files, kept after deletion."""

from __future__ import annotations

import re

from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.evidence.services import remove
from danvankheo.extensions import db
from danvankheo.registry.models import Initiative
from tests.registry.conftest import add_evidence, switch_to


def test_a_models_history_names_fields_and_includes_its_evidence(client, world, ready):
    switch_to(client, world.staff)
    page = client.get(f"/mo-hinh/{ready.id}/sua")
    assert page.status_code == 200
    form = {
        "version": ready.version, "name": ready.name, "year": ready.year, "field": ready.field.value,
        "kind": ready.kind.value, "situation": ready.situation, "goals": ready.goals,
        "content_method": ready.content_method, "area": ready.area, "target_group": ready.target_group,
        "lead_name": ready.lead_name, "lead_position": ready.lead_position, "lead_phone": ready.lead_phone,
        "budget_state": "50.000.000", "budget_social": "20.000.000", "workdays": "300",
        "start_date": "2026-01-15", "is_ongoing": "y", "results_quantitative": "99% hồ sơ đúng hạn",
        "results_qualitative": ready.results_qualitative, "beneficiaries": "1.200",
        "sustainability": ready.sustainability, "continues_id": "0",
    }
    response = client.post(f"/mo-hinh/{ready.id}/sua", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    initiative = db.session.get(Initiative, ready.id)
    second = add_evidence(initiative, name="bien-ban-hop-dan.pdf")
    db.session.commit()
    remove(second, actor=world.staff)
    db.session.commit()
    html = client.get(f"/mo-hinh/{ready.id}").get_data(as_text=True)
    history = html.split('data-testid="audit-history"')[1].split("</section>")[0]
    assert "Kết quả định lượng" in history and "99% hồ sơ đúng hạn" in history
    assert "Minh chứng: thêm tệp" in history and "Minh chứng: xóa tệp" in history
    assert "bien-ban-hop-dan.pdf" in history
    shown = re.sub(r'data-action="[^"]*"', "", history)
    assert "results_quantitative" not in shown and "evidence." not in shown and "sha256" not in shown
    # The deleted file's events still belong to the model.
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.delete")).all()
    assert [(e.parent_type, e.parent_id) for e in events] == [("Initiative", ready.id)]
