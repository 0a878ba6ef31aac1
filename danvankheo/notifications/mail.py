"""Email for notifications, through SMTP when MAIL_SERVER is set, skipped when it is not.

Mail never leaves inside the transaction that creates the notification: `notify` only
remembers the new ids on the session, and they are sent once that session has committed
(`after_commit`). A rolled-back change therefore never emails anybody. Each notification
is claimed (`emailed_at` set where it is still empty) before it is sent, so two senders
never mail the same one, and the claim is released when sending fails. Large batches and
failed mail are sent by `flask send-reminders`, which also mails what is still waiting.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid
from urllib.parse import urljoin

from flask import Flask, current_app
from sqlalchemy import Select, event, select, update
from sqlalchemy.orm import Session

from ..core.types import utcnow
from ..extensions import db
from .models import Notification

log = logging.getLogger("danvankheo.mail")

PENDING_KEY = "notifications_to_email"
SUBJECT_PREFIX = "[Dân vận khéo] "
AFTER_COMMIT_LIMIT = 50  # more mails than this after one commit are left to the command


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str


# Registered by the features that own them: the accounts feature says who may receive mail
# (`register_recipients`), the jobs feature sends large batches (`register_bulk_sender`).
_recipients: list[Callable[[], Select]] = []
_bulk_sender: list[Callable[[Iterable[int]], bool]] = []


def register_recipients(recipients: Callable[[], Select]) -> None:
    """`recipients()` selects (id, name, email) of the accounts that may receive mail."""
    _recipients[:] = [recipients]


def register_bulk_sender(start: Callable[[Iterable[int]], bool]) -> None:
    """`start(ids)` hands a large batch to the background; False when it could not."""
    _bulk_sender[:] = [start]


def queue_for_email(session: Session, notifications: Iterable[Notification]) -> None:
    """Remember notifications to email once `session` commits."""
    session.info.setdefault(PENDING_KEY, set()).update(n.id for n in notifications)


def mail_enabled(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("MAIL_SERVER"))


def compose(note: Notification, user: Recipient, app: Flask) -> MIMEText:
    """The Vietnamese email for one notification."""
    lines = [f"Kính gửi {user.name},", "", note.title]
    if note.body:
        lines += ["", note.body]
    if note.link:
        lines += ["", "Xem chi tiết: " + urljoin(app.config["SITE_URL"].rstrip("/") + "/", note.link.lstrip("/"))]
    lines += [
        "",
        "Trân trọng,",
        f"{app.config['SECRETARIAT_NAME']} - Phong trào thi đua “Dân vận khéo”",
        "",
        "Thư này được gửi tự động từ phần mềm “Dân vận khéo”; vui lòng không trả lời thư này.",
    ]
    # The legacy MIMEText + Header pair on purpose: the newer EmailMessage folds long
    # Vietnamese subjects so that a space between two encoded words is lost on reading.
    message = MIMEText("\n".join(lines), "plain", "utf-8")
    message["Subject"] = Header(SUBJECT_PREFIX + note.title, "utf-8")
    message["From"] = formataddr(("Dân vận khéo", app.config["MAIL_SENDER"]), charset="utf-8")
    message["To"] = formataddr((user.name, user.email), charset="utf-8")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=app.config["MAIL_SENDER"].rpartition("@")[2] or None)
    return message


def _connect(app: Flask) -> smtplib.SMTP:
    host, port = app.config["MAIL_SERVER"], int(app.config.get("MAIL_PORT") or 25)
    timeout = app.config.get("MAIL_TIMEOUT", 20)
    if app.config.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if app.config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
    if app.config.get("MAIL_USERNAME"):
        smtp.login(app.config["MAIL_USERNAME"], app.config.get("MAIL_PASSWORD") or "")
    return smtp


def send_notification_emails(ids: Iterable[int], app: Flask | None = None) -> int:
    """Email these notifications (those not yet emailed, to users with an address).

    Runs in its own transaction, outside any request's. Returns the number sent.
    """
    app = app or current_app._get_current_object()
    ids = sorted(set(ids))
    if not ids or not mail_enabled(app) or not _recipients:
        return 0
    people = _recipients[0]().subquery()
    with Session(db.engine) as session:
        rows = [
            (note, Recipient(name, email))
            for note, name, email in session.execute(
                select(Notification, people.c.name, people.c.email)
                .join(people, people.c.id == Notification.user_id)
                .where(Notification.id.in_(ids), Notification.emailed_at.is_(None))
                .order_by(Notification.id)
            )
        ]
        if not rows:
            return 0
        claimed_at = utcnow()
        claimed = set(
            session.scalars(
                update(Notification)
                .where(Notification.id.in_([n.id for n, _ in rows]), Notification.emailed_at.is_(None))
                .values(emailed_at=claimed_at)
                .returning(Notification.id)
            )
        )
        session.commit()
        sent: set[int] = set()
        try:
            smtp = _connect(app)
            try:
                for note, user in rows:
                    if note.id not in claimed:
                        continue
                    try:
                        smtp.send_message(compose(note, user, app))
                        sent.add(note.id)
                    except smtplib.SMTPRecipientsRefused:
                        log.warning("mail refused for notification %s", note.id)
            finally:
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    smtp.quit()
        except (OSError, smtplib.SMTPException) as error:
            log.error("sending notification mail failed: %s", error)
        unsent = claimed - sent
        if unsent:
            # Release the claim so a later run (send-reminders) retries them.
            session.execute(
                update(Notification)
                .where(Notification.id.in_(unsent), Notification.emailed_at == claimed_at)
                .values(emailed_at=None)
            )
            session.commit()
        return len(sent)


def send_unsent(app: Flask | None = None, *, since=None) -> int:
    """Email the notifications still waiting (e.g. after the mail server was down)."""
    app = app or current_app._get_current_object()
    if not mail_enabled(app):
        return 0
    query = select(Notification.id).where(Notification.emailed_at.is_(None), Notification.read_at.is_(None))
    if since is not None:
        query = query.where(Notification.created_at >= since)
    with Session(db.engine) as session:
        ids = list(session.scalars(query))
    return send_notification_emails(ids, app)


# Registered once, on the session class Flask-SQLAlchemy uses (every app shares it).
@event.listens_for(db.session, "after_commit")
def _send_after_commit(session: Session) -> None:
    ids = session.info.pop(PENDING_KEY, None)
    if not ids or not mail_enabled():
        return
    if len(ids) > current_app.config.get("MAIL_AFTER_COMMIT_LIMIT", AFTER_COMMIT_LIMIT):
        # A mass notice (e.g. results for every unit) must not hold the request up: a job
        # sends it in the background when a user caused it, else the next `send-reminders` run.
        if not (_bulk_sender and _bulk_sender[0](ids)):
            log.info("%s notification mails left for send-reminders", len(ids))
        return
    try:
        send_notification_emails(ids)
    except Exception:  # mail must never break the change that was just committed
        log.exception("notification mail failed")


@event.listens_for(db.session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING_KEY, None)
