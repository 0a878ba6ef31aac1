"""A mass notice caused by a user's change is mailed by a job of that user, with progress."""

from __future__ import annotations

from flask_login import login_user
from sqlalchemy import select

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.jobs.models import Job, JobKind, JobState
from danvankheo.notifications.services import notify
from tests.notifications.conftest import smtp_server  # noqa: F401  (fixture)


def test_a_mass_notice_is_mailed_by_a_job_of_the_user_who_caused_it(app, make_user, smtp_server):  # noqa: F811
    app.config["MAIL_AFTER_COMMIT_LIMIT"] = 2
    secretariat = make_user(Role.SECRETARIAT)
    users = [make_user(Role.STAFF, email=f"nguoi{n}@so.vn") for n in range(5)]
    with app.test_request_context("/dot-danh-gia/1/cong-bo", method="POST"):
        login_user(secretariat)
        notify(users, kind="scoring.finalised", title="Đã công bố kết quả")
        db.session.commit()
    db.session.expire_all()
    job = db.session.scalar(select(Job))
    assert job.kind is JobKind.REMINDER_MAIL and job.owner_id == secretariat.id
    assert job.state is JobState.DONE and job.progress_done == job.progress_total == 5
    assert job.message == "Đã gửi 5 email thông báo."
    staff_mail = [m for m in smtp_server if m.rcpt_tos[0] != secretariat.email]
    assert sorted(m.rcpt_tos[0] for m in staff_mail) == [f"nguoi{n}@so.vn" for n in range(5)]
    # The job's own notice reaches its owner in the app and by e-mail.
    [done] = [m for m in smtp_server if m.rcpt_tos[0] == secretariat.email]
    assert "Công việc đã hoàn thành" in done["Subject"]
