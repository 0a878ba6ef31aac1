"""The audit trail: append-only, its page and filters, and one object's history."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from flask import render_template_string
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from danvankheo.audit.models import AuditEvent, AuditTrailIsAppendOnly
from danvankheo.audit.services import record
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from tests.factories import make_initiative, make_unit


def _event(action="unit.update", **kwargs) -> AuditEvent:
    event = record(action, **kwargs)
    db.session.commit()
    return event


# --- Append-only -------------------------------------------------------------------------


def test_an_event_cannot_be_changed_through_the_orm(app):
    event = _event(object_type="Unit", object_id=1, label="Sở A", changes={"name": ["A", "B"]})
    event.action = "unit.delete"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "unit.update"


def test_an_event_cannot_be_deleted_through_the_orm(app):
    event = _event(object_type="Unit", object_id=1)
    db.session.delete(event)
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id) is not None


@pytest.mark.parametrize(
    "statement",
    [update(AuditEvent).values(reason="sửa lén"), delete(AuditEvent)],
    ids=["update", "delete"],
)
def test_bulk_statements_on_the_trail_are_refused(app, statement):
    _event(object_type="Unit", object_id=1)
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.execute(statement)
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent.reason)) is None


def test_postgresql_refuses_raw_update_and_delete(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL; SQLite relies on the ORM guard")
    event = _event(object_type="Unit", object_id=1)
    for sql in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(sql))
    assert db.session.get(AuditEvent, event.id).action == "unit.update"


def test_postgresql_still_lets_a_deleted_account_leave_its_name(app, make_user):
    """The foreign key's ON DELETE SET NULL is the one update the trigger lets through."""
    user = make_user(Role.STAFF)
    event = _event(object_type="Unit", object_id=1, actor=user)
    name = user.full_name
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM role_grants WHERE user_id = :id"), {"id": user.id})
        conn.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    db.session.expire_all()
    event = db.session.get(AuditEvent, event.id)
    if db.engine.dialect.name == "postgresql":
        assert event.actor_id is None
    assert event.actor_name == name


def test_no_route_writes_to_the_trail(app):
    """Every audit URL answers GET only."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("audit.")]
    assert rules
    for rule in rules:
        assert rule.methods - {"HEAD", "OPTIONS"} == {"GET"}, rule


# --- The trail page ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.STAFF, Role.EVALUATOR, Role.OBSERVER])
def test_trail_is_for_the_secretariat_and_admins_only(client, login_as, role):
    login_as(role)
    assert client.get("/nhat-ky").status_code == 403


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.ADMIN])
def test_trail_opens_for_secretariat_and_admin(client, login_as, role):
    login_as(role)
    response = client.get("/nhat-ky")
    assert response.status_code == 200
    assert "Nhật ký thay đổi" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    response = client.get("/nhat-ky")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def _rows(client, query: str = "") -> list[str]:
    page = client.get("/nhat-ky" + query).get_data(as_text=True)
    return [line.split('"')[1] for line in page.split("<tr data-action=")[1:]]


@pytest.fixture
def trail(app, make_user):
    """Three people, four events on known days."""
    alice = make_user(Role.SECRETARIAT, full_name="Trần Thị Thu Hà")
    bob = make_user(Role.ADMIN, full_name="Nguyễn Văn Quản")
    unit = make_unit("Sở Tư pháp")
    # A model of the secretariat's own organiser: its events are the secretariat's to read.
    model = make_initiative(unit, name="Một cửa")
    db.session.flush()
    with db.session.no_autoflush:  # the dates are set before the first insert
        events = [
            record("unit.create", object_type="Unit", object_id=unit.id, actor=bob, label="Sở Tư pháp",
                   changes={"name": [None, "Sở Tư pháp"]}),
            record("unit.update", object_type="Unit", object_id=unit.id, actor=bob, label="Sở Tư pháp",
                   changes={"name": ["Sở Tư pháp", "Sở Tư pháp tỉnh"]}),
            record("initiative.accept", object_type="Initiative", object_id=model.id, label="Một cửa", actor=alice,
                   changes={"status": ["submitted", "accepted"]}),
            record("auth.login", alice, actor=alice),
        ]
        days = [datetime(2026, 3, 1, 3, tzinfo=UTC), datetime(2026, 3, 5, 3, tzinfo=UTC),
                datetime(2026, 4, 10, 3, tzinfo=UTC), datetime(2026, 4, 20, 3, tzinfo=UTC)]
        for event, day in zip(events, days, strict=True):
            event.occurred_at = day
    db.session.commit()
    return {"alice": alice, "bob": bob, "unit": unit, "model": model}


def test_filters_by_user_object_action_and_date(client, login_as, trail):
    login_as(trail["alice"])  # logging in records one more auth.login, today
    assert _rows(client, f"?nguoi_dung={trail['bob'].id}") == ["unit.update", "unit.create"]
    assert _rows(client, "?nguoi=quan") == ["unit.update", "unit.create"]  # no diacritics needed
    # The factory's own unit.create (today, no actor) comes first: newest first.
    assert _rows(client, f"?doi_tuong=Unit&ma={trail['unit'].id}") == ["unit.create", "unit.update", "unit.create"]
    assert _rows(client, f"?doi_tuong=Initiative&ma={trail['model'].id}") == ["initiative.accept"]
    assert _rows(client, "?thao_tac=initiative.accept") == ["initiative.accept"]
    assert _rows(client, f"?thao_tac=unit&nguoi_dung={trail['bob'].id}") == ["unit.update", "unit.create"]
    assert _rows(client, "?tu_ngay=2026-03-02&den_ngay=2026-04-10") == ["initiative.accept", "unit.update"]
    assert _rows(client, "?tu_ngay=02/03/2026&den_ngay=10/04/2026") == ["initiative.accept", "unit.update"]


def test_rows_show_who_what_and_the_changed_values(client, login_as, trail):
    login_as(trail["alice"])
    page = client.get("/nhat-ky?doi_tuong=Initiative").get_data(as_text=True)
    assert "Trần Thị Thu Hà" in page
    assert "Mô hình: tiếp nhận" in page
    assert "Một cửa" in page
    # The recorded codes read in Vietnamese: "Đã nộp → Đã tiếp nhận", not "submitted → accepted".
    from danvankheo.registry.models import Status

    assert re.search(rf">{Status.SUBMITTED.label}</del> → <ins[^>]*>{Status.ACCEPTED.label}</ins>", page)
    assert ">submitted<" not in page and ">accepted<" not in page


def _link(page: str, rel: str) -> str | None:
    """The address of the paging link `rel` ("next", "prev"), None when it is disabled."""
    found = re.search(rf'<a class="page-link" rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found[1]) if found else None


def _unit_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'doi_tuong=Unit&amp;ma=(\d+)"', page)]


@pytest.fixture
def unit_updates(login_as, app):
    """`unit.update` events for units 0 … n-1, recorded in that order, five to a page."""
    def make(n: int) -> None:
        admin = login_as(Role.ADMIN)
        app.config["PAGE_SIZE"] = 5
        for unit_id in range(n):
            record("unit.update", object_type="Unit", object_id=unit_id, actor=admin)
        db.session.commit()
    return make


def test_trail_is_paged_by_key_forward_and_back(client, unit_updates):
    unit_updates(12)
    url, pages = "/nhat-ky?thao_tac=unit.update", []
    while url:
        page = client.get(url).get_data(as_text=True)
        assert "thao_tac=unit.update" in url  # the filter survives paging
        pages.append(_unit_ids(page))
        url = _link(page, "next")
    assert [len(ids) for ids in pages] == [5, 5, 2]
    assert [i for ids in pages for i in ids] == list(range(11, -1, -1))  # newest first, none twice or missed
    assert "12 sự kiện" in page
    back = client.get(_link(page, "prev")).get_data(as_text=True)
    assert _unit_ids(back) == pages[1]
    first = client.get(_link(back, "prev")).get_data(as_text=True)
    assert _unit_ids(first) == pages[0]
    assert _link(first, "prev") is None


def test_a_hand_edited_page_token_shows_the_first_page(client, unit_updates):
    unit_updates(7)
    response = client.get("/nhat-ky?thao_tac=unit.update&sau=kh%C3%B4ng-ph%E1%BA%A3i")
    assert response.status_code == 200
    assert _unit_ids(response.get_data(as_text=True)) == [6, 5, 4, 3, 2]


# --- One object's history ----------------------------------------------------------------


def test_audit_history_global_and_partial(app, trail):
    unit = trail["unit"]
    with app.test_request_context():
        _check_history(unit)


def _check_history(unit):
    html = render_template_string(
        '{% with events = audit_history(unit) %}{% include "audit/_history.html" %}{% endwith %}', unit=unit
    )
    assert html.count('data-action="unit.') == 3
    assert html.index('data-action="unit.create"') < html.index('data-action="unit.update"')  # newest first
    assert "Sở Tư pháp tỉnh" in html
    assert "Nguyễn Văn Quản" in html
    empty = render_template_string(
        '{% with events = audit_history(obj) %}{% include "audit/_history.html" %}{% endwith %}',
        obj=SimpleNamespace(id=123456),
    )
    assert "Chưa có thay đổi nào được ghi nhận." in empty


def test_login_is_recorded(client, make_user):
    user = make_user(Role.STAFF)
    client.post("/dang-nhap", data={"login": user.login, "password": "MatKhauThu123"})
    client.post("/dang-nhap", data={"login": user.login, "password": "sai-mat-khau"})
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "User", AuditEvent.object_id == user.id)
    ).all()
    assert "auth.login" in actions
