"""Creating notifications. Features call `notify`; it flushes, the request commits."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..extensions import db
from .models import Notification


def notify(
    users: Iterable,
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
    dedup_key: str | None = None,
) -> list[Notification]:
    """Queue a notification for each user; with `dedup_key`, at most once per user."""
    users = [u for u in users if u is not None]
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
    return created
