"""`flask send-reminders`: deadline and scoring reminders, by email, never twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from danvankheo.core.roles import Role
from danvankheo.core.timeutil import local_end_of_day
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.notifications.reminders import send_reminders
from danvankheo.registry.deadlines import grant_extension, set_year_settings
from danvankheo.registry.models import Status
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.units.models import UnitKind
from tests import factories
from tests.factories import make_initiative, make_unit, make_user

DEADLINE_DAY = date(2026, 10, 15)


def _kinds(user) -> list[str]:
    return list(db.session.scalars(
        select(Notification.kind).where(Notification.user_id == user.id).order_by(Notification.id)
    ))


@pytest.fixture
def units(app):
    """Three departments in scope: one has submitted, two have not (one with two staff)."""
    factories.ensure_organiser()
    set_year_settings(2026, deadline_at=local_end_of_day(DEADLINE_DAY), kinds=[UnitKind.DEPARTMENT])
    done = make_unit("Sở Tư pháp")
    late = make_unit("Sở Y tế")
    other = make_unit("Sở Xây dựng")
    make_initiative(done, status=Status.SUBMITTED)
    make_initiative(late, status=Status.DRAFT)  # a draft is not a submission
    people = {
        "done": make_user(Role.STAFF, unit=done, email="tuphap@so.vn"),
        "late": make_user(Role.STAFF, unit=late, email="yte@so.vn", full_name="Phạm Thị Lan"),
        "late2": make_user(Role.STAFF, unit=late, email="yte2@so.vn"),
        "other": make_user(Role.STAFF, unit=other, email="xaydung@so.vn"),
        "evaluator_in_late": make_user(Role.EVALUATOR, unit=late, email="gk@so.vn"),
    }
    db.session.commit()
    return people


def _run(day: date):
    summary = send_reminders(today=day)
    db.session.commit()
    return summary


def test_seven_days_before_the_deadline_units_without_submission_are_reminded(units, smtp_server):
    summary = _run(DEADLINE_DAY - timedelta(days=7))
    assert summary.deadline == 3
    assert _kinds(units["late"]) == ["deadline_7_days"]
    assert _kinds(units["late2"]) == ["deadline_7_days"]
    assert _kinds(units["other"]) == ["deadline_7_days"]
    assert _kinds(units["done"]) == [] and _kinds(units["evaluator_in_late"]) == []

    by_recipient = {m.rcpt_tos[0]: m for m in smtp_server}
    assert set(by_recipient) == {"yte@so.vn", "yte2@so.vn", "xaydung@so.vn"}
    message = by_recipient["yte@so.vn"]
    assert message["Subject"] == "[Dân vận khéo] Sắp hết hạn nộp mô hình “Dân vận khéo” năm 2026 (còn 7 ngày)"
    body = smtp_server.text(message)
    assert "Kính gửi Phạm Thị Lan," in body
    assert "Đơn vị Sở Y tế chưa nộp mô hình nào cho năm 2026. Hạn nộp là 15/10/2026 23:59." in body


def test_running_twice_sends_nothing_new(units, smtp_server):
    day = DEADLINE_DAY - timedelta(days=7)
    _run(day)
    sent = len(smtp_server)
    assert _run(day).deadline == 0
    assert _run(day + timedelta(days=1)).deadline == 0  # still the 7-day window: already reminded
    assert len(smtp_server) == sent == 3
    assert _kinds(units["late"]) == ["deadline_7_days"]


def test_one_day_before_comes_once_more(units, smtp_server):
    _run(DEADLINE_DAY - timedelta(days=7))
    _run(DEADLINE_DAY - timedelta(days=1))
    _run(DEADLINE_DAY - timedelta(days=1))
    assert _kinds(units["late"]) == ["deadline_7_days", "deadline_1_days"]
    subjects = [m["Subject"] for m in smtp_server if m.rcpt_tos == ["yte@so.vn"]]
    assert subjects[-1].endswith("(còn 1 ngày)")
    assert len(smtp_server) == 6


def test_nothing_outside_the_windows_or_after_the_deadline(units, smtp_server):
    assert _run(DEADLINE_DAY - timedelta(days=20)).deadline == 0
    assert _run(DEADLINE_DAY + timedelta(days=1)).deadline == 0
    assert smtp_server == []


def test_an_extension_moves_the_reminder(units, smtp_server):
    late_unit = units["late"].unit
    grant_extension(2026, late_unit, until=local_end_of_day(date(2026, 10, 30)), reason="Sáp nhập")
    db.session.commit()
    _run(DEADLINE_DAY - timedelta(days=7))
    # The unit was told of its extension when it was granted, and is not reminded of the old date.
    assert _kinds(units["late"]) == ["deadline_extended"] and _kinds(units["other"]) == ["deadline_7_days"]
    _run(date(2026, 10, 23))
    assert _kinds(units["late"]) == ["deadline_extended", "deadline_7_days"]


def test_submitting_stops_the_reminders(units, smtp_server):
    _run(DEADLINE_DAY - timedelta(days=7))
    make_initiative(units["late"].unit, status=Status.SUBMITTED)
    db.session.commit()
    _run(DEADLINE_DAY - timedelta(days=1))
    assert _kinds(units["late"]) == ["deadline_7_days"]
    assert _kinds(units["other"]) == ["deadline_7_days", "deadline_1_days"]


# --- Scoring closing ---------------------------------------------------------------------


@pytest.fixture
def scoring_round(app):
    """A round closing in two days; one evaluator has submitted, the other has not."""
    province = make_unit("UBND tỉnh", kind=UnitKind.PROVINCE)
    justice = make_unit("Sở Tư pháp", parent=province)
    health = make_unit("Sở Y tế", parent=province)
    models = [make_initiative(justice, status=Status.ACCEPTED), make_initiative(justice, status=Status.ACCEPTED)]
    busy = make_user(Role.EVALUATOR, unit=health, email="cham1@so.vn", full_name="Hoàng Văn Bình")
    done = make_user(Role.EVALUATOR, unit=health, email="cham2@so.vn")
    now = datetime.now(UTC)
    round_ = rounds.create_round(
        rounds.RoundSettings(name="Đợt 2026", year=2026, closes_at=now + timedelta(days=2), min_scorecards=1)
    )
    assignments.set_panel(round_, [busy, done])
    for model in models:
        assignments.assign(round_, model, busy, notify_evaluator=False)
        assignments.assign(round_, model, done, notify_evaluator=False)
    rounds.start_scoring(round_)
    for model in models:
        values = {c.id: str(c.max_score - Decimal(1)) for c in round_.criteria}
        scorecards.save_scorecard(round_, model, done, values, submit=True)
    scorecards.save_scorecard(round_, models[0], busy, {c.id: "1" for c in round_.criteria})  # a draft
    db.session.query(Notification).delete()  # the assignment notices are not what we test
    db.session.commit()
    return {"round": round_, "busy": busy, "done": done}


def test_evaluators_with_unsubmitted_scorecards_are_reminded_once(scoring_round, smtp_server):
    summary = send_reminders()
    db.session.commit()
    assert summary.scoring == 1
    assert _kinds(scoring_round["busy"]) == ["scoring_closing"]
    assert _kinds(scoring_round["done"]) == []
    [message] = smtp_server
    assert message.rcpt_tos == ["cham1@so.vn"]
    assert message["Subject"] == "[Dân vận khéo] Sắp hết hạn chấm điểm: Đợt 2026"
    assert "Bạn còn 2 mô hình chưa nộp phiếu chấm trong đợt “Đợt 2026”." in smtp_server.text(message)

    assert send_reminders().scoring == 0
    db.session.commit()
    assert len(smtp_server) == 1


def test_no_scoring_reminder_while_the_close_is_far(scoring_round, smtp_server):
    scoring_round["round"].closes_at = datetime.now(UTC) + timedelta(days=10)
    db.session.commit()
    assert send_reminders().scoring == 0


# --- The command -------------------------------------------------------------------------


def test_cli_command_is_idempotent(app, units, smtp_server):
    runner = app.test_cli_runner()
    day = (DEADLINE_DAY - timedelta(days=7)).isoformat()
    first = runner.invoke(args=["send-reminders", "--today", day])
    assert first.exit_code == 0, first.output
    assert "Nhắc hạn nộp: 3 thông báo" in first.output
    second = runner.invoke(args=["send-reminders", "--today", day])
    assert second.exit_code == 0 and "Nhắc hạn nộp: 0 thông báo" in second.output
    assert len(smtp_server) == 3
    assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 3


def test_cli_without_mail_server_says_so(app, units):
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0
    assert "Chưa cấu hình MAIL_SERVER" in result.output
