"""Forms of the rounds screens. The scoring form itself is built from the round's criteria
in the template and validated by `scorecards.save_scorecard` (one place for the rules)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.checks import FIRST_YEAR, LAST_YEAR
from ..core.forms import REQUIRED, DayTimeField, DecimalTextField, Form
from ..core.timeutil import local_zone
from ..registry.models import Field
from ..units.models import UnitKind
from .models import AggregationMethod


def _local_to_utc(value: datetime | None) -> datetime | None:
    from datetime import UTC

    if value is None:
        return None
    return value.replace(tzinfo=local_zone()).astimezone(UTC)


class RoundForm(Form):
    name = StringField("Tên đợt đánh giá", validators=[DataRequired(REQUIRED), Length(max=255)])
    year = IntegerField("Năm", validators=[InputRequired(REQUIRED), NumberRange(FIRST_YEAR, LAST_YEAR)])
    opens_at = DayTimeField("Bắt đầu chấm", validators=[Optional()])
    closes_at = DayTimeField("Hạn chấm", validators=[Optional()], default_time=time(23, 59))
    aggregation = SelectField(
        "Cách tính điểm cuối cùng",
        choices=[(m.value, m.label) for m in AggregationMethod],
        default=AggregationMethod.MEAN.value,
    )
    min_scorecards = IntegerField(
        "Số phiếu tối thiểu mỗi mô hình", default=3, validators=[InputRequired(REQUIRED), NumberRange(1, 50)],
        description="Mô hình có ít phiếu đã nộp hơn số này được ghi “chưa đủ phiếu” và không xếp hạng.",
    )
    disagreement_threshold = DecimalTextField(
        "Ngưỡng chênh lệch (điểm)", default=20,
        validators=[InputRequired(REQUIRED), NumberRange(0, 1000)],
        description="Đánh dấu để hội đồng thảo luận khi tổng điểm cao nhất trừ thấp nhất vượt ngưỡng này.",
    )
    is_blind = BooleanField(
        "Chấm độc lập: thành viên chỉ thấy điểm của người khác khi hết thời gian chấm hoặc khi mở thảo luận",
        default=True
    )
    grade_excellent_min = DecimalTextField("Xuất sắc từ", default=90,
                                       validators=[InputRequired(REQUIRED), NumberRange(0, 10000)])
    grade_good_min = DecimalTextField("Tốt từ", default=75,
                                  validators=[InputRequired(REQUIRED), NumberRange(0, 10000)])
    grade_fair_min = DecimalTextField("Khá từ", default=60,
                                  validators=[InputRequired(REQUIRED), NumberRange(0, 10000)])
    scope_unit_id = SelectField("Chỉ gồm mô hình thuộc đơn vị", coerce=int, default=0)
    scope_unit_kind = SelectField(
        "Chỉ gồm khối đơn vị",
        choices=[("", "— Mọi khối —")] + [(k.value, label) for k, label in UnitKind.labels().items()],
        default="",
    )
    scope_field = SelectField(
        "Chỉ gồm lĩnh vực",
        choices=[("", "— Mọi lĩnh vực —")] + [(f.value, label) for f, label in Field.labels().items()],
        default="",
    )
    include_eligible = BooleanField("Đưa ngay mọi mô hình đủ điều kiện vào đợt", default=True)

    @property
    def opens_at_utc(self) -> datetime | None:
        return _local_to_utc(self.opens_at.data)

    @property
    def closes_at_utc(self) -> datetime | None:
        return _local_to_utc(self.closes_at.data)


class CriterionForm(Form):
    code = StringField("Mã", validators=[DataRequired(REQUIRED), Length(max=20)])
    name = StringField("Tên tiêu chí", validators=[DataRequired(REQUIRED), Length(max=255)])
    guidance = TextAreaField("Hướng dẫn chấm", validators=[Length(max=5000)])
    max_score = DecimalTextField("Điểm tối đa", validators=[InputRequired(REQUIRED), NumberRange(0.5, 1000)])
    is_tiebreaker = BooleanField("Dùng để phân định khi bằng điểm")

    def criterion_values(self) -> dict:
        """The criterion as `rubric.add_criterion` and `rubric.update_criterion` take it."""
        return {
            "code": self.code.data, "name": self.name.data, "guidance": self.guidance.data,
            "max_score": Decimal(self.max_score.data), "is_tiebreaker": bool(self.is_tiebreaker.data),
        }


class ReasonForm(Form):
    reason = TextAreaField("Lý do", validators=[DataRequired(REQUIRED), Length(min=5, max=2000)])


class ActionForm(Form):
    """Only the CSRF token: for buttons that post."""


class AddEntriesForm(Form):
    """Models added to a round by hand; `reason` (ly_do) is asked when some already stand
    elsewhere (ranked, proposed, or in another round)."""

    reason = TextAreaField("Lý do đánh giá lại", name="ly_do")
