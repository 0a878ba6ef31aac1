"""Creating notifications. Features call `notify`; it flushes, the request commits."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update

from ..core.types import utcnow
from ..extensions import db
from .mail import queue_for_email
from .models import Notification, NotificationKind


def notify(
    users: Iterable,
    *,
    kind: NotificationKind | str,
    title: str,
    body: str = "",
    link: str | None = None,
    dedup_key: str | None = None,
) -> list[Notification]:
    """Queue a notification for each user; with `dedup_key`, at most once per user. `kind` is a
    NotificationKind or its value; any other raises ValueError before anything is written."""
    kind = NotificationKind(kind)
    users = list({u.id: u for u in users if u is not None}.values())
    existing: set[int] = set()
    if dedup_key is not None and users:
        existing = set(
            db.session.scalars(
                select(Notification.user_id).where(
                    Notification.dedup_key == dedup_key,
                    Notification.user_id.in_([u.id for u in users]),
                )
            )
        )
    created = []
    for user in users:
        if user.id in existing:
            continue
        note = Notification(
            user_id=user.id, kind=kind, title=title, body=body, link=link, dedup_key=dedup_key
        )
        db.session.add(note)
        created.append(note)
    db.session.flush()
    queue_for_email(db.session(), created)
    return created


def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    query = (
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if notification_ids is not None:
        query = query.where(Notification.id.in_(list(notification_ids)))
    return db.session.execute(query).rowcount or 0


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0
