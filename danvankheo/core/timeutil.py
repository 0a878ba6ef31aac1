"""Local time for display and deadlines; storage is always UTC."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_local(value: datetime) -> datetime:
    return value.astimezone(local_zone())


def local_end_of_day(day: date) -> datetime:
    """23:59:59 local time on `day`, as an aware datetime."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=local_zone())


def local_today() -> date:
    return datetime.now(local_zone()).date()


def format_date(value: date | datetime | None) -> str:
    from .formatting import format_day

    return format_day(value)


def format_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy hh:mm in local time; the day from the one formatter."""
    from .formatting import format_day

    if value is None:
        return ""
    local = to_local(value)
    return f"{format_day(local)} {local:%H:%M}"


def format_document_date(place: str, day: date) -> str:
    """The place-and-date line of an official document.

    Nghị định 30/2020/NĐ-CP writes days below 10 and the months 1 and 2 with a leading
    zero ("ngày 05 tháng 02 năm 2026"), other months without ("ngày 15 tháng 10").
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
