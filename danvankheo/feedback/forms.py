"""Forms of the survey. The public answer is read field by field so that every refusal has
its own Vietnamese message (services.check_answer); the form brings the CSRF token, which
Flask-WTF keeps in the session cookie, so it works without a login."""

from __future__ import annotations

from flask import request
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..core.forms import Form
from .services import Answer


def _int_or_none(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


class AnswerForm(Form):
    def answer(self) -> Answer:
        took = request.form.get("took_part")
        rating = (request.form.get("rating") or "").strip()
        return Answer(
            rating=int(rating) if rating.lstrip("-").isdigit() and len(rating) < 10 else None,
            took_part={"yes": True, "no": False}.get(took or ""),
            residence_unit_id=_int_or_none(request.form.get("residence")),
            comment=request.form.get("comment") or "",
            code=request.form.get("code") or "",
        )


class CodesForm(Form):
    count = IntegerField("Số mã phiếu cần in", default=30,
                         validators=[InputRequired(), NumberRange(min=1, max=500)])


class ReasonForm(Form):
    reason = TextAreaField("Lý do", validators=[Optional(), Length(max=1000)])
