"""Reminders sent by `flask send-reminders` (run from cron, once or several times a day).

Each reminder carries a `dedup_key` naming what it reminds of, so running the command again
creates nothing new. The features that have deadlines register what to remind of, in their
`init_app`: `register_reminder("deadline", "Nhắc hạn nộp", registry.reminders.deadline_reminders)`
(registry/reminders.py: the submission deadline) and the scoring window
(scoring/reminders.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import url_for
from werkzeug.routing import BuildError

from ..core.timeutil import local_today, local_zone
from ..core.types import utcnow


@dataclass(frozen=True)
class Reminder:
    name: str  # the attribute of the summary that counts it
    label: str  # how the command's report names it
    send: Callable[[date, datetime], list]  # (today, now) -> the notifications created


_reminders: dict[str, Reminder] = {}


def register_reminder(name: str, label: str, send: Callable[[date, datetime], list]) -> None:
    _reminders[name] = Reminder(name, label, send)


@dataclass
class ReminderSummary:
    """How many notifications each kind of reminder created: `summary.deadline`, ..."""

    counts: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        if name.startswith("_") or name == "counts":
            raise AttributeError(name)
        return self.counts.get(name, 0)

    def report(self) -> str:
        """"Nhắc hạn nộp: 3 thông báo; nhắc hạn chấm: 0 thông báo." """
        parts = [f"{_reminders[name].label}: {count} thông báo" for name, count in self.counts.items()]
        text = "; ".join(parts)
        return (text[:1].upper() + text[1:] + ".") if text else "Không có lời nhắc nào."


def send_reminders(*, today: date | None = None, now: datetime | None = None) -> ReminderSummary:
    """Create the reminders due today; flushes, the caller commits (which sends the mail)."""
    today = today or local_today()
    if now is None:
        # "Today" given for a dry run: pretend it is noon local time that day.
        now = utcnow() if today == local_today() else datetime.combine(
            today, datetime.min.time().replace(hour=12), tzinfo=local_zone()
        )
    return ReminderSummary({name: len(reminder.send(today, now)) for name, reminder in _reminders.items()})


def link(endpoint: str, **values) -> str | None:
    """The page a reminder points to; none when run without a request (cron)."""
    try:
        return url_for(endpoint, **values)
    except (BuildError, RuntimeError):
        return None
